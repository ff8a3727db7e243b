"""A camera's privacy masks and a share's redaction choice are outside input: every malformed field is refused
with its reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from custom_components.doorbell_vault.redaction.choice import MAX_BOXES, redaction_from_json
from custom_components.doorbell_vault.redaction.regions import (
    MAX_POINTS,
    MAX_REGIONS,
    InvalidMasks,
    masks_from_json,
    masks_to_json,
)

# The owner reads each reason in words (decide.async_invalid_masks): `invalid_masks_<reason>`.
EXCEPTIONS = json.loads(
    (Path(__file__).parents[1] / "custom_components" / "doorbell_vault" / "strings.json").read_text()
)["exceptions"]
RECT = {"id": "a", "shape": "rect", "points": [[0.1, 0.1], [0.4, 0.5]]}


@pytest.mark.parametrize(
    ("masks", "reason"),
    [
        ([], "masks"),
        ({"regions": [], "colour": "red"}, "field"),
        ({"standing": "everything"}, "standing"),
        ({"regions": {"a": RECT}}, "regions"),
        ({"regions": [RECT] * (MAX_REGIONS + 1)}, "too_many"),
        ({"regions": ["a rectangle"]}, "region"),
        ({"regions": [{**RECT, "colour": "red"}]}, "field"),
        ({"regions": [{**RECT, "id": ""}]}, "id"),
        ({"regions": [{**RECT, "id": "a\nb"}]}, "id"),
        ({"regions": [{**RECT, "id": 7}]}, "id"),
        ({"regions": [{**RECT, "shape": "circle"}]}, "shape"),
        ({"regions": [{**RECT, "action": "pixelate"}]}, "action"),
        ({"regions": [{**RECT, "label": "x" * 81}]}, "label"),
        ({"regions": [{**RECT, "points": "0,0 1,1"}]}, "points"),
        ({"regions": [{**RECT, "points": [[0.1, 0.1]]}]}, "points"),
        ({"regions": [{**RECT, "shape": "polygon"}]}, "points"),
        ({"regions": [{**RECT, "shape": "polygon", "points": [[0.1, 0.1]] * (MAX_POINTS + 1)}]}, "points"),
        ({"regions": [{**RECT, "points": [[0.1, 0.1, 0.2], [0.4, 0.5]]}]}, "point"),
        ({"regions": [{**RECT, "points": [[0.1, True], [0.4, 0.5]]}]}, "coordinate"),
        ({"regions": [{**RECT, "points": [[0.1, float("nan")], [0.4, 0.5]]}]}, "coordinate"),
        ({"regions": [{**RECT, "points": [[-0.1, 0.1], [0.4, 0.5]]}]}, "coordinate"),
        ({"regions": [{**RECT, "points": [[0.1, 0.1], [0.1, 0.5]]}]}, "empty"),
        ({"regions": [RECT, RECT]}, "duplicate_id"),
        ({"clear": [{**RECT, "shape": "polygon", "points": [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]}]}, "empty"),
    ],
)
def test_malformed_masks_are_refused_with_their_reason(masks: Any, reason: str) -> None:
    with pytest.raises(InvalidMasks) as refused:
        masks_from_json(masks)
    assert refused.value.reason == reason
    assert EXCEPTIONS[f"invalid_masks_{reason}"]["message"]


def test_masks_read_back_unchanged() -> None:
    masks = masks_from_json(
        {
            "regions": [
                {**RECT, "label": "the neighbours' window", "action": "black"},
                {"shape": "polygon", "points": [[0.5, 0.5], [0.9, 0.5], [0.7, 0.9]]},
            ],
            "clear": [{"shape": "rect", "points": [[0.6, 0.6], [0.3, 0.2]]}],
            "standing": "masks_faces",
        }
    )
    assert [r.id for r in masks.regions] == ["a", "r2"]
    assert masks.clear[0].corners() == ((0.3, 0.2), (0.6, 0.2), (0.6, 0.6), (0.3, 0.6))
    assert masks.clear[0].bounds() == (0.3, 0.2, 0.6, 0.6)
    assert masks_from_json(masks_to_json(masks)) == masks


CAMERAS = {"cam-front": "cam-front", "front door": "cam-front"}
BOX = {"camera_id": "Front door", "points": [[0.1, 0.1], [0.3, 0.4]]}


@pytest.mark.parametrize(
    ("redaction", "reason"),
    [
        (42, "redaction"),
        ("everything", "mode"),
        ({"mode": "blur"}, "mode"),
        ({"boxes": {"cam-front": BOX}}, "too_many"),
        ({"boxes": [BOX] * (MAX_BOXES + 1)}, "too_many"),
        ({"boxes": ["a box"]}, "region"),
        ({"boxes": [{**BOX, "points": [[0.1, 0.1]]}]}, "points"),
        ({"boxes": [{**BOX, "start": 200, "end": 200}]}, "box_time"),
        ({"boxes": [{**BOX, "start": "yesterday"}]}, "box_time"),
        ({"mode": "originals", "boxes": [BOX]}, "boxes_originals"),
    ],
)
def test_a_malformed_redaction_choice_is_refused_with_its_reason(redaction: Any, reason: str) -> None:
    with pytest.raises(InvalidMasks) as refused:
        redaction_from_json(redaction, CAMERAS)
    assert refused.value.reason == reason
    assert EXCEPTIONS[f"invalid_masks_{reason}"]["message"]


def test_a_boxs_times_given_as_datetimes_are_utc_microseconds() -> None:
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    chosen = redaction_from_json(
        {"boxes": [{**BOX, "start": start, "end": start + timedelta(seconds=3)}]}, CAMERAS
    )
    (box,) = chosen.boxes
    assert (box.camera_id, box.start_us, box.end_us) == (
        "cam-front",
        1_767_268_800_000_000,
        1_767_268_803_000_000,
    )
    assert chosen.mode is None
