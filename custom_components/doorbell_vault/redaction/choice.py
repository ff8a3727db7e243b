"""The owner's redaction choice for one share (or one preview), and each camera's Plan made from it.

A share either names a mode for every chosen camera (originals, masks, masks and faces) with boxes drawn by
hand, or names none: then each camera's standing choice (kept with its masks) decides, which is what the
phone's Share action and an agency's standing policy use. Nothing is ever downgraded silently: a mode that
cannot be carried out refuses the share (`Refused`) and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from ..clock import moment_us, now_us
from ..store import Store, masks
from .detect import DetectorStatus
from .plan import Box, Plan
from .regions import (
    MODES,
    NO_MASKS,
    InvalidMasks,
    Masks,
    Mode,
    Region,
    masks_from_json,
    masks_to_json,
    region_from_json,
)

MAX_BOXES: Final = 64


class Refused(Exception):
    """The choice cannot be carried out for a camera: `reason` is a translation key."""

    def __init__(self, reason: str, camera: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {camera}")
        self.reason = reason
        self.camera = camera
        self.detail = detail


@dataclass(frozen=True, slots=True)
class HandBox:
    """A box drawn by hand over one camera's footage, `start_us` to `end_us` (None: the window's ends)."""

    camera_id: str
    region: Region
    start_us: int | None = None
    end_us: int | None = None


@dataclass(frozen=True, slots=True)
class Redaction:
    """What the owner chose for one share: a mode for every camera (None: each camera's standing one)."""

    mode: Mode | None = None
    boxes: tuple[HandBox, ...] = ()


def redaction_from_json(data: Any, cameras: Mapping[str, str]) -> Redaction:
    """The choice from outside: a mode ("originals", "masks", "masks_faces") or {mode?, boxes?}.

    `cameras` maps each camera's id and case-folded name to its id. Boxes are {camera_id, points (two
    corners), start?, end? (datetimes), action?}. InvalidMasks names what is wrong.
    """
    if isinstance(data, str):
        data = {"mode": data}
    if not isinstance(data, Mapping):
        raise InvalidMasks("redaction", type(data).__name__)
    mode = data.get("mode")
    if mode is not None and mode not in MODES:
        raise InvalidMasks("mode", repr(mode)[:40])
    raw = data.get("boxes") or []
    if not isinstance(raw, Sequence) or len(raw) > MAX_BOXES:
        raise InvalidMasks("too_many", "boxes")
    boxes = tuple(_box(box, n, cameras) for n, box in enumerate(raw, 1))
    if mode == "originals" and boxes:
        raise InvalidMasks("boxes_originals")
    return Redaction(cast(Mode | None, mode), boxes)


def _box(data: Any, number: int, cameras: Mapping[str, str]) -> HandBox:
    if not isinstance(data, Mapping):
        raise InvalidMasks("region", type(data).__name__)
    given = str(data.get("camera_id", ""))
    camera = cameras.get(given) or cameras.get(given.casefold())
    if camera is None:
        raise InvalidMasks("box_camera", given[:40])
    region = region_from_json(
        {
            "id": f"box{number}",
            "shape": "rect",
            "points": data.get("points"),
            "action": data.get("action", "blur"),
        },
        default_id=f"box{number}",
    )
    start, end = (_moment(data.get(key)) for key in ("start", "end"))
    if start is not None and end is not None and end <= start:
        raise InvalidMasks("box_time", f"box {number}")
    return HandBox(camera, region, start, end)


def _moment(value: Any) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return moment_us(value)
    raise InvalidMasks("box_time", repr(value)[:40])


def mode_of(camera_id: str, standing: Masks, redaction: Redaction | None) -> Mode:
    """The mode one camera's footage is shared in."""
    if redaction is None:
        return standing.standing
    if redaction.mode is not None:
        return redaction.mode
    drawn = any(box.camera_id == camera_id for box in redaction.boxes)
    # Boxes drawn over a camera whose standing choice is the originals: the owner wants them hidden.
    return "masks" if drawn and standing.standing == "originals" else standing.standing


def plan_for(
    camera_id: str,
    name: str,
    standing: Masks,
    redaction: Redaction | None,
    window: tuple[int, int],
    *,
    include_audio: bool,
    detector: DetectorStatus | None,
    preview: bool = False,
) -> Plan | None:
    """One camera's Plan (None: its bit-exact originals); Refused when the mode cannot be carried out.

    `detector`: the face detector's status, needed only when the mode is masks and faces.
    """
    mode = mode_of(camera_id, standing, redaction)
    if mode == "originals":
        return None
    start_us, end_us = window
    length_s = (end_us - start_us) / 1_000_000
    boxes = []
    for box in redaction.boxes if redaction else ():
        if box.camera_id != camera_id:
            continue
        begin = max(0.0, ((box.start_us if box.start_us is not None else start_us) - start_us) / 1_000_000)
        end = min(length_s, ((box.end_us if box.end_us is not None else end_us) - start_us) / 1_000_000)
        if end > begin:
            boxes.append(Box(box.region, round(begin, 6), round(end, 6)))
    if mode == "masks_faces" and (detector is None or not detector.available):
        raise Refused("detector_unavailable", name, (detector.reason if detector else None) or "")
    if mode == "masks" and not standing.regions and not boxes:
        raise Refused("nothing_to_redact", name)
    return Plan(
        mode=mode,
        regions=standing.regions,
        clear=standing.clear,
        boxes=tuple(boxes),
        audio=include_audio,
        preview=preview,
    )


async def async_masks(store: Store, camera_ids: Sequence[str]) -> dict[str, Masks]:
    """Each camera's masks (none stored: no regions, standing choice the originals)."""
    stored = await store.async_call(masks.of_cameras, list(camera_ids))
    return {c: masks_from_json(stored[c].masks) if c in stored else NO_MASKS for c in camera_ids}


async def async_set_masks(store: Store, camera_id: str, name: str, data: Any) -> Masks:
    """Check and store a camera's masks (audited); InvalidMasks names what is wrong, and nothing changes."""
    checked = masks_from_json(data)
    if checked.standing == "masks" and not checked.regions:
        # The phone's Share and an agency's standing policy would have nothing to hide.
        raise InvalidMasks("standing_empty")
    await store.async_call(masks.put, camera_id, name, masks_to_json(checked), now_us())
    return checked
