"""STAND-IN for the redaction engine (branch i24-engine writes the real one; drop this file when merging).

Only the agreed signature and enough behaviour for the provenance tests: decode the window with PyAV,
fill every region's and box's bounding box (Y 16, U/V 128), encode H.264 (libx264, ultrafast), MP4 with
faststart. No blur, no faces, no audio.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av

from .plan import Plan, Result
from .regions import Region


class RedactionError(Exception):
    """The clip could not be redacted; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fill(frame: av.VideoFrame, regions: list[Region]) -> av.VideoFrame:
    if not regions:
        return frame
    pixels = frame.to_ndarray(format="rgb24")
    height, width = frame.height, frame.width
    for region in regions:
        left, top, right, bottom = region.bounds()
        pixels[int(top * height) : round(bottom * height), int(left * width) : round(right * width)] = 0
    return av.VideoFrame.from_ndarray(pixels, format="rgb24")


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
    """Write the redacted window of `source` to `dest` (blocking); RedactionError on failure."""
    began = time.monotonic()
    partial = dest.with_suffix(".partial.mp4")
    frames = width = height = 0
    try:
        with (
            av.open(str(source)) as container,
            av.open(str(partial), "w", options={"movflags": "+faststart"}) as out,
        ):
            video = container.streams.video[0]
            rate = video.average_rate or 15
            stream = out.add_stream("libx264", rate=rate, options={"preset": "ultrafast", "crf": "23"})
            stream.width, stream.height = video.codec_context.width, video.codec_context.height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = Fraction(1, round(float(rate)))
            first: float | None = None
            for frame in container.decode(video):
                if cancel is not None and cancel.is_set():
                    raise RedactionError("cancelled")
                first = frame.time if first is None else first
                at = frame.time - first
                if at < start_s - 1e-6:
                    continue
                if duration_s is not None and at >= start_s + duration_s - 1e-6:
                    break
                hidden = [
                    *plan.regions,
                    *(b.region for b in plan.boxes if b.start_s <= at - start_s < b.end_s),
                ]
                filled = _fill(frame, hidden)
                filled = filled.reformat(format="yuv420p") if filled.format.name != "yuv420p" else filled
                filled.pts, filled.time_base = frames, stream.codec_context.time_base
                for packet in stream.encode(filled):
                    out.mux(packet)
                frames += 1
                width, height = frame.width, frame.height
                if progress is not None and duration_s:
                    progress(min(1.0, (at - start_s) / duration_s))
            for packet in stream.encode():
                out.mux(packet)
        if not frames:
            raise RedactionError("no frames in the window")
        partial.replace(dest)
    except RedactionError:
        partial.unlink(missing_ok=True)
        raise
    except (av.FFmpegError, OSError, ValueError) as err:
        partial.unlink(missing_ok=True)
        raise RedactionError(str(err)) from err
    return Result(
        frames=frames,
        width=width,
        height=height,
        hiding={"black": {"method": "bounding box filled, Y 16 U/V 128 (stand-in)"}},
        encoder={
            "library": "PyAV",
            "version": av.__version__,
            "codec": "libx264",
            "preset": "ultrafast",
            "crf": 23,
            "pix_fmt": "yuv420p",
        },
        seconds=time.monotonic() - began,
    )
