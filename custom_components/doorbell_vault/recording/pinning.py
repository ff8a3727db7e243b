"""RTSPS certificate pinning: the SHA-256 fingerprint a camera's TLS certificate had when it was added.

Trust on first use: the fingerprint the camera presents when it is configured is shown to the owner and
stored with the camera. Before each recorder start and each probe the camera must present the same
certificate again; until the owner accepts a different one, nothing (no credentials, no ffmpeg) goes to it.
The handshake runs on the event loop's own sockets (asyncio), never blocking it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import ssl
from typing import Final
from urllib.parse import urlsplit

from homeassistant.util.ssl import client_context_no_verify

RTSPS_DEFAULT_PORT: Final = 322  # ffmpeg's (and IANA's) port for rtsps:// without one
HANDSHAKE_TIMEOUT: Final = 10.0


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
    """The fingerprint of the certificate the server of `url` presents.

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
    return format_fingerprint(der)


async def check_pin(url: str, pinned: str | None, timeout: float = HANDSHAKE_TIMEOUT) -> None:
    """Raise CertificateChanged unless `url` (an `rtsps://` one with a pin) presents the pinned certificate.

    A URL without TLS or a camera without a pin passes; CertificateError when no certificate is read.
    """
    if not pinned or not is_tls_url(url):
        return
    presented = await presented_fingerprint(url, timeout)
    if presented != pinned:
        raise CertificateChanged(pinned, presented)
