"""The encoding side of a redaction: a thread that hides, encodes and muxes, and the window's sound.

The decoding thread (engine) hands over (frame, areas to hide) and sound packets through a short queue;
this thread owns the encoder and the output container, so nothing else touches them meanwhile.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

import av
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.frame import VideoFrame
from av.video.reformatter import VideoReformatter

from .errors import RedactionError
from .hiding import Area, Scalers, hide, plane_view

PIX_FMT: Final = "yuv420p"
# Frames waiting for the encoding thread (1080p: ~3 MB each).
QUEUE_FRAMES: Final = 8


def fraction(value: Any) -> Fraction:
    """PyAV's rationals as Python's."""
    return Fraction(value.numerator, value.denominator)


def _planes(frame: VideoFrame) -> tuple[Any, Any, Any]:
    """2-D uint8 views of the Y, U and V planes of a yuv420p frame (writable, no copy)."""
    views = [plane_view(plane) for plane in frame.planes]
    return views[0], views[1], views[2]


class Sound:
    """The window's sound, re-muxed (not re-encoded), moved by the same time as the pictures."""

    def __init__(
        self,
        send: Callable[[Any], None],
        audio: AudioStream,
        copied: Any,
        video_tb: Fraction,
        end_s: float | None,
    ) -> None:
        self.send = send
        self.copied = copied
        self.video_tb = video_tb
        self.end_s = end_s
        assert audio.time_base is not None
        self.audio_tb = fraction(audio.time_base)
        self.waiting: list[av.Packet[Any]] = []
        self.shift: int | None = None
        self.end: int | None = None

    def start(self, base_pts: int, first_s: float) -> None:
        """The clip's first frame is known: `first_s` seconds after the source's first frame."""
        base_s = float(base_pts * self.video_tb)
        self.shift = round((base_s + first_s) / self.audio_tb)
        if self.end_s is not None:
            self.end = round((base_s + self.end_s) / self.audio_tb)
        waiting, self.waiting = self.waiting, []
        for packet in waiting:
            self.add(packet)

    def add(self, packet: av.Packet[Any]) -> None:
        """A sound packet of the source: held until the first frame is known, then sent if in the window."""
        if packet.pts is None:
            return
        if self.shift is None:
            self.waiting.append(packet)
            return
        if packet.pts < self.shift or (self.end is not None and packet.pts >= self.end):
            return
        packet.pts -= self.shift
        if packet.dts is not None:
            packet.dts -= self.shift
        packet.stream = self.copied
        self.send(packet)

    def done(self, packet: av.Packet[Any]) -> bool:
        """Whether this sound packet is past the window's end (the pictures already are)."""
        return self.end is not None and packet.pts is not None and packet.pts >= self.end


class Writer:
    """Hides, encodes and muxes on a thread of its own, so that decoding goes on meanwhile.

    PyAV and numpy let go of the GIL in their C work: the two threads use both cores beside libx264's own.
    """

    def __init__(
        self,
        out: OutputContainer,
        encoder: Any,
        seen: Callable[[av.Packet[Any]], None],
        cancel: threading.Event | None,
    ) -> None:
        self.out = out
        self.encoder = encoder
        self.seen = seen
        self.cancel = cancel
        self.scalers = Scalers()
        self.resize = VideoReformatter()  # one libswscale context for the clip (preview size, pixel format)
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="redaction-encode", daemon=True)
        self.thread.start()

    def put(self, item: Any) -> None:
        """A (frame, areas to hide) or a sound packet to mux; waits while the queue is full."""
        while True:
            if self.error is not None or not self.thread.is_alive():
                raise RedactionError("failed", f"encoding: {self.error}"[:300])
            if self.cancel is not None and self.cancel.is_set():
                raise RedactionError("cancelled")
            try:
                self.queue.put(item, timeout=0.2)
            except queue.Full:
                continue
            return

    def finish(self) -> None:
        """Flush the encoder and wait for the thread; its error is raised here."""
        self.put(None)
        self.thread.join()
        if self.error is not None:
            raise RedactionError("failed", f"encoding: {self.error}"[:300])

    def stop(self) -> None:
        """After an error elsewhere: end the thread without flushing."""
        if self.thread.is_alive():
            self.error = self.error or RedactionError("stopped")
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(False)
            # It ends at its next item at the latest (the error is set): never outlives the container.
            self.thread.join()

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if item is False or self.error is not None:
                    return
                if isinstance(item, av.Packet):
                    self.out.mux(item)
                    continue
                self._encode(*item)
            for packet in self.encoder.encode(None):
                self.seen(packet)
                self.out.mux(packet)
        except Exception as err:
            self.error = err

    def _encode(self, frame: VideoFrame, hidden: list[Area]) -> None:
        encoder = self.encoder
        if frame.format.name != PIX_FMT or frame.width != encoder.width or frame.height != encoder.height:
            frame = self.resize.reformat(frame, encoder.width, encoder.height, PIX_FMT)
        elif hidden:
            frame.make_writable()
        if hidden:
            hide(_planes(frame), hidden, encoder.height, self.scalers)
        frame.pict_type = av.video.frame.PictureType.NONE
        for packet in encoder.encode(frame):
            self.seen(packet)
            self.out.mux(packet)
