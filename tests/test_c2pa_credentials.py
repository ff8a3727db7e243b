"""C2PA where it cannot be embedded: the record says why, and nothing of a failed signing is left behind.

The household's own CA and signer are made here for real (cryptography); the c2pa library is made to be
missing or broken by the import it would be loaded through. A whole signed package is test_provenance's.
"""

from __future__ import annotations

import builtins
import sys
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from custom_components.doorbell_vault.evidence import c2pa_manifest

WHAT = {
    "operations": {"mode": "masks", "regions": [], "boxes": [], "detector": None},
    "derived_from": [],
}
SOFTWARE = {"name": "Doorbell Vault", "version": "test"}


def _embed(folder: Path) -> dict[str, Any]:
    clip, original = folder / "clip.mp4", folder / "original.mp4"
    return c2pa_manifest.embed(folder, clip, original, "Front door", WHAT, SOFTWARE)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The vault's storage folder, with a clip and its original the library cannot read."""
    made = tmp_path / "vault"
    made.mkdir()
    (made / "clip.mp4").write_bytes(b"not an MP4 " * 64)
    (made / "original.mp4").write_bytes(b"not an MP4 either")
    return made


def _import_fails(monkeypatch: pytest.MonkeyPatch, error: Exception | None) -> None:
    """`import c2pa` raises `error` (None: as where it is not installed)."""
    if error is None:
        monkeypatch.setitem(sys.modules, "c2pa", None)
        return
    real = builtins.__import__

    def load(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "c2pa":
            raise error
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", load)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (None, "c2pa-python is not installed on this system"),
        (OSError("libc2pa_c.so: cannot open shared object file"), "c2pa-python cannot load its library"),
    ],
)
def test_without_a_working_library_the_record_says_why_and_the_clip_is_untouched(
    folder: Path, monkeypatch: pytest.MonkeyPatch, error: Exception | None, said: str
) -> None:
    before = (folder / "clip.mp4").read_bytes()
    _import_fails(monkeypatch, error)
    reason = c2pa_manifest.available()
    assert reason is not None
    assert reason.startswith(said)
    assert _embed(folder) == {"embedded": False, "reason": reason}
    assert (folder / "clip.mp4").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["clip.mp4", "original.mp4"]  # no CA made


def test_an_unusable_household_key_is_stated_not_replaced(folder: Path) -> None:
    other = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / c2pa_manifest.CA_KEY).write_bytes(other)
    (folder / c2pa_manifest.CA_CERT).write_bytes(b"")
    answer = _embed(folder)
    assert answer == {
        "embedded": False,
        "reason": "the household's C2PA certificate is unusable: .c2pa_ca_key.pem does not hold a P-256 key",
    }
    assert (folder / c2pa_manifest.CA_KEY).read_bytes() == other

    (folder / c2pa_manifest.CA_KEY).write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n")
    assert _embed(folder)["reason"].startswith("the household's C2PA certificate is unusable:")


def test_a_signer_not_issued_by_the_households_ca_is_issued_again(folder: Path) -> None:
    c2pa_manifest.credentials(folder)
    first = (folder / c2pa_manifest.SIGNER_CERT).read_bytes()
    assert c2pa_manifest.credentials(folder)[1].startswith(first)  # kept while valid
    # The CA replaced (its files lost, say): the old signer no longer chains to it.
    (folder / c2pa_manifest.CA_KEY).unlink()
    (folder / c2pa_manifest.CA_CERT).unlink()
    _key, chain, ca_pem = c2pa_manifest.credentials(folder)
    signer = x509.load_pem_x509_certificate(chain)
    assert chain.startswith((folder / c2pa_manifest.SIGNER_CERT).read_bytes())
    assert not chain.startswith(first)
    signer.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_pem))
    assert c2pa_manifest.package_ca(folder) == ca_pem


def test_a_clip_the_library_cannot_sign_is_left_as_it_was(folder: Path) -> None:
    assert c2pa_manifest.available() is None  # installed here: the failure is the clip's
    before = (folder / "clip.mp4").read_bytes()
    answer = _embed(folder)
    assert answer["embedded"] is False
    assert answer["reason"].startswith("C2PA signing failed:")
    assert (folder / "clip.mp4").read_bytes() == before
    assert not (folder / "clip.c2pa.mp4").exists()


def test_the_librarys_version_without_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", unknown)
    assert c2pa_manifest._version(SimpleNamespace(__version__="0.9.1")) == "0.9.1"
    assert c2pa_manifest._version(SimpleNamespace()) == "unknown"
