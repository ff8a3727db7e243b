"""STAND-IN (the engine helper's engine.py replaces it): re-encodes the window with PyAV, hides nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av

from .plan import Plan, Result


class RedactionError(Exception):
    """The clip could not be redacted; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def redact(
    source: Path,
    dest: Path,
    plan: Plan,
    *,
    start_s: float = 0.0,
    duration_s: float | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Result:
    """Re-encode the window of `source` into `dest` (H.264, yuv420p, MP4); no partial `dest` on failure."""
    began = time.monotonic()
    partial = dest.with_name(f".{dest.name}.part")
    frames = width = height = 0
    try:
        with (
            av.open(str(source)) as inp,
            av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            video = inp.streams.video[0]
            rate = video.average_rate or Fraction(25)
            width, height = video.codec_context.width, video.codec_context.height
            if plan.preview and width > 640:
                width, height = 640, (height * 640 // width) // 2 * 2
            encoded = out.add_stream("libx264", rate=rate)
            encoded.width, encoded.height, encoded.pix_fmt = width, height, "yuv420p"
            encoded.options = {"preset": "ultrafast" if plan.preview else "veryfast"}
            first: float | None = None
            for frame in inp.decode(video):
                if cancel is not None and cancel.is_set():
                    raise RedactionError("cancelled")
                at = float(frame.time or 0.0)
                first = at if first is None else first
                offset = at - first - start_s
                if offset < 0:
                    continue
                if duration_s is not None and offset >= duration_s:
                    break
                picture = frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts, picture.time_base = frames, 1 / rate
                out.mux(encoded.encode(picture))
                frames += 1
                if progress is not None and duration_s:
                    progress(min(offset / duration_s, 1.0))
            out.mux(encoded.encode(None))
        partial.replace(dest)
    except (av.FFmpegError, OSError) as err:
        partial.unlink(missing_ok=True)
        raise RedactionError(str(err)) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Result(
        frames=frames,
        width=width,
        height=height,
        encoder={"library": "PyAV", "codec": "libx264", "stand_in": True},
        seconds=round(time.monotonic() - began, 3),
    )
