"""The recorder process: one camera's stream copied into fragmented-MP4 segments (PyAV, no encoding).

Run by recorder.Recorder with Home Assistant's own Python (`python capture.py ...`), never imported by
it; it imports nothing of the integration. Why not the ffmpeg command: the camera's RTCP sender
reports (its NTP clock against its RTP timestamps) reach only a program that links libavformat. Here
`start_time_realtime` (the camera's NTP time of pts 0, set from the first sender report) maps the
camera's own timestamps to UTC.

The camera's timestamps are kept (B-frames and their reordering intact; H.265 tagged `hvc1`); each
segment starts on a video keyframe at its pts 0, so its edit list keeps presentation times exact.
G.711 audio, which MP4 cannot hold, is converted to AAC (the video never is).

Prints one JSON line per finished segment on stdout:
  {"name", "start", "end"}: the file in the output folder and its span in the camera's seconds since
  pts 0; "arrival_us": server time of the camera's pts 0 by the earliest-arriving packet so far;
  "camera_us": the camera's NTP time of pts 0 from its sender reports, or null before the first one.
Names are the segment's UTC start by the camera's clock where it sent a report, else by arrival (the
file is renamed when it is finished). FFmpeg's warnings and errors go to stderr. SIGINT or SIGTERM
finishes the open segment and exits.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.logging

US = 1_000_000
# A camera clock further than this from the server's is not believed for naming (logged as measured).
MAX_CAMERA_OFFSET_US = 3600 * US
STOP = {"requested": False}


@dataclass
class Mapping:
    """Camera time (seconds since pts 0) to UTC microseconds, by arrival and by RTCP."""

    arrival_us: int | None = None
    camera_us: int | None = None

    def utc_us(self, seconds: float) -> int:
        base = self.camera_us if self.believed() else self.arrival_us
        return (base or 0) + round(seconds * US)

    def believed(self) -> bool:
        return (
            self.camera_us is not None
            and self.arrival_us is not None
            and abs(self.camera_us - self.arrival_us) <= MAX_CAMERA_OFFSET_US
        )


@dataclass
class Segment:
    container: Any
    path: Path
    start: float
    streams: dict[int, Any] = field(default_factory=dict)
    end: float = 0.0


def _name(utc_us: int, pattern: str) -> str:
    return datetime.fromtimestamp(utc_us / US, UTC).strftime(pattern)


class Capture:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(args.output).parent
        self.pattern = Path(args.output).name
        self.mapping = Mapping()
        self.segment: Segment | None = None
        self.next_cut: float | None = None
        self.encoder: Any = None
        self.resampler: Any = None
        self.audio_out_index: int | None = None

    def run(self) -> int:
        options = {"protocol_whitelist": self.args.protocols, "fflags": "+discardcorrupt"}
        if self.args.url.startswith(("rtsp://", "rtsps://")):
            options |= {"rtsp_transport": "tcp", "timeout": str(10 * US)}
        source = av.open(self.args.url, options=options, timeout=None if os.environ.get("NOTIMEOUT") else (20.0, 15.0))
        try:
            return self._copy(source)
        finally:
            self._finish(source)
            source.close()

    def _copy(self, source: Any) -> int:
        video = source.streams.video[0]
        audio = source.streams.audio[0] if source.streams.audio and self.args.audio != "none" else None
        wanted = [video] + ([audio] if audio is not None else [])
        video_tb = float(video.time_base)
        video_index = video.index
        cut_ticks = round(self.args.segment_seconds / video_tb)
        next_cut: int | None = None
        arrival_us: int | None = None
        for packet in source.demux(wanted):
            if STOP["requested"]:
                break
            pts = packet.pts
            dts = packet.dts
            if pts is None or dts is None:
                continue
            if packet.stream_index == video_index:
                estimate = int(time.time() * US - dts * video_tb * US)
                if arrival_us is None or estimate < arrival_us:
                    self.mapping.arrival_us = arrival_us = estimate
                if self.mapping.camera_us is None and source.start_time_realtime:
                    self.mapping.camera_us = int(source.start_time_realtime)
                if packet.is_keyframe:
                    if next_cut is None:
                        next_cut = pts + cut_ticks
                        self._open(pts * video_tb, wanted)
                    elif pts >= next_cut:
                        while next_cut <= pts:
                            next_cut += cut_ticks
                        self._close(pts * video_tb)
                        self._open(pts * video_tb, wanted)
            if self.segment is not None:
                self._write(packet, pts, dts)
        return 0

    def _open(self, start: float, wanted: list[Any]) -> None:
        path = self.folder / _name(self.mapping.utc_us(start), self.pattern)
        container = av.open(
            str(path),
            "w",
            format="mp4",
            options={"movflags": "+frag_keyframe+delay_moov+default_base_moof"},
        )
        segment = Segment(container, path, start)
        for stream in wanted:
            if stream.type == "video":
                out = container.add_stream_from_template(stream)
                if stream.codec_context.name == "hevc":
                    out.codec_tag = "hvc1"
            elif self.args.audio == "copy":
                out = container.add_stream_from_template(stream)
            else:
                out = container.add_stream("aac", rate=48000, layout="mono")
                out.bit_rate = 64000
                self.encoder = out
                self.resampler = av.AudioResampler(format="fltp", layout="mono", rate=48000)
            tb = float(stream.time_base)
            segment.streams[stream.index] = (out, round(start / tb), tb)
        self.segment = segment

    def _write(self, packet: Any, pts: int, dts: int) -> None:
        segment = self.segment
        assert segment is not None
        target = segment.streams.get(packet.stream_index)
        if target is None:
            return
        out, shift, tb = target
        if out is self.encoder:
            for frame in packet.decode():
                for resampled in self.resampler.resample(frame):
                    resampled.pts -= round(segment.start * 48000)
                    for encoded in out.encode(resampled):
                        segment.container.mux(encoded)
            return
        duration = packet.duration or 0
        end = (pts + duration) * tb
        if end > segment.end:
            segment.end = end
        packet.pts = pts - shift
        packet.dts = dts - shift
        packet.stream = out
        segment.container.mux(packet)

    def _close(self, end: float) -> None:
        segment = self.segment
        if segment is None:
            return
        self.segment = None
        segment.end = end if end > segment.start else segment.end
        segment.container.close()
        name = _name(self.mapping.utc_us(segment.start), self.pattern)
        if name != segment.path.name:
            segment.path.rename(segment.path.with_name(name))
        line = {
            "name": name,
            "start": segment.start,
            "end": segment.end,
            "arrival_us": self.mapping.arrival_us,
            "camera_us": self.mapping.camera_us,
        }
        print(json.dumps(line), flush=True)

    def _finish(self, _source: Any) -> None:
        if self.segment is not None:
            self._close(self.segment.end)


def _stop(_signum: int, _frame: object) -> None:
    STOP["requested"] = True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--output", required=True, help="folder/strftime pattern of the segment names")
    parser.add_argument("--protocols", required=True, help="protocol whitelist")
    parser.add_argument("--segment-seconds", type=float, default=10)
    parser.add_argument("--audio", choices=("copy", "aac", "none"), default="none")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    av.logging.restore_default_callback()
    av.logging.set_libav_level(av.logging.WARNING)
    try:
        return Capture(args).run()
    except av.FFmpegError as err:
        print(f"{args.url}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
