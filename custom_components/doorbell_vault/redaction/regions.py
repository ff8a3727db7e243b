"""A camera's privacy masks: regions to blur or black out, regions kept clear, the standing choice.

Coordinates are fractions of the frame (0 at the left/top, 1 at the right/bottom), so a mask drawn on a
still of any size applies to every resolution the camera records in. Everything here is checked as
input from outside: `masks_from_json` refuses anything malformed with a reason key (translated as
`invalid_masks_<reason>`) and never returns a half-read mask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, Literal, cast, get_args

Action = Literal["blur", "black"]
# What a share from this camera holds unless the owner chooses otherwise for one share: the bit-exact
# originals, the masks applied, or the masks plus automatic blurring of faces.
Mode = Literal["originals", "masks", "masks_faces"]
MODES: Final = get_args(Mode)
ACTIONS: Final = get_args(Action)
MAX_REGIONS: Final = 32
MAX_POINTS: Final = 32
MAX_ID: Final = 40
MIN_AREA: Final = 1e-6

Point = tuple[float, float]


class InvalidMasks(ValueError):
    """Masks from outside that cannot be used; `reason` names what is wrong (a translation key's tail)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle (two opposite corners) or a polygon (3 to 32 corners), in fractions of the frame."""

    id: str
    shape: Literal["rect", "polygon"]
    points: tuple[Point, ...]
    action: Action = "blur"
    label: str = ""

    def corners(self) -> tuple[Point, ...]:
        """The region as a polygon (a rectangle's four corners, clockwise from the top left)."""
        if self.shape == "polygon":
            return self.points
        (x0, y0), (x1, y1) = self.points
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        return ((left, top), (right, top), (right, bottom), (left, bottom))

    def bounds(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom in fractions of the frame."""
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def area(self) -> float:
        """The area as a fraction of the frame (shoelace formula)."""
        pts = self.corners()
        twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))
        return abs(twice) / 2


@dataclass(frozen=True, slots=True)
class Masks:
    """One camera's masks: regions hidden in every redacted share, regions the detector leaves alone."""

    regions: tuple[Region, ...] = ()
    clear: tuple[Region, ...] = ()
    standing: Mode = "originals"


NO_MASKS: Final = Masks()


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidMasks("coordinate", repr(value)[:40])
    if not 0.0 <= float(value) <= 1.0:
        raise InvalidMasks("coordinate", repr(value)[:40])
    return float(value)


def _point(value: Any) -> Point:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InvalidMasks("point", repr(value)[:40])
    return _number(value[0]), _number(value[1])


def region_from_json(data: Any, *, default_id: str) -> Region:
    """One region from outside, checked; InvalidMasks otherwise."""
    if not isinstance(data, dict):
        raise InvalidMasks("region", type(data).__name__)
    unknown = set(data) - {"id", "shape", "points", "action", "label"}
    if unknown:
        raise InvalidMasks("field", sorted(unknown)[0][:40])
    region_id = data.get("id", default_id)
    if not isinstance(region_id, str) or not 0 < len(region_id) <= MAX_ID or not region_id.isprintable():
        raise InvalidMasks("id", repr(region_id)[:40])
    shape = data.get("shape")
    if shape not in ("rect", "polygon"):
        raise InvalidMasks("shape", repr(shape)[:40])
    action = data.get("action", "blur")
    if action not in ACTIONS:
        raise InvalidMasks("action", repr(action)[:40])
    label = data.get("label", "")
    if not isinstance(label, str) or len(label) > 80 or not label.isprintable():
        raise InvalidMasks("label", repr(label)[:40])
    raw = data.get("points")
    if not isinstance(raw, list):
        raise InvalidMasks("points", "not a list")
    points = tuple(_point(p) for p in raw[: MAX_POINTS + 1])
    if (shape == "rect" and len(points) != 2) or (shape == "polygon" and not 3 <= len(points) <= MAX_POINTS):
        raise InvalidMasks("points", f"{len(raw)} points for a {shape}")
    region = Region(region_id, cast(Literal["rect", "polygon"], shape), points, cast(Action, action), label)
    if region.area() < MIN_AREA:
        raise InvalidMasks("empty", region_id)
    return region


def _regions(data: Any, prefix: str) -> tuple[Region, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InvalidMasks("regions", type(data).__name__)
    if len(data) > MAX_REGIONS:
        raise InvalidMasks("too_many", str(len(data)))
    regions = tuple(region_from_json(r, default_id=f"{prefix}{n}") for n, r in enumerate(data, 1))
    ids = [r.id for r in regions]
    if len(set(ids)) != len(ids):
        raise InvalidMasks("duplicate_id", next(i for i in ids if ids.count(i) > 1)[:40])
    return regions


def masks_from_json(data: Any) -> Masks:
    """A camera's masks from outside (the panel, a stored row), checked; InvalidMasks otherwise."""
    if not isinstance(data, dict):
        raise InvalidMasks("masks", type(data).__name__)
    unknown = set(data) - {"regions", "clear", "standing"}
    if unknown:
        raise InvalidMasks("field", sorted(unknown)[0][:40])
    standing = data.get("standing", "originals")
    if standing not in MODES:
        raise InvalidMasks("standing", repr(standing)[:40])
    return Masks(_regions(data.get("regions"), "r"), _regions(data.get("clear"), "c"), cast(Mode, standing))


def region_to_json(region: Region) -> dict[str, Any]:
    """A region as stored, sent to the panel and written into a package's provenance record."""
    out: dict[str, Any] = {
        "id": region.id,
        "shape": region.shape,
        "points": [[round(x, 6), round(y, 6)] for x, y in region.points],
        "action": region.action,
    }
    if region.label:
        out["label"] = region.label
    return out


def masks_to_json(masks: Masks) -> dict[str, Any]:
    """Masks as stored and as the panel gets them (masks_from_json reads it back unchanged)."""
    return {
        "regions": [region_to_json(r) for r in masks.regions],
        "clear": [region_to_json(r) for r in masks.clear],
        "standing": masks.standing,
    }
