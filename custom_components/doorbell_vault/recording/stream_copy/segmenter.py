"""One camera's stream copied into fragmented-MP4 segments (PyAV, no encoding but G.711 to AAC).

The camera's timestamps are kept (B-frames and their reordering intact; H.265 tagged `hvc1`); each
segment starts on a video keyframe, at its pts 0, and the edit list that `delay_moov` allows keeps
presentation times exact. Each finished segment is reported on stdout as one JSON line (capture.py's
docstring has its fields).
"""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from .pacing import Pacer
from .rtcp_clock import US, Mapping
from .tls_pin import open_options

if TYPE_CHECKING:
    import argparse

AAC_RATE = 48000
AAC_BITRATE = 64000
AAC_TIME_BASE = Fraction(1, AAC_RATE)
# How long the start of a connection waits for the camera's first sender reports (its packets wait too).
HOLD_SECONDS = 6.0
MOVFLAGS = "+frag_keyframe+delay_moov+default_base_moof"
# A video frame's length when the stream does not say its frame rate (25 fps).
DEFAULT_FRAME_SECONDS = 0.04
_STOP = {"requested": False}


def request_stop() -> None:
    """End the copy at the next packet (the open segment is finished): a signal handler's call."""
    _STOP["requested"] = True


@dataclass(slots=True)
class Output:
    """One output stream of a segment: where its packets go and the shift to the segment's pts 0."""

    stream: Any
    shift: int
    time_base: float
    encoded: bool = False  # packets of the connection's AAC encoder
    last_dts: int | None = None


@dataclass(slots=True)
class OpenSegment:
    """The open segment: its file, its start in the camera's seconds and how far its packets reach."""

    container: Any
    path: Path
    start: float
    end: float
    outputs: dict[int, Output] = field(default_factory=dict)


class Segmenter:
    """Copy one camera's stream into segments until the stream ends or a stop is asked."""

    def __init__(self, url: str, args: argparse.Namespace) -> None:
        self.url = url
        self.args = args
        self.folder = Path(args.output).parent
        self.pattern = Path(args.output).name
        self.mapping = Mapping(round(args.max_offset * US))
        self.segment: OpenSegment | None = None
        self.resampler: Any = None
        self.encoder: Any = None
        self.wanted: list[Any] = []
        self.video_index = 0
        self.video_tb = 1.0
        self.cuts = Cuts(0, 0)
        self.queue = Interleaver({})
        self.transcode_index: int | None = None

    def run(self) -> int:
        """Open the stream and copy it until it ends or a stop is asked (0), or exit 1 without video."""
        source = av.open(self.url, options=open_options(self.url, self.args))
        try:
            if not source.streams.video:
                print("the stream has no video", file=sys.stderr, flush=True)
                return 1
            pacer = Pacer(self.args.pace if self.url.startswith(("rtsp://", "rtsps://")) else 0)
            self._copy(source, pacer)
        finally:
            if self.segment is not None:
                self._close(self.segment.end)
            source.close()
        return 0

    def _copy(self, source: Any, pacer: Pacer) -> None:
        video = source.streams.video[0]
        audio = source.streams.audio[0] if source.streams.audio and self.args.audio != "none" else None
        self.wanted = [video] + ([audio] if audio is not None else [])
        transcode = audio is not None and self.args.audio == "aac"
        if transcode:
            # One encoder for the whole connection, so segments join without AAC priming between them.
            self.resampler = av.AudioResampler(format="fltp", layout="mono", rate=AAC_RATE)
            self.encoder = av.CodecContext.create("aac", "w")
            self.encoder.sample_rate = AAC_RATE
            self.encoder.layout = "mono"
            self.encoder.format = "fltp"
            self.encoder.bit_rate = AAC_BITRATE
            self.encoder.time_base = Fraction(1, AAC_RATE)
        self.video_index = video.index
        self.video_tb = video_tb = float(video.time_base)
        rate = video.average_rate or video.guessed_rate
        frame = 1 / float(rate) if rate else DEFAULT_FRAME_SECONDS
        self.cuts = Cuts(round(self.args.segment_seconds / video_tb), round(frame / 2 / video_tb))
        mapping = self.mapping
        # Packets are taken in decode-time order across the streams (as FFmpeg's own muxing does), so
        # a segment's audio ends where the next segment's begins.
        time_bases = {s.index: float(s.time_base) for s in self.wanted}
        if transcode and audio is not None:
            time_bases[audio.index] = 1 / AAC_RATE
        self.queue = queue = Interleaver(time_bases)
        self.transcode_index = audio.index if transcode and audio is not None else None
        # Until every stream's first sender report came (or HOLD_SECONDS passed), packets wait: FFmpeg
        # moves a stream's times onto the camera's NTP clock at its first report, and the times of
        # what came before are moved the same way here, so no segment holds a jump.
        hold: list[tuple[Any, float, bool]] | None = []
        hold_until = time.monotonic() + HOLD_SECONDS
        reported: set[int] = set()
        last_before: dict[int, tuple[int, int]] = {}
        shifts: dict[int, int] = {}
        for packet in pacer.paced(source.demux(self.wanted)):
            if _STOP["requested"]:
                break
            dts = packet.dts
            if packet.pts is None or dts is None:
                # Untimed packets (the first of an RTSP session can be) are never written.
                continue
            arrived = time.time()
            if mapping.camera_us is None and source.start_time_realtime:
                mapping.camera_us = int(source.start_time_realtime)
            if hold is None:
                self._feed(packet, arrived)
                continue
            index = packet.stream_index
            if index not in reported and packet.has_sidedata("prft"):
                reported.add(index)
                if index in last_before:
                    before, duration = last_before[index]
                    gap = dts - (before + duration)
                    if abs(gap) > 2 * max(duration, 1):
                        shifts[index] = gap
            elif index not in reported:
                last_before[index] = (dts, packet.duration or 0)
            hold.append((packet, arrived, index not in reported))
            if len(reported) == len(self.wanted) or time.monotonic() > hold_until:
                for held, when, before_report in hold:
                    shift = shifts.get(held.stream_index, 0) if before_report else 0
                    if shift:
                        held.pts += shift
                        held.dts += shift
                    self._feed(held, when)
                hold = None
        for held, when, _ in hold or []:
            self._feed(held, when)
        if self.transcode_index is not None:
            for encoded in self.encoder.encode(None):
                queue.push(encoded, self.transcode_index)
        for ready in queue.drain():
            self._take(*ready)

    def _feed(self, packet: Any, arrived: float) -> None:
        """Time a packet's arrival (video), convert G.711 audio, and queue it for the segments."""
        index = packet.stream_index
        if index == self.video_index:
            # A frame is handed on when the next one begins to arrive (FFmpeg's parser waits for it):
            # that is when the camera's clock read the next frame's time.
            estimate = int((arrived - (packet.dts + (packet.duration or 0)) * self.video_tb) * US)
            if self.mapping.arrival_us is None or estimate < self.mapping.arrival_us:
                self.mapping.arrival_us = estimate
        if index == self.transcode_index:
            for frame in packet.decode():
                for resampled in self.resampler.resample(frame):
                    for encoded in self.encoder.encode(resampled):
                        for ready in self.queue.push(encoded, index):
                            self._take(*ready)
            return
        for ready in self.queue.push(packet, index):
            self._take(*ready)

    def _take(self, packet: Any, index: int) -> None:
        """Cut at the first video keyframe due, then write the packet into the open segment."""
        pts, dts = packet.pts, packet.dts
        if pts is None or dts is None:
            return
        segment = self.segment
        if index == self.video_index and packet.is_keyframe:
            start = pts * self.video_tb
            if segment is None:
                self.cuts.restart(pts)
                segment = self._open(start)
            elif self.cuts.due(pts, restart=_backwards(segment, index, dts)):
                self._close(start)
                segment = self._open(start)
        if segment is not None:
            self._write(segment, packet, index, pts, dts)

    def _open(self, start: float) -> OpenSegment:
        path = first = self.folder / _name(self.mapping.utc_us(start), self.pattern)
        # Never over a file already there (one a killed recorder left in the same second): `-N` beside it.
        number = 1
        while path.exists():
            path = first.with_name(f"{first.stem}-{number}{first.suffix}")
            number += 1
        container = av.open(str(path), "w", format="mp4", options={"movflags": MOVFLAGS})
        segment = OpenSegment(container, path, start, start)
        for stream in self.wanted:
            if stream.type == "audio" and self.encoder is not None:
                # Set up as the connection's encoder is (so the same AAC configuration is written).
                out = container.add_stream("aac", rate=AAC_RATE, layout="mono")
                out.bit_rate = AAC_BITRATE
                segment.outputs[stream.index] = Output(out, round(start * AAC_RATE), 1 / AAC_RATE, True)
                continue
            out = container.add_stream_from_template(stream)
            if stream.type == "video" and stream.codec_context.name == "hevc":
                # The tag QuickTime and Safari need to play H.265.
                out.codec_tag = "hvc1"
            time_base = float(stream.time_base)
            segment.outputs[stream.index] = Output(out, round(start / time_base), time_base)
        self.segment = segment
        return segment

    def _write(self, segment: OpenSegment, packet: Any, index: int, pts: int, dts: int) -> None:
        output = segment.outputs.get(index)
        if output is None:
            return
        if output.last_dts is not None and dts - output.shift <= output.last_dts:
            return  # a timestamp going backwards would break the file; a video one cuts (see _take)
        segment.end = max(segment.end, (pts + (packet.duration or 0)) * output.time_base)
        packet.pts = pts - output.shift
        packet.dts = output.last_dts = dts - output.shift
        if output.encoded:
            packet.time_base = AAC_TIME_BASE
        packet.stream = output.stream
        segment.container.mux(packet)

    def _close(self, end: float) -> None:
        segment = self.segment
        if segment is None:
            return
        self.segment = None
        segment.container.close()
        name = _name(self.mapping.utc_us(segment.start), self.pattern)
        if name != segment.path.name:
            if segment.path.with_name(name).exists():
                name = segment.path.name  # never over another file: the index holds its true start
            else:
                segment.path.rename(segment.path.with_name(name))
        line = {
            "name": name,
            "start_us": self.mapping.utc_us(segment.start),
            "end_us": self.mapping.utc_us(max(end, segment.start)),
            "time_source": "rtcp" if self.mapping.believed() else "arrival",
            "offset_us": self.mapping.offset_us(),
        }
        print(json.dumps(line), flush=True)


class Cuts:
    """Where segments end: at the first video keyframe due, every `every` ticks from the first one.

    A keyframe counts as due from `slack` ticks (half a frame) before its time, as FFmpeg's segment
    muxer's `segment_time_delta` does: a camera's timestamps (or FFmpeg's mapping of them onto its NTP
    clock) can put a keyframe a tick early, and with a GOP as long as a segment that keyframe would be
    missed and the segment last twice as long. A camera's clock going back restarts the schedule there.
    """

    def __init__(self, every: int, slack: int) -> None:
        """Cut every `every` ticks, a keyframe up to `slack` ticks early counting as due."""
        self.every = every
        self.slack = slack
        self.next = 0

    def restart(self, pts: int) -> None:
        """A segment starts at the keyframe at `pts`: the next cut is one period on."""
        self.next = pts + self.every

    def due(self, pts: int, *, restart: bool = False) -> bool:
        """Whether the keyframe at `pts` ends the open segment (always, with `restart`)."""
        if restart:
            self.restart(pts)
            return True
        if pts < self.next - self.slack:
            return False
        while self.next - self.slack <= pts:
            self.next += self.every
        return True


class Interleaver:
    """Hands packets on in decode-time order across streams, once every stream has one waiting."""

    # Beyond this many waiting packets (streams whose clocks disagree, one that went quiet) the
    # earliest goes on regardless.
    LIMIT = 500

    def __init__(self, time_bases: dict[int, float]) -> None:
        """Streams by index, with their time bases in seconds."""
        self.time_bases = time_bases
        self.waiting: dict[int, deque[Any]] = {index: deque() for index in time_bases}
        self.count = 0

    def push(self, packet: Any, index: int) -> list[tuple[Any, int]]:
        """Queue a packet of stream `index`; return those now due, as (packet, index)."""
        if len(self.waiting) == 1:
            return [(packet, index)]
        self.waiting[index].append(packet)
        self.count += 1
        ready = []
        while self.count and (all(self.waiting.values()) or self.count > self.LIMIT):
            ready.append(self._pop())
        return ready

    def drain(self) -> list[tuple[Any, int]]:
        """Everything still waiting, in order."""
        return [self._pop() for _ in range(self.count)]

    def _pop(self) -> tuple[Any, int]:
        index = min(
            (i for i, q in self.waiting.items() if q),
            key=lambda i: self.waiting[i][0].dts * self.time_bases[i],
        )
        self.count -= 1
        return self.waiting[index].popleft(), index


def _backwards(segment: OpenSegment, index: int, dts: int) -> bool:
    """True when a video keyframe's time goes back (a camera's clock reset): it starts a new segment."""
    output = segment.outputs.get(index)
    return bool(output and output.last_dts is not None and dts - output.shift <= output.last_dts)


def _name(utc_us: int, pattern: str) -> str:
    return datetime.fromtimestamp(utc_us / US, UTC).strftime(pattern)
