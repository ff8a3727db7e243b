"""ffprobe, run as an asyncio subprocess with a timeout: stream checks and segment durations.

A pinned rtsps:// camera is probed by the recorder process's own code instead (`capture.py --probe`,
PyAV), with the pinned certificate as its TLS session's only trust anchor: Debian's ffprobe 5.1 ignores
the TLS options on RTSP, so its connection, which carries the credentials, would go unchecked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from .camera_config import SourceRefused, checked_source
from .pinning import (
    TLS_REFUSED,
    CertificateChanged,
    CertificateError,
    CertificateUnverifiable,
    RecorderTls,
    check_pin,
    recorder_tls,
)

PROBE_TIMEOUT: Final = 15.0
RTSP_TIMEOUT_US: Final = 10_000_000
CAPTURE: Final = Path(__file__).with_name("capture.py")


class ProbeError(Exception):
    """A candidate stream failed; `reason` is a translation key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What a probe found in a camera's stream."""

    video_codec: str
    width: int | None
    height: int | None
    audio_codec: str | None


def ffprobe_binary(ffmpeg_binary: str) -> str:
    """The ffprobe that sits beside the ffmpeg Home Assistant was told to use."""
    beside = Path(ffmpeg_binary).with_name("ffprobe")
    if beside.is_absolute() and beside.exists():
        return str(beside)
    return shutil.which("ffprobe") or "ffprobe"


async def _run(
    args: list[str], timeout: float, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> tuple[int, bytes, bytes]:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(stdin), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    return process.returncode or 0, stdout, stderr


_STATUS = re.compile(r"(?:failed: |Server returned )(\d{3})")


def _classify(stderr: str) -> str:
    statuses = set(_STATUS.findall(stderr))
    if statuses & {"401", "403"}:
        return "invalid_auth"
    if "404" in statuses:
        return "not_found"
    if "invalid data" in stderr.lower():
        return "not_a_stream"
    return "cannot_connect"


def refuses_credentials(stderr: str) -> bool:
    """True when ffmpeg's or ffprobe's messages say the camera refused the credentials (401/403)."""
    return _classify(stderr) == "invalid_auth"


async def probe_stream(
    ffprobe: str,
    url: str,
    timeout: float = PROBE_TIMEOUT,
    *,
    allow_http: bool = False,
    pin: str | None = None,
) -> StreamInfo:
    """Check that `url` is a reachable video stream; raise ProbeError with a translation key.

    Only a camera's protocols are opened (http/https with `allow_http`, for a camera entity's HLS). An
    `rtsps://` camera with a `pin` must present that certificate first, else nothing (and with it the
    credentials) goes to it: ProbeError("certificate_changed"). It is then probed on a connection that
    checks the pinned certificate itself (`capture.py --probe`); a camera without a pin (the first
    contact, before its certificate is pinned) and a plain rtsp:// one are probed by ffprobe.
    """
    try:
        protocols = checked_source(url, allow_http=allow_http)
    except SourceRefused as err:
        raise ProbeError("source_refused") from err
    try:
        der = await check_pin(url, pin)
        tls = None if der is None else recorder_tls(der, url, datetime.now(UTC))
    except CertificateChanged as err:
        raise ProbeError("certificate_changed") from err
    except CertificateError as err:
        raise ProbeError(err.reason) from err
    except CertificateUnverifiable as err:
        raise ProbeError("certificate_unverifiable") from err
    try:
        if tls is not None:
            code, stdout, stderr = await _probe_pinned(url, protocols, tls, timeout)
        else:
            args = [ffprobe, "-v", "error", "-hide_banner", "-protocol_whitelist", protocols]
            if url.startswith(("rtsp://", "rtsps://")):
                args += ["-rtsp_transport", "tcp", "-timeout", str(RTSP_TIMEOUT_US)]
            args += ["-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json", url]
            code, stdout, stderr = await _run(args, timeout)
    except TimeoutError as err:
        raise ProbeError("timeout") from err
    except OSError as err:
        raise ProbeError("ffmpeg_missing") from err
    if code != 0:
        text = stderr.decode(errors="replace")
        if any(words in text for words in TLS_REFUSED):
            # That connection did not present the pinned certificate: nothing was sent on it.
            raise ProbeError("certificate_changed")
        raise ProbeError(_classify(text))
    try:
        streams = json.loads(stdout).get("streams", [])
    except ValueError as err:
        raise ProbeError("not_a_stream") from err
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise ProbeError("no_video")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    return StreamInfo(
        video_codec=str(video.get("codec_name") or "unknown"),
        width=video.get("width"),
        height=video.get("height"),
        audio_codec=str(audio.get("codec_name")) if audio else None,
    )


async def _probe_pinned(
    url: str, protocols: str, tls: RecorderTls, timeout: float
) -> tuple[int, bytes, bytes]:
    """`capture.py --probe` (FFmpeg through PyAV) with the pinned certificate as its only trust anchor."""
    ca_file = await asyncio.to_thread(_write_certificate, tls.pem)
    try:
        command = [sys.executable, "-P", str(CAPTURE), "--probe", "--protocols", protocols]
        command += ["--tls-ca", ca_file, *(("--tls-host", tls.host) if tls.host else ())]
        command += ["--parent-pid", str(os.getpid())]
        # The URL on stdin (credentials stay out of the process list); Home Assistant's own import path.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        return await _run(command, timeout, url.encode() + b"\n", env)
    finally:
        await asyncio.to_thread(Path(ca_file).unlink, missing_ok=True)


def _write_certificate(pem: str) -> str:
    """The pinned certificate in a file of its own (0600; a public certificate, no secret)."""
    descriptor, name = tempfile.mkstemp(prefix="doorbell_vault_pin_", suffix=".pem")
    with os.fdopen(descriptor, "w") as file:
        file.write(pem)
    return name


async def probe_duration(ffprobe: str, path: Path, timeout: float = 30) -> float | None:
    """Seconds of playable footage in a file (a cut-short fragmented MP4 included), or None.

    Raises ProbeError("ffmpeg_missing") when ffprobe does not run: the file may well be playable.
    """
    try:
        code, stdout, _ = await _run(
            [
                ffprobe,
                "-v",
                "error",
                "-protocol_whitelist",
                "file",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(path),
            ],
            timeout,
        )
    except TimeoutError:
        return None
    except OSError as err:
        raise ProbeError("ffmpeg_missing") from err
    if code != 0:
        return None
    try:
        duration = float(stdout.decode().strip())
    except ValueError:
        return None
    return duration if duration > 0 else None


async def probe_frame_size(ffprobe: str, path: Path, timeout: float = 30) -> tuple[int, int] | None:
    """The width and height of a file's first video stream, or None (no video, no answer in time)."""
    try:
        _, stdout, _ = await _run(
            [
                *(ffprobe, "-v", "error", "-protocol_whitelist", "file", "-select_streams", "v:0"),
                *("-show_entries", "stream=width,height", "-of", "csv=p=0", str(path)),
            ],
            timeout,
        )
    except TimeoutError, OSError:
        return None
    width, _, height = stdout.decode().strip().partition(",")
    return (int(width), int(height)) if width.isdigit() and height.strip().isdigit() else None
