"""ffprobe, run as an asyncio subprocess with a timeout: stream checks and segment durations."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .camera_config import SourceRefused, checked_source
from .pinning import CertificateChanged, CertificateError, check_pin

PROBE_TIMEOUT: Final = 15.0
RTSP_TIMEOUT_US: Final = 10_000_000


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


async def _run(args: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
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
    `rtsps://` camera with a `pin` must present that certificate first, else ffprobe (and with it the
    credentials) never goes to it: ProbeError("certificate_changed").
    """
    try:
        protocols = checked_source(url, allow_http=allow_http)
    except SourceRefused as err:
        raise ProbeError("source_refused") from err
    try:
        await check_pin(url, pin)
    except CertificateChanged as err:
        raise ProbeError("certificate_changed") from err
    except CertificateError as err:
        raise ProbeError(err.reason) from err
    args = [ffprobe, "-v", "error", "-hide_banner", "-protocol_whitelist", protocols]
    if url.startswith(("rtsp://", "rtsps://")):
        args += ["-rtsp_transport", "tcp", "-timeout", str(RTSP_TIMEOUT_US)]
    args += ["-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json", url]
    try:
        code, stdout, stderr = await _run(args, timeout)
    except TimeoutError as err:
        raise ProbeError("timeout") from err
    except OSError as err:
        raise ProbeError("ffmpeg_missing") from err
    if code != 0:
        raise ProbeError(_classify(stderr.decode(errors="replace")))
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


async def probe_duration(ffprobe: str, path: Path, timeout: float = 30) -> float | None:
    """Seconds of playable footage in a file (a cut-short fragmented MP4 included), or None."""
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
    except TimeoutError, OSError:
        return None
    if code != 0:
        return None
    try:
        duration = float(stdout.decode().strip())
    except ValueError:
        return None
    return duration if duration > 0 else None
