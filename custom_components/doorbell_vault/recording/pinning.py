"""RTSPS certificate pinning: the SHA-256 fingerprint a camera's TLS certificate had when it was added.

Trust on first use: the fingerprint the camera presents when it is configured is shown to the owner and
stored with the camera. Before each recorder start and each probe the camera must present the same
certificate again; until the owner accepts a different one, nothing (no credentials, no recorder) goes to it.
The handshake runs on the event loop's own sockets (asyncio), never blocking it.

That check is a connection of its own: the pin holds only on the connection that carries the
credentials. The recorder process's FFmpeg checks its own TLS session too, with the pinned certificate as
its only trust anchor (`recorder_tls`), before the first RTSP byte goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID
from homeassistant.util.ssl import client_context_no_verify

RTSPS_DEFAULT_PORT: Final = 322  # ffmpeg's (and IANA's) port for rtsps:// without one
HANDSHAKE_TIMEOUT: Final = 10.0
# Why a pinned camera is not recorded, for the repair (translated by the hub).
PROBLEM_CERTIFICATE_CHANGED: Final = "certificate_changed"
PROBLEM_CERTIFICATE_UNVERIFIABLE: Final = "certificate_unverifiable"
# What FFmpeg says when its own TLS session does not present the pinned certificate (GnuTLS; OpenSSL's
# words too, should PyAV's FFmpeg move to it).
TLS_REFUSED: Final = (
    "Peer certificate failed verification",
    "Unable to verify peer certificate",
    "The certificate's owner does not match hostname",
    "certificate verify failed",
)


class CertificateError(Exception):
    """No certificate could be read (nothing listens, no TLS, a timeout); `reason` is a translation key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CertificateChanged(Exception):
    """The camera presents another certificate than the one pinned when it was added."""

    def __init__(self, pinned: str, presented: str) -> None:
        super().__init__(f"certificate changed: {pinned} → {presented}")
        self.pinned = pinned
        self.presented = presented


class CertificateUnverifiable(Exception):
    """The pinned certificate cannot be checked by FFmpeg on the recorder's own connection.

    `reason`: "expired", "not_yet_valid" or "no_name" (GnuTLS checks the dates and a name of its trust
    anchor; it has no switch for either).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RecorderTls:
    """What the recorder process's FFmpeg needs to check the camera's certificate on its own connection.

    `pem`: the pinned certificate, its only trust anchor (`ca_file`); `host`: the name to check it
    against (`verifyhost`) when the URL's host is not one of the certificate's names (a self-signed
    camera certificate rarely names the address it is reached at), else None (the URL's host is checked).
    """

    pem: str
    host: str | None


def is_tls_url(url: str | None) -> bool:
    """True for a stream URL that ffmpeg opens over TLS (`rtsps://`)."""
    return bool(url) and str(url).lower().startswith("rtsps://")


def format_fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as `AB:CD:…`, the way `openssl x509 -fingerprint -sha256` shows it."""
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


def _endpoint(url: str) -> tuple[str, int, str | None]:
    """Host, port and the TLS server name (SNI) ffmpeg sends for `url` (none for an IP address)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or RTSPS_DEFAULT_PORT
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host, port, host
    return host, port, None


async def presented_fingerprint(url: str, timeout: float = HANDSHAKE_TIMEOUT) -> str:
    """The fingerprint of the certificate the server of `url` presents (see presented_certificate)."""
    return format_fingerprint(await presented_certificate(url, timeout))


async def presented_certificate(url: str, timeout: float = HANDSHAKE_TIMEOUT) -> bytes:
    """The certificate (DER) the server of `url` presents.

    Only a TLS handshake: not a byte of RTSP (so no credentials) is sent. The certificate is not verified
    here (cameras present self-signed ones); it is compared with the pin instead.
    """
    host, port, server_name = _endpoint(url)
    if not host:
        raise CertificateError("invalid_url")
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(
                host, port, ssl=client_context_no_verify(), server_hostname=server_name or ""
            )
            tls: ssl.SSLObject | None = writer.get_extra_info("ssl_object")
            der = tls.getpeercert(binary_form=True) if tls is not None else None
    except TimeoutError as err:
        raise CertificateError("timeout") from err
    except (OSError, ssl.SSLError) as err:
        raise CertificateError("cannot_connect") from err
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    if not der:
        raise CertificateError("cannot_connect")
    return der


async def check_pin(url: str, pinned: str | None, timeout: float = HANDSHAKE_TIMEOUT) -> bytes | None:
    """Raise CertificateChanged unless `url` (an `rtsps://` one with a pin) presents the pinned certificate.

    Returns that certificate (DER); None for a URL without TLS or a camera without a pin (they pass).
    CertificateError when no certificate is read.
    """
    if not pinned or not is_tls_url(url):
        return None
    der = await presented_certificate(url, timeout)
    presented = format_fingerprint(der)
    if presented != pinned:
        raise CertificateChanged(pinned, presented)
    return der


def recorder_tls(der: bytes, url: str, now: datetime) -> RecorderTls:
    """The pinned certificate `der` as FFmpeg's only trust anchor for `url`, checked at `now` (UTC).

    Raises CertificateUnverifiable when FFmpeg (GnuTLS) would refuse even the real camera: a certificate
    outside its validity dates, or one naming no host. Nothing is then sent to the camera.
    """
    certificate = x509.load_der_x509_certificate(der)
    if now < certificate.not_valid_before_utc:
        raise CertificateUnverifiable("not_yet_valid")
    if now > certificate.not_valid_after_utc:
        raise CertificateUnverifiable("expired")
    names = _names(certificate)
    if not names:
        raise CertificateUnverifiable("no_name")
    host = (urlsplit(url).hostname or "").lower()
    if host in (name.lower() for name in names):
        return RecorderTls(ssl.DER_cert_to_PEM_cert(der), None)
    name = names[0]
    # A wildcard name is checked against one host it covers.
    return RecorderTls(ssl.DER_cert_to_PEM_cert(der), f"camera{name[1:]}" if name.startswith("*.") else name)


def _names(certificate: x509.Certificate) -> list[str]:
    """The host names and addresses a certificate is for, as GnuTLS checks them (the CN without SANs)."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        found = [*san.get_values_for_type(x509.DNSName)]
        found += [str(address) for address in san.get_values_for_type(x509.IPAddress)]
        if found:
            return found
    return [
        str(attribute.value)
        for attribute in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if str(attribute.value)
    ]


@dataclass(frozen=True, slots=True)
class PinRefused:
    """Why a pinned camera is not recorded: its problem (None: the note says it) and the note.

    `changed`: (pinned, presented) fingerprints when the camera presents another certificate.
    """

    problem: str | None
    note: str
    changed: tuple[str, str] | None = None


def _changed(pinned: str, presented: str) -> PinRefused:
    return PinRefused(
        PROBLEM_CERTIFICATE_CHANGED, f"certificate changed: {pinned} → {presented}", (pinned, presented)
    )


async def recorder_pin(url: str, pinned: str | None) -> RecorderTls | PinRefused | None:
    """An rtsps:// camera presents the certificate pinned when it was added (a TLS handshake only).

    That handshake is a connection of its own: the recorder process checks its own against the pinned
    certificate too (returned here for it; None without a pin). PinRefused: the camera is not recorded.
    """
    try:
        der = await check_pin(url, pinned)
        return None if der is None else recorder_tls(der, url, datetime.now(UTC))
    except CertificateChanged as err:
        return _changed(err.pinned, err.presented)
    except CertificateError as err:
        return PinRefused(None, f"no TLS certificate read from the camera ({err.reason})")
    except CertificateUnverifiable as err:
        return PinRefused(
            PROBLEM_CERTIFICATE_UNVERIFIABLE,
            f"the pinned certificate cannot be checked on the recorder's own connection: {err.reason}",
        )


async def refused_on_own_connection(url: str, pinned: str) -> PinRefused:
    """The recorder's own TLS session did not present the pinned certificate: nothing was sent on it.

    The camera is asked again for the repair's "presented now"; one that shows the pinned certificate
    to that handshake alone (a machine in the middle choosing whom to deceive) is named by the note.
    """
    try:
        presented = await presented_fingerprint(url)
    except CertificateError:
        presented = pinned
    if presented != pinned:
        return _changed(pinned, presented)
    return PinRefused(
        PROBLEM_CERTIFICATE_CHANGED,
        "the recorder's own TLS connection presented another certificate than the pinned one",
    )
