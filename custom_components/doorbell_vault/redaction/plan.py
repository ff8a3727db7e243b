"""What one redacted clip is asked to be (Plan) and what was done to make it (Result).

A Plan is built on the event loop from the camera's masks and the owner's choice for one share, and
handed to `engine.redact` on an executor thread. The Result is what the package's provenance record
states: every region, the detector and the frames it changed, the blur, the encoder and its settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .regions import Region

# How a clip is made: bit-exact originals (no Plan at all), masks only, masks plus faces found.
RedactMode = Literal["masks", "masks_faces"]


@dataclass(frozen=True, slots=True)
class Box:
    """A box the owner drew by hand over part of the clip (seconds from the window's start)."""

    region: Region
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Plan:
    """One camera's redaction for one share (or one preview)."""

    mode: RedactMode
    regions: tuple[Region, ...] = ()
    # Regions the face detector leaves alone (the doorstep the household wants seen).
    clear: tuple[Region, ...] = ()
    boxes: tuple[Box, ...] = ()
    audio: bool = False
    # A quick, small render for the panel's preview (never put into a package).
    preview: bool = False


@dataclass(slots=True)
class Result:
    """What was done to make one redacted clip; the provenance record states all of it."""

    frames: int
    width: int
    height: int
    # Frame ranges [first, last] (inclusive, 0-based, in the redacted clip) the detector's boxes changed.
    detected_frames: list[tuple[int, int]] = field(default_factory=list)
    faces: int = 0
    # Name, package, version, threshold, every-nth-frame, scale and widening of the detector (None: none).
    detector: dict[str, Any] | None = None
    # How hidden pixels were hidden: {"blur": {...method and strength...}, "black": {...}}.
    hiding: dict[str, Any] = field(default_factory=dict)
    # Library, codec, profile, preset, crf, pixel format, frame rate, keyframe interval.
    encoder: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
