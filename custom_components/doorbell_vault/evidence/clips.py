"""One camera's clip, cut from the household's own segments by stream copy (never re-encoded).

The clip starts on the keyframe at or before the window's start and ends on whole frames (ffmpeg's concat
demuxer with in and out points).

Everything here blocks (ffmpeg and ffprobe subprocesses): it runs on an executor thread.
"""

from __future__ import annotations

import statistics
import subprocess
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

from ..clock import iso, to_us
from ..store.files import PRIVATE_UMASK, write_private
from ..store.segments import Segment
from .order import CameraFootage, ExportError, Order

# Export reads the household's own segment files and nothing else.
FILES_ONLY: Final = ("-protocol_whitelist", "file")
GAP_US: Final = 1_000_000
FFMPEG_TIMEOUT: Final = 3600
# moov bytes reserved per packet: sizes, times, offsets and sync tables take at most ~40 per sample.
MOOV_BASE: Final = 16384
MOOV_PER_PACKET: Final = 48
SEGMENT_SLACK_S: Final = 12
# Segments as the recorder process reported them: their span is exactly keyframe to keyframe.
EXACT_SPANS: Final = frozenset({"rtcp", "arrival"})


def _run(command: list[str], timeout: float = FFMPEG_TIMEOUT) -> str:
    try:
        # umask: what ffmpeg writes (the clips) is owner-only (0600) from its first byte.
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, umask=PRIVATE_UMASK
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ExportError(f"{Path(command[0]).name} failed: {err}") from err
    if result.returncode != 0:
        tail = " ".join(result.stderr.strip().splitlines()[-2:])[-300:]
        raise ExportError(f"{Path(command[0]).name} failed: {tail or result.returncode}")
    return result.stdout


def _video_packets(ffprobe: str, path: Path, since: float | None = None) -> list[tuple[float, float, bool]]:
    """(pts, dts in seconds, is keyframe) of the video packets of a file, in decode order.

    `since`: only from the keyframe at or before that time (seconds) to the end.
    """
    interval = () if since is None else ("-read_intervals", f"{since:.3f}%")
    output = _run(
        [
            *(ffprobe, "-v", "error", *FILES_ONLY, "-select_streams", "v:0", *interval),
            *("-show_entries", "packet=pts_time,dts_time,flags", "-of", "csv=p=0", str(path)),
        ],
        timeout=60,
    )
    packets = []
    for line in output.splitlines():
        fields = line.split(",")
        try:
            pts = float(fields[0])
            dts = float(fields[1]) if fields[1] not in ("", "N/A") else pts
            packets.append((pts, dts, "K" in fields[2]))
        except ValueError, IndexError:
            continue
    if not packets:
        raise ExportError(f"{path.name} holds no video")
    return packets


def clean_outpoint(packets: list[tuple[float, float, bool]], end: float) -> float:
    """Where to stop reading (a decode time) so the clip ends on whole frames, with no B-frame missing.

    Reading stops at a decode time: stopping at the decode time of the first reference frame shown at
    or after `end` keeps every frame shown before it, and nothing shown after it.
    """
    shown = float("-inf")
    for pts, dts, _key in packets:
        if pts > shown:
            if pts >= end:
                return dts
            shown = pts
    return end


def orphaned_tail(packets: list[tuple[float, float, bool]]) -> int:
    """How many video packets (decode order) to drop from the end of a clip so that no frame is missing.

    The concat demuxer ends a file when any stream reaches its out point; the audio stored ahead of the
    video in a fragment can get there first and leave a reference frame whose B-frames were never read,
    shown after a hole. That frame goes, with what came after it (B-frames cannot be shown without it).
    """
    drop = 0
    while len(packets) - drop > 2:
        kept = packets[: len(packets) - drop]
        shown = sorted(pts for pts, _, _ in kept)
        step = statistics.median(b - a for a, b in pairwise(shown[-16:]))
        if shown[-1] - shown[-2] <= 1.5 * step:
            break
        drop = len(packets) - max(range(len(kept)), key=lambda i: kept[i][0])
    return drop


def trim_orphaned_tail(ffmpeg: str, ffprobe: str, target: Path, duration: float) -> None:
    """Drop a reference frame left without its B-frames at the clip's end (see `orphaned_tail`)."""
    packets = _video_packets(ffprobe, target, since=max(0.0, duration - 1))
    if not (drop := orphaned_tail(packets)):
        return
    count = _run(
        [
            *(ffprobe, "-v", "error", *FILES_ONLY, "-select_streams", "v:0", "-count_packets"),
            *("-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(target)),
        ],
        timeout=60,
    )
    trimmed = target.with_suffix(".trim.mp4")
    _run(
        [
            *(ffmpeg, "-nostdin", "-v", "error", "-y", *FILES_ONLY, "-i", str(target), "-map", "0"),
            *(
                "-map_metadata",
                "-1",
                "-c",
                "copy",
                "-frames:v",
                str(int(count.strip()) - drop),
                "-movflags",
                "+faststart",
            ),
            str(trimmed),
        ]
    )
    trimmed.replace(target)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


@dataclass(frozen=True, slots=True)
class Cut:
    """Where one camera's clip really starts and ends (UTC µs) and the command that makes it."""

    start_us: int
    end_us: int
    concat: str


def settled_starts(segments: list[Segment]) -> list[int]:
    """Each segment's start, taken back from the segment after it when the two are back to back.

    The recorder learns the wall-clock time of a recording's first packet better with every segment,
    so an early segment may be indexed a little late and overlap the next one. Footage recorded back to
    back is contiguous in media time, so the later (better) start minus the duration gives the start.
    """
    starts = [s.start_us for s in segments]
    for i in range(len(segments) - 2, -1, -1):
        here, after = segments[i], segments[i + 1]
        if after.start_us - here.end_us < GAP_US:
            starts[i] = starts[i + 1] - (here.end_us - here.start_us)
    return starts


def plan_cut(order: Order, footage: CameraFootage) -> Cut:
    """Start on the keyframe at or before the window's start; end at the window's end (exclusive)."""
    starts = settled_starts(footage.segments)
    chosen = [
        (segment, start)
        for segment, start in zip(footage.segments, starts, strict=True)
        if start + segment.end_us - segment.start_us > order.start_us and start < order.end_us
    ] or [(footage.segments[0], starts[0])]
    (first, first_start), (last, last_start) = chosen[0], chosen[-1]
    last_end = last_start + last.end_us - last.start_us
    probed: dict[int, list[tuple[float, float, bool]]] = {}

    def packets(segment: Segment) -> list[tuple[float, float, bool]]:
        if segment.id not in probed:
            probed[segment.id] = _video_packets(order.ffprobe, order.storage / segment.path)
        return probed[segment.id]

    lines = ["ffconcat version 1.0"]
    start_us = first_start
    for segment, _start in chosen:
        # Every file is read from an explicit in point: audio may start a little before the video's first
        # keyframe (B-frames), and an in point makes the file's place in the clip start at that keyframe,
        # so the next file's video follows on exactly.
        inpoint = 0.0
        if segment is first and order.start_us > first_start:
            # A segment's time 0 is its indexed start (the video may begin later, after a reconnect).
            offset = (order.start_us - first_start) / 1_000_000
            keyframes = [pts for pts, _, key in packets(first) if key]
            inpoint = max((pts for pts in keyframes if pts <= offset), default=min(keyframes, default=0.0))
            start_us = first_start + round(inpoint * 1_000_000)
        lines.append(f"file {_quote(order.storage / segment.path)}")
        lines.append(f"inpoint {inpoint:.6f}")
        if segment.time_source in EXACT_SPANS:
            # From keyframe to keyframe, as ffmpeg reported it; the audio may run on a little and the
            # next file's audio starts where it ends, so the next video follows on exactly.
            lines.append(f"duration {(segment.end_us - segment.start_us) / 1_000_000 - inpoint:.6f}")
        if segment is last and order.end_us < last_end:
            end = (order.end_us - last_start) / 1_000_000
            lines.append(f"outpoint {clean_outpoint(packets(last), end):.6f}")
    return Cut(start_us, min(order.end_us, last_end), "\n".join(lines) + "\n")


def _packet_rate(ffprobe: str, path: Path) -> float:
    """Packets per second (all streams) of a segment."""
    return len(_entries(ffprobe, path, "packet=pts_time").splitlines()) / max(duration(ffprobe, path), 1.0)


def duration(ffprobe: str, path: Path) -> float:
    """A file's duration in seconds, as ffprobe reports it."""
    output = _entries(ffprobe, path, "format=duration")
    try:
        return float(output.strip())
    except ValueError as err:
        raise ExportError(f"{path.name} has no duration") from err


def _entries(ffprobe: str, path: Path, entries: str) -> str:
    """Ffprobe's `-show_entries` of a file, one CSV line each."""
    command = [ffprobe, "-v", "error", *FILES_ONLY, "-show_entries", entries, "-of", "csv=p=0", str(path)]
    return _run(command, timeout=60)


def cut(order: Order, footage: CameraFootage, target: Path) -> dict[str, Any]:
    """Write one camera's clip by stream copy; return what the manifest says of it."""
    plan = plan_cut(order, footage)
    listing = target.with_suffix(".ffconcat")
    audio = ["-map", "0:a:0?"] if order.include_audio else []
    command = [
        # -xerror: a damaged source segment fails the build instead of being skipped silently.
        *(
            order.ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-xerror",
            "-y",
            *FILES_ONLY,
            "-f",
            "concat",
            "-safe",
            "0",
        ),
        *("-i", str(listing), "-map", "0:v:0", *audio, "-c", "copy", "-map_metadata", "-1", "-f", "mp4"),
    ]
    # The index (moov) goes first, for playback while downloading. Space reserved for it up front saves
    # the second pass of `-movflags +faststart` over the whole file; that pass remains the fallback.
    seconds = (plan.end_us - plan.start_us) / 1_000_000 + SEGMENT_SLACK_S
    rate = _packet_rate(order.ffprobe, order.storage / footage.segments[0].path)
    write_private(listing, plan.concat)
    try:
        try:
            _run(
                [*command, "-moov_size", str(MOOV_BASE + int(MOOV_PER_PACKET * rate * seconds)), str(target)]
            )
        except ExportError:
            _run([*command, "-movflags", "+faststart", str(target)])
    finally:
        # Also when ffmpeg fails: the listing (paths of the sealed segments) never outlives the cut.
        listing.unlink(missing_ok=True)
    trim_orphaned_tail(order.ffmpeg, order.ffprobe, target, duration(order.ffprobe, target))
    length = duration(order.ffprobe, target)
    gaps = [
        {"from": iso(a.end_us), "to": iso(b.start_us)}
        for a, b in zip(footage.segments, footage.segments[1:], strict=False)
        if b.start_us - a.end_us > GAP_US
    ]
    return {
        "camera": footage.name,
        **clock_of(footage.segments),
        "start": iso(plan.start_us),
        "end": iso(plan.start_us + round(length * 1_000_000)),
        "duration_s": round(length, 3),
        "starts_before_window_s": round(max(0, order.start_us - plan.start_us) / 1_000_000, 3),
        "audio": order.include_audio,
        "gaps": gaps,
    }


def clock_of(segments: list[Segment]) -> dict[str, Any]:
    """How the clip's times were mapped to UTC, and the camera clock's offset from true time."""
    sources = sorted({s.time_source or "unknown" for s in segments})
    offsets = [s.clock_offset_us for s in segments if s.clock_offset_us is not None]
    return {
        "time_source": sources[0] if len(sources) == 1 else "+".join(sources),
        "camera_clock_offset_ms": round(statistics.median(offsets) / 1000, 1) if offsets else None,
    }


def clip_start_us(described: dict[str, Any]) -> int:
    """Where a cut clip starts (its first frame): the keyframe at or before the window's start."""
    return to_us(datetime.fromisoformat(described["start"]))
