"""Make one redacted clip: decode with PyAV, hide regions on the YUV planes, encode H.264 into an MP4.

Everything here blocks (decoding, encoding, the detector's pipes): the caller runs `redact` on an
executor thread. Only the window [start_s, start_s + duration_s) of the source goes into the clip, its
frames keeping the source's timestamps (moved so the clip starts at 0) and frame rate; sound is copied
(never re-encoded) only when the plan asks for it. The clip is written under a temporary name beside
`dest` and renamed once complete: on any failure or a cancel nothing partial is left.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import av
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from ..store.files import PRIVATE_UMASK
from .errors import RedactionError
from .faces import FaceTrack
from .hiding import Area, area, hiding_record
from .plan import Plan, Result
from .writer import PIX_FMT, Sound, Writer, fraction

__all__ = ["RedactionError", "redact"]

CODEC: Final = "libx264"
CRF: Final = 20
PRESET: Final = "veryfast"
PREVIEW_CRF: Final = 26
PREVIEW_PRESET: Final = "ultrafast"
PREVIEW_WIDTH: Final = 640
GOP_SECONDS: Final = 2
# Pictures a second given to the face detector (every Nth frame; 25 fps: every 8th).
SAMPLES_PER_SECOND: Final = 3
MAX_FPS: Final = 120
# A frame belongs to the window when it starts within it (a millisecond of rounding allowed).
SLACK_S: Final = 0.001
LIBAVCODEC: Final = ".".join(map(str, av.library_versions["libavcodec"]))
X264_VERSION = re.compile(rb"x264 - core (\d+)(?: r(\d+))?")


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
    """Write the redacted window of `source` to `dest` (H.264, yuv420p, MP4 with faststart)."""
    started = time.monotonic()
    if not source.is_file():
        raise RedactionError("source", "not a file")
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.partial")
    try:
        # Owner-only from the first byte, as every clip of a package.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~PRIVATE_UMASK)
        os.close(descriptor)
        result = _Render(source, partial, plan, start_s, duration_s, progress, cancel).run()
        partial.replace(dest)
    except (av.FFmpegError, OSError, ValueError) as err:  # a RedactionError passes through as it is
        raise RedactionError("failed", f"{type(err).__name__}: {err}"[:300]) from err
    finally:
        partial.unlink(missing_ok=True)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _output_size(width: int, height: int, preview: bool) -> tuple[int, int]:
    """Even dimensions (4:2:0); a preview at most PREVIEW_WIDTH wide, same aspect."""
    if preview and width > PREVIEW_WIDTH:
        height = round(height * PREVIEW_WIDTH / width)
        width = PREVIEW_WIDTH
    return width & ~1, height & ~1


def _profile(path: Path) -> str | None:
    """The H.264 profile the encoder chose (read back from the finished file)."""
    with av.open(str(path)) as written:
        return written.streams.video[0].codec_context.profile


def _rate(video: VideoStream) -> Fraction:
    """The source's frame rate: its nominal one (r_frame_rate) when sensible, else its average."""
    for rate in (video.guessed_rate, video.average_rate):
        if rate and 0 < float(rate) <= MAX_FPS:
            return fraction(rate)
    return Fraction(25)


class _Render:
    """One pass over the source: demux, decode, hide, encode, mux."""

    def __init__(
        self,
        source: Path,
        target: Path,
        plan: Plan,
        start_s: float,
        duration_s: float | None,
        progress: Callable[[float], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        if start_s < 0 or (duration_s is not None and duration_s <= 0):
            raise RedactionError("window", f"start {start_s}, duration {duration_s}")
        self.source = source
        self.target = target
        self.plan = plan
        self.start_s = start_s
        self.end_s = None if duration_s is None else start_s + duration_s
        self.progress = progress
        self.cancel = cancel
        self.frames = 0
        self.encoder_version: str | None = None

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise RedactionError("cancelled")

    def run(self) -> Result:
        try:
            source = av.open(str(self.source.resolve()), "r")
        except av.FFmpegError as err:
            raise RedactionError("source", f"{type(err).__name__}: {err}"[:300]) from err
        with source:
            if not source.streams.video:
                raise RedactionError("no_video")
            return self._run(source, source.streams.video[0])

    def _run(self, source: InputContainer, video: VideoStream) -> Result:
        video.thread_type = "AUTO"
        width, height = video.codec_context.width, video.codec_context.height
        if width < 2 or height < 2:
            raise RedactionError("no_video", "no picture size")
        out_w, out_h = _output_size(width, height, self.plan.preview)
        rate = _rate(video)
        gop = max(1, round(float(rate) * GOP_SECONDS))
        audio = source.streams.audio[0] if self.plan.audio and source.streams.audio else None
        areas = [a for r in self.plan.regions if (a := area(r, out_w, out_h)) is not None]
        boxes = [(box, a) for box in self.plan.boxes if (a := area(box.region, out_w, out_h)) is not None]
        every_nth = max(1, round(float(rate) / SAMPLES_PER_SECOND))
        track = (
            FaceTrack(self.plan.clear, width, height, every_nth) if self.plan.mode == "masks_faces" else None
        )
        preset, crf = (PREVIEW_PRESET, PREVIEW_CRF) if self.plan.preview else (PRESET, CRF)
        try:
            with av.open(str(self.target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
                encoder = out.add_stream(CODEC, rate=rate, options={"preset": preset, "crf": str(crf)})
                encoder.width, encoder.height, encoder.pix_fmt = out_w, out_h, PIX_FMT
                encoder.codec_context.time_base = fraction(video.time_base)
                encoder.codec_context.gop_size = gop
                encoder.codec_context.thread_type = "AUTO"
                copied = out.add_stream_from_template(audio) if audio is not None else None
                self._pass(source, out, video, audio, encoder, copied, areas, boxes, track)
        finally:
            if track is not None:
                track.close()
        if self.frames == 0:
            raise RedactionError("empty", "no frame in the window")
        result = Result(frames=self.frames, width=out_w, height=out_h)
        result.hiding = hiding_record(out_h)
        result.encoder = {
            "library": "libx264",
            "version": self.encoder_version,
            "through": f"PyAV {av.__version__}, libavcodec {LIBAVCODEC}",
            "codec": "h264",
            "profile": _profile(self.target),
            "preset": preset,
            "crf": crf,
            "pix_fmt": PIX_FMT,
            "frame_rate": str(rate),
            "gop": gop,
            "audio": "copied" if audio is not None else "none",
            "container": "mp4 (faststart)",
        }
        if track is not None:
            result.detector = track.description()
            result.detected_frames = track.detected_ranges()
            result.faces = track.most_faces
        return result

    def _pass(
        self,
        source: InputContainer,
        out: OutputContainer,
        video: VideoStream,
        audio: AudioStream | None,
        encoder: Any,
        copied: Any,
        areas: list[Area],
        boxes: list[tuple[Any, Area]],
        track: FaceTrack | None,
    ) -> None:
        base_pts: int | None = video.start_time
        offset_pts: int | None = None  # pts of the clip's first frame (the output starts at 0)
        last_pts = -1
        if video.time_base is None:
            raise RedactionError("no_video", "no time base")
        video_tb = fraction(video.time_base)
        index = 0
        finished = False
        total = self.end_s - self.start_s if self.end_s is not None else self._length(source, video)

        writer = Writer(out, encoder, self._version, self.cancel)

        def emit(frame: VideoFrame, at_s: float, faces: list[Area]) -> None:
            hidden = [
                *areas,
                *(a for box, a in boxes if box.start_s <= at_s - self.start_s < box.end_s),
                *faces,
            ]
            writer.put((frame, hidden))
            self.frames += 1
            if self.progress is not None and self.frames % 10 == 0 and total:
                self.progress(min(1.0, max(0.0, (at_s - self.start_s) / total)))

        try:
            sound = Sound(writer.put, audio, copied, video_tb, self.end_s) if audio is not None else None
            streams = [video] if audio is None else [video, audio]
            for packet in source.demux(streams):
                self._check_cancel()
                if sound is not None and packet.stream is audio:
                    sound.add(packet)
                    if finished and sound.done(packet):
                        break
                    continue
                if finished:
                    continue
                for frame in packet.decode():
                    if not isinstance(frame, VideoFrame) or frame.pts is None:
                        continue
                    if base_pts is None:
                        base_pts = frame.pts
                    at_s = float((frame.pts - base_pts) * video_tb)
                    if at_s < self.start_s - SLACK_S:
                        continue
                    if self.end_s is not None and at_s >= self.end_s - SLACK_S:
                        finished = True
                        break
                    if offset_pts is None:
                        offset_pts = frame.pts
                        if sound is not None:
                            sound.start(base_pts, at_s)
                    # The source's own timestamps, from 0; one that does not move forward (a camera's glitch)
                    # is moved just after the one before (the encoder refuses it otherwise).
                    frame.pts = max(frame.pts - offset_pts, last_pts + 1)
                    last_pts = frame.pts
                    frame.time_base = video_tb
                    if track is None:
                        emit(frame, at_s, [])
                    else:
                        for ready, ready_at, faces in track.add(index, frame, at_s, self.cancel):
                            emit(ready, ready_at, track.areas(faces, encoder.width, encoder.height))
                    index += 1
                if finished and sound is None:
                    break
            if track is not None:
                for ready, ready_at, faces in track.finish(self.cancel):
                    emit(ready, ready_at, track.areas(faces, encoder.width, encoder.height))
            writer.finish()
        except BaseException:
            writer.stop()
            raise
        if self.progress is not None:
            self.progress(1.0)

    def _length(self, source: InputContainer, video: VideoStream) -> float:
        if video.duration is not None and video.time_base is not None:
            return float(video.duration * video.time_base) - self.start_s
        if source.duration is not None:
            return source.duration / 1_000_000 - self.start_s
        return 0.0

    def _version(self, packet: av.Packet[Any]) -> None:
        if self.encoder_version is None:
            found = X264_VERSION.search(bytes(packet)[:4096])
            self.encoder_version = (
                f"core {found[1].decode()}" + (f" r{found[2].decode()}" if found[2] else "")
                if found
                else "unknown"
            )
