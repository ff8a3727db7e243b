"""FFmpeg's options for opening a camera's stream, and the pinned certificate checked on its connection."""

from __future__ import annotations

import argparse

from .rtcp_clock import US


def open_options(url: str, args: argparse.Namespace) -> dict[str, str]:
    """FFmpeg's options for opening a camera's stream (a probe's and a recording's alike)."""
    # PyAV turns on `genpts` (buffering to invent missing times); the ffmpeg command never did.
    options = {"protocol_whitelist": args.protocols, "fflags": "+discardcorrupt-genpts"}
    if url.startswith(("rtsp://", "rtsps://")):
        # A socket timeout in FFmpeg itself: PyAV's own timeout costs a GIL round trip per read.
        options |= {"rtsp_transport": "tcp", "timeout": str(10 * US)}
        if url.startswith("rtsps://"):
            options |= tls_options(args.tls_ca, args.tls_host)
    return options


def tls_options(ca_file: str | None, host: str | None) -> dict[str, str]:
    """FFmpeg's TLS options for an rtsps:// camera: its pinned certificate checked on this very connection.

    The pinned certificate is the only trust anchor, and FFmpeg checks it in the handshake, before the
    first RTSP byte (the credentials) goes out: a machine in the middle that let the supervisor's own
    check through to the camera still cannot answer this connection. `host`: the name the certificate
    is checked against when the URL's host is not one of its names (self-signed camera certificates).
    A camera added before pinning (no `ca_file`) is not verified, as before.
    """
    if not ca_file:
        return {"tls_verify": "0"}
    return {"tls_verify": "1", "ca_file": ca_file} | ({"verifyhost": host} if host else {})
