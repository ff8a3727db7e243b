"""Faces through a clip: every Nth frame to the detector, boxes widened and carried between samples.

Frames wait here (a few, in order) until the detector has answered for the sample after them, so the
detector's process works while the caller decodes and encodes. Frame j is hidden with the union of the
widened boxes of the samples before it, at or after it and the one before that: a face that moves
between two samples stays covered, and one sample that misses a face does not uncover it. Faces whose
centre lies in a region the owner keeps clear are left alone.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from av.video.frame import VideoFrame
from numpy.typing import NDArray

from .detect import NAME, PACKAGE, THRESHOLD, FaceDetector
from .hiding import Area, box_area, plane_view, point_in_polygon
from .regions import Region

# Detection runs on pictures at most this wide (1080p: half size). HOG finds faces from ~80 px of the
# picture it is given, so from ~160 px of a 1080p frame.
DETECT_WIDTH: Final = 960
# Each side of a found box grows by this fraction of the box (hair, ears, chin; motion between samples).
WIDEN: Final = 0.35
LUMA_FORMATS: Final = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12"})

Fractions = tuple[float, float, float, float]


class FaceTrack:
    """Faces of one clip; `add` each frame in order, `finish` at the end, `close` always."""

    def __init__(self, clear: Sequence[Region], width: int, height: int, every_nth: int) -> None:
        self.clear = [r.corners() for r in clear]
        self.width, self.height = width, height
        self.every_nth = every_nth
        self.factor = max(1, math.ceil(width / DETECT_WIDTH))
        self.detector = FaceDetector(THRESHOLD)
        self.pending: deque[tuple[int, VideoFrame, float]] = deque()
        self.samples: dict[int, list[Fractions]] = {}
        self.last = -1
        self.ended = False
        self.detected: list[tuple[int, int]] = []
        self.most_faces = 0

    def close(self) -> None:
        """End the detector's process."""
        self.detector.close()

    def description(self) -> dict[str, Any]:
        """The detector and its settings, for the provenance record."""
        return {
            "name": NAME,
            "package": PACKAGE,
            "version": self.detector.version,
            "threshold": THRESHOLD,
            "every_nth": self.every_nth,
            "scale": round(1 / self.factor, 4),
            "widen": WIDEN,
            "carried": "per frame: union of the boxes of the samples before, at, after it, one more before",
            "process": "own process (python -P face_worker.py)",
        }

    def detected_ranges(self) -> list[tuple[int, int]]:
        """Frame ranges (first, last; inclusive) where found faces were hidden."""
        return list(self.detected)

    def _grey(self, frame: VideoFrame) -> NDArray[np.uint8]:
        if frame.format.name in LUMA_FORMATS:
            luma = plane_view(frame.planes[0])
        else:
            luma = np.asarray(frame.to_ndarray(format="gray"), dtype=np.uint8)
        f = self.factor
        if f == 1:
            return luma
        rows, cols = luma.shape[0] // f, luma.shape[1] // f
        total = np.zeros((rows, cols), dtype=np.uint16)
        for dy in range(f):
            for dx in range(f):
                total += luma[dy : rows * f : f, dx : cols * f : f]
        return (total // (f * f)).astype(np.uint8)

    def _answer(self, sample: int, cancel: threading.Event | None) -> None:
        """Fetch one sample's faces (waiting for them), keep them widened, in fractions, not in `clear`."""
        found: list[Fractions] = []
        scale_x, scale_y = self.factor / self.width, self.factor / self.height
        for left, top, right, bottom, _score in self.detector.faces(sample, cancel):
            x0, y0, x1, y1 = left * scale_x, top * scale_y, right * scale_x, bottom * scale_y
            if any(point_in_polygon((x0 + x1) / 2, (y0 + y1) / 2, c) for c in self.clear):
                continue
            grow_x, grow_y = (x1 - x0) * WIDEN, (y1 - y0) * WIDEN
            found.append(
                (max(0.0, x0 - grow_x), max(0.0, y0 - grow_y), min(1.0, x1 + grow_x), min(1.0, y1 + grow_y))
            )
        self.samples[sample] = found
        self.most_faces = max(self.most_faces, len(found))

    def _ready(self, cancel: threading.Event | None) -> list[tuple[VideoFrame, float, list[Fractions]]]:
        n = self.every_nth
        out: list[tuple[VideoFrame, float, list[Fractions]]] = []
        while self.pending:
            index = self.pending[0][0]
            after = -(-index // n) * n
            if after not in self.samples:
                if after > self.last:
                    # Not decoded yet (wait for it), or past the clip's end (no sample after).
                    if not self.ended:
                        break
                elif self.ended or len(self.pending) > 2 * n or self.detector.done(after):
                    # Wait only when the frames held reach two samples ahead, or at the end.
                    self._answer(after, cancel)
                else:
                    break
            _, frame, at_s = self.pending.popleft()
            before = index // n * n
            faces = [f for s in (before - n, before, after) if s in self.samples for f in self.samples[s]]
            if faces:
                if self.detected and self.detected[-1][1] == index - 1:
                    self.detected[-1] = (self.detected[-1][0], index)
                else:
                    self.detected.append((index, index))
            for old in [s for s in self.samples if s < before - n]:
                del self.samples[old]
            out.append((frame, at_s, list(dict.fromkeys(faces))))
        return out

    def add(
        self, index: int, frame: VideoFrame, at_s: float, cancel: threading.Event | None
    ) -> list[tuple[VideoFrame, float, list[Fractions]]]:
        """Take frame `index` (0-based in the clip); returns the frames now ready, with their faces."""
        if index % self.every_nth == 0:
            self.detector.submit(index, self._grey(frame))
        self.pending.append((index, frame, at_s))
        self.last = index
        return self._ready(cancel)

    def finish(self, cancel: threading.Event | None) -> list[tuple[VideoFrame, float, list[Fractions]]]:
        """The clip has no more frames: the rest, with their faces."""
        self.ended = True
        return self._ready(cancel)

    def areas(self, faces: Sequence[Fractions], width: int, height: int) -> list[Area]:
        """Found faces in the pixels of a frame of this size (blurred)."""
        return [a for box in faces if (a := box_area(box, width, height)) is not None]
