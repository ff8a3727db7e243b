"""A C2PA manifest inside each redacted clip, where the `c2pa-python` library installs (glibc only).

The household has its own small certificate authority, made with `cryptography` on first use and kept as
owner-only files beside the package signing key: the CA (P-256, ten years) and an end-entity certificate it
issued (CA:FALSE, digitalSignature, EKU emailProtection + C2PA's 1.3.6.1.5.5.7.3.36; two years, renewed
when it nears its end). Every package holding a C2PA clip carries the CA certificate (`c2pa_ca.pem`), so a
reader given it as a trust anchor reports the clip trusted; without it readers say "Valid" with an
untrusted signing credential.

The manifest: the stream-copied window of the sealed originals as the parent ingredient (`c2pa.opened`),
then `c2pa.edited` (what was hidden) and `c2pa.transcoded` (H.264). An unsigned ingredient gets no
content hash, so the originals' SHA-256 are in an assertion of our own (`org.doorbell-vault.sources`).
Signing changes the file's bytes: it happens before the clip is hashed for the package.

Everything here blocks (files, signing): it runs on the package builder's executor thread.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from ..store.files import write_private
from .verify_package import C2PA_CA

CA_KEY: Final = ".c2pa_ca_key.pem"
CA_CERT: Final = ".c2pa_ca.pem"
SIGNER_KEY: Final = ".c2pa_signer_key.pem"
SIGNER_CERT: Final = ".c2pa_signer.pem"
SOURCES_LABEL: Final = "org.doorbell-vault.sources"
C2PA_EKU: Final = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
SIGNER_DAYS: Final = 730
RENEW_DAYS: Final = 30
_MAKING: Final = threading.Lock()


class C2paUnavailable(Exception):
    """C2PA cannot be embedded here; the message says why (the provenance record states it)."""


def _library() -> Any:
    try:
        import c2pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as err:  # musl (Home Assistant OS, Container): no wheel
        raise C2paUnavailable(f"c2pa-python is not installed on this system ({err})") from err
    except OSError as err:  # its native library failed to load
        raise C2paUnavailable(f"c2pa-python cannot load its library ({err})") from err
    return c2pa


def available() -> str | None:
    """None when C2PA manifests can be embedded; otherwise why not."""
    try:
        _library()
    except C2paUnavailable as err:
        return str(err)
    return None


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Doorbell Vault household"),
        ]
    )


def _usage(*, sign: bool, certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certs,
        crl_sign=certs,
        encipher_only=False,
        decipher_only=False,
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise C2paUnavailable(f"{path.name} does not hold a P-256 key")
    return key


def _ca(storage: Path, now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = storage / CA_KEY, storage / CA_CERT
    if key_path.is_file() and cert_path.is_file():
        return _load_key(key_path), x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Doorbell Vault household C2PA CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False, certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(key_path, _pem_key(key))
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _issued_by(cert: x509.Certificate, ca_cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca_cert)
    except ValueError, TypeError, InvalidSignature:
        return False
    return True


def credentials(storage: Path) -> tuple[bytes, bytes, bytes]:
    """(signer key PEM, signer chain PEM, CA certificate PEM), made or renewed as needed (blocking)."""
    with _MAKING:  # two packages built at once make one CA, not two
        return _credentials(storage)


def _credentials(storage: Path) -> tuple[bytes, bytes, bytes]:
    now = datetime.now(UTC)
    ca_key, ca_cert = _ca(storage, now)
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    key_path, cert_path = storage / SIGNER_KEY, storage / SIGNER_CERT
    if key_path.is_file() and cert_path.is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc - now > timedelta(days=RENEW_DAYS) and _issued_by(cert, ca_cert):
            return key_path.read_bytes(), cert_path.read_bytes() + ca_pem, ca_pem
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Doorbell Vault redaction"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(min(now + timedelta(days=SIGNER_DAYS), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True, certs=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, C2PA_EKU]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem, cert_pem = _pem_key(key), cert.public_bytes(serialization.Encoding.PEM)
    write_private(key_path, key_pem)
    write_private(cert_path, cert_pem)
    return key_pem, cert_pem + ca_pem, ca_pem


def embed(
    storage: Path, clip: Path, original: Path, title: str, what: dict[str, Any], software: dict[str, str]
) -> dict[str, Any]:
    """Sign a C2PA manifest into `clip` (in place; blocking); what the provenance record says of it.

    `original`: the stream-copied window the clip was made from (the parent ingredient); `what`: the
    operations and sources as the provenance record states them.
    """
    try:
        c2pa = _library()
    except C2paUnavailable as err:
        return {"embedded": False, "reason": str(err)}
    try:
        key_pem, chain_pem, _ca_pem = credentials(storage)
    except (OSError, ValueError, C2paUnavailable) as err:
        return {"embedded": False, "reason": f"the household's C2PA certificate is unusable: {err}"}
    operations = what["operations"]
    hidden = len(operations["regions"]) + len(operations["boxes"])
    manifest = {
        "claim_generator_info": [{"name": software["name"], "version": software["version"]}],
        "title": title,
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.opened",
                            "parameters": {"ingredientIds": ["original"]},
                            "description": "the shared window, cut by stream copy from sealed originals",
                        },
                        {
                            "action": "c2pa.edited",
                            "description": f"{operations['mode']}: {hidden} region(s) hidden"
                            + (
                                f", faces found by {operations['detector']['name']}"
                                if operations["detector"]
                                else ""
                            ),
                        },
                        {"action": "c2pa.transcoded", "description": "re-encoded as H.264"},
                    ]
                },
            },
            {
                "label": SOURCES_LABEL,
                "data": {"derived_from": what["derived_from"], "operations": operations},
            },
        ],
    }
    signed = clip.with_suffix(".c2pa.mp4")
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain_pem, key_pem, None)
        )
        write_private(signed, b"")  # owner-only from its first byte; the library writes into it
        with c2pa.Builder(json.dumps(manifest)) as builder, original.open("rb") as parent:
            builder.add_ingredient(
                {"title": "window of the sealed originals", "relationship": "parentOf", "label": "original"},
                "video/mp4",
                parent,
            )
            builder.sign_file(str(clip), str(signed), signer)
        signed.replace(clip)
    except (c2pa.C2paError, OSError, ValueError) as err:
        signed.unlink(missing_ok=True)
        return {"embedded": False, "reason": f"C2PA signing failed: {err}"}
    return {
        "embedded": True,
        "library": f"c2pa-python {_version(c2pa)}",
        "algorithm": "ES256",
        "trust_anchor": C2PA_CA,
        "actions": ["c2pa.opened", "c2pa.edited", "c2pa.transcoded"],
        "sources_assertion": SOURCES_LABEL,
    }


def _version(c2pa: Any) -> str:
    try:
        from importlib.metadata import version

        return version("c2pa-python")
    except ImportError, ValueError:
        return str(getattr(c2pa, "__version__", "unknown"))


def package_ca(storage: Path) -> bytes:
    """The household CA certificate as the package carries it (blocking; made by `credentials`)."""
    return (storage / CA_CERT).read_bytes()
