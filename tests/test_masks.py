"""Privacy masks on the server (issue 24): stored and audited, the share's redaction choice, the preview.

Real hass, real footage (the sample segment), real ffmpeg/PyAV; an agency is the only stand-in.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.doorbell_vault import decide
from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence.previews import PREVIEWS_FOLDER
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.redaction import detect
from custom_components.doorbell_vault.redaction.choice import plan_for, redaction_from_json
from custom_components.doorbell_vault.redaction.detect import DetectorStatus
from custom_components.doorbell_vault.redaction.regions import InvalidMasks, masks_from_json
from custom_components.doorbell_vault.requests.agencies import Agency
from custom_components.doorbell_vault.store import holds, masks, segments

from .conftest import Socket, audit_entries, camera_named, ffprobe, footage_hub, share_request, submit_request

CAMERAS = ("Front door", "Back door")
NEIGHBOUR = {"id": "neighbour", "shape": "rect", "points": [[0.6, 0.1], [0.95, 0.5]], "action": "black"}
STREET = {"shape": "polygon", "points": [[0, 0.7], [1, 0.7], [1, 1], [0, 1]]}
DOORSTEP = {"id": "doorstep", "shape": "rect", "points": [[0.3, 0.3], [0.6, 0.9]]}


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """Front door and Back door, each with 30 s of real footage an hour ago."""
    entry = await footage_hub(hass, storage, sample_segment, CAMERAS)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def ws(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Socket:
    return Socket(await hass_ws_client(hass))


async def _set(ws: Socket, camera_id: str, **data: Any) -> dict[str, Any]:
    result: dict[str, Any] = await ws.result(
        {"type": f"{DOMAIN}/cameras/masks/set", "camera_id": camera_id, "masks": data}
    )
    return result


async def _assert_invalid_masks_change_nothing(
    vault: DoorbellVault, ws: Socket, front: str, stored: Any
) -> None:
    """Invalid masks: refused with the reason in words; nothing changes, nothing is logged."""
    for bad, words in (
        ({"regions": [{"shape": "rect", "points": [[0, 0], [1.5, 1]]}]}, "between 0 and 1"),
        ({"regions": [{"shape": "circle", "points": []}]}, "rect or polygon"),
        ({"regions": [], "standing": "masks"}, "at least one region"),
        ({"regions": [NEIGHBOUR, NEIGHBOUR]}, "share an id"),
    ):
        error = await ws.error({"type": f"{DOMAIN}/cameras/masks/set", "camera_id": front, "masks": bad})
        assert error["code"] == "invalid_masks", error
        assert words in error["message"], error
    assert (await vault.store.async_call(masks.get, front)) == stored
    assert len(await audit_entries(vault, "masks_changed")) == 1
    assert (await ws.error({"type": f"{DOMAIN}/cameras/masks", "camera_id": "Attic"}))["code"] == (
        "unknown_camera"
    )


async def _assert_only_administrators(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, token: str, front: str
) -> None:
    """Only administrators see or change masks, or render a preview."""
    reader = Socket(await hass_ws_client(hass, token))
    for message in (
        {"type": f"{DOMAIN}/cameras/masks", "camera_id": front},
        {"type": f"{DOMAIN}/cameras/masks/set", "camera_id": front, "masks": {}},
        {"type": f"{DOMAIN}/requests/redaction_preview", "request_id": "x", "camera_id": front},
    ):
        assert (await reader.error(message))["code"] == "unauthorized"


async def test_masks_are_kept_checked_audited_and_go_with_their_camera(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    ws: Socket,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    front, back = camera_named(vault, "Front door"), camera_named(vault, "Back door")
    got = await ws.result({"type": f"{DOMAIN}/cameras/masks", "camera_id": front})
    assert got["masks"] == {"regions": [], "clear": [], "standing": "originals"}
    assert (got["camera_id"], got["name"], got["updated"]) == (front, "Front door", None)
    # The still: the camera entity's picture (a JPEG of its newest segment), the size of that segment.
    assert got["still"]["url"].startswith("/api/camera_proxy/camera.front_door?token=")
    assert (got["still"]["width"], got["still"]["height"]) == (320, 240)
    assert got["detector"]["available"] is True
    assert got["detector"]["name"]

    saved = await _set(ws, front, regions=[NEIGHBOUR, STREET], clear=[DOORSTEP], standing="masks")
    assert saved["masks"]["standing"] == "masks"
    assert [r["id"] for r in saved["masks"]["regions"]] == ["neighbour", "r2"]
    got = await ws.result({"type": f"{DOMAIN}/cameras/masks", "camera_id": "front door"})  # by name too
    assert got["masks"] == saved["masks"]
    assert got["updated"] is not None
    # The audit chain names the camera, the counts and the hash of exactly what is stored.
    (entry,) = await audit_entries(vault, "masks_changed")
    stored = await vault.store.async_call(masks.get, front)
    assert entry == {
        "camera": front,
        "name": "Front door",
        "regions": 2,
        "clear": 1,
        "standing": "masks",
        "sha256": hashlib.sha256(masks.canonical(stored.masks).encode()).hexdigest(),
    }
    # Diagnostics say how many regions and the standing choice of each camera, never where the regions are.
    diagnostics = await async_get_config_entry_diagnostics(hass, hub)
    shown = sorted((c["masks"] for c in diagnostics["cameras"]), key=str)
    assert shown == [None, {"regions": 2, "clear": 1, "standing": "masks"}]
    assert "points" not in json.dumps(diagnostics, default=str)

    await _assert_invalid_masks_change_nothing(vault, ws, front, stored)
    await _assert_only_administrators(hass, hass_ws_client, hass_read_only_access_token, front)

    # Removing a camera removes its masks (audited).
    await _set(ws, back, regions=[STREET])
    subentry_id = next(s.subentry_id for s in hub.subentries.values() if s.title == "Back door")
    assert hass.config_entries.async_remove_subentry(hub, subentry_id)
    await hass.async_block_till_done()
    vault = hub.runtime_data
    assert await vault.store.async_call(masks.get, back) is None
    assert (await vault.store.async_call(masks.get, front)) is not None
    assert await audit_entries(vault, "masks_removed") == [{"camera": back}]


async def _manifest(vault: DoorbellVault, request_id: str) -> dict[str, Any]:
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    return dict(share.manifest)


def _springfield(vault: DoorbellVault) -> Agency:
    """An agency whose standing policy shares (what the intake hands to decide.async_share_automatically)."""
    return Agency(
        id="springfield",
        name="Springfield PD",
        contact="records@example.org",
        key_type="generated",
        key_id=None,
        public_key=None,
        policy="share",
        cameras=(camera_named(vault, "Front door"),),
        max_window_hours=24,
        include_audio=False,
        share_days=7,
        max_downloads=3,
    )


async def test_each_camera_is_shared_in_its_standing_choice_unless_the_owner_chooses(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    vault: DoorbellVault = hub.runtime_data
    front, back = camera_named(vault, "Front door"), camera_named(vault, "Back door")
    await _set(ws, front, regions=[NEIGHBOUR], clear=[DOORSTEP], standing="masks")
    files = await vault.store.async_call(segments.of_camera, front)
    before = {s.path: hashlib.sha256((vault.storage / s.path).read_bytes()).hexdigest() for s in files}

    # The phone's Share (no choice given): each camera's standing choice.
    phone = await submit_request(hass, hub, 7, 19)
    await decide.async_share(vault, phone, Context())
    standing = {"Front door": "masks", "Back door": "originals"}
    assert (await _manifest(vault, phone))["decision"]["redaction"] == standing
    assert (await audit_entries(vault, "request_shared"))[-1]["redaction"] == standing
    detail = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": phone})
    assert detail["share"]["redaction"] == standing

    # An agency's standing policy shares automatically: the same standing choice.
    automatic = await submit_request(hass, hub, 7, 19)
    request = await vault.lifecycle.async_get(automatic)
    assert request is not None
    request.cameras_with_footage = list(CAMERAS)  # as the intake hands it over, just submitted
    assert await decide.async_share_automatically(vault, request, _springfield(vault)) is not None
    assert (await _manifest(vault, automatic))["decision"]["redaction"] == {"Front door": "masks"}

    # The owner's choice for one share overrides it: the originals by the service ...
    chosen = await submit_request(hass, hub, 7, 19)
    await share_request(hass, chosen, cameras=["Front door"], redaction="originals")
    assert (await _manifest(vault, chosen))["decision"]["redaction"] == {"Front door": "originals"}
    # ... masks everywhere from the panel, a box drawn over the Back door (which has no masks).
    box = {"camera_id": back, "points": [[0.1, 0.1], [0.3, 0.4]]}
    panel = await submit_request(hass, hub, 7, 19)
    estimate = await ws.result(
        {"type": f"{DOMAIN}/requests/preview", "request_id": panel, "redaction": {"boxes": [box]}}
    )
    assert {f["camera"]: f["redaction"] for f in estimate["files"]} == {
        "Front door": "masks",
        "Back door": "masks",
    }
    assert sorted(estimate["redacted"]) == ["Back door", "Front door"]
    await ws.result(
        {
            "type": f"{DOMAIN}/requests/decide",
            "request_id": panel,
            "decision": "share",
            "redaction": {"mode": "masks", "boxes": [box]},
        }
    )
    masked = {"Front door": "masks", "Back door": "masks"}
    assert (await _manifest(vault, panel))["decision"]["redaction"] == masked

    # The originals of every redacted share stay held and byte-identical.
    held = await vault.store.async_call(holds.every)
    for request_id in (phone, automatic, panel):
        assert any(h.ref == request_id and h.camera == front for h in held), request_id
    after = {s.path: hashlib.sha256((vault.storage / s.path).read_bytes()).hexdigest() for s in files}
    assert after == before


async def test_a_redaction_that_cannot_be_made_refuses_the_share(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    ws: Socket,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    request.addfinalizer(detect.detector_status.cache_clear)
    vault: DoorbellVault = hub.runtime_data
    front = camera_named(vault, "Front door")
    request_id = await submit_request(hass, hub, 7, 19)
    # Masks only for a camera without masks, with no box drawn over it: nothing to hide.
    with pytest.raises(HomeAssistantError) as caught:
        await share_request(hass, request_id, cameras=["Front door"], redaction={"mode": "masks"})
    assert caught.value.translation_key == "nothing_to_redact"
    assert "Front door" in str(caught.value)

    # Without a face detector (dlib cannot be imported): said so, never downgraded to masks alone.
    monkeypatch.setitem(sys.modules, "dlib", None)
    detect.detector_status.cache_clear()  # the answer is kept once found; found again without dlib
    got = await ws.result({"type": f"{DOMAIN}/cameras/masks", "camera_id": front})
    assert got["detector"]["available"] is False
    assert got["detector"]["reason"]
    await _set(ws, front, regions=[NEIGHBOUR], standing="masks_faces")
    error = await ws.error(
        {"type": f"{DOMAIN}/requests/decide", "request_id": request_id, "decision": "share"}
    )
    assert error["code"] == "detector_unavailable"
    assert "Front door" in error["message"]
    with pytest.raises(HomeAssistantError) as caught:
        await share_request(hass, request_id, redaction="masks_faces")
    assert caught.value.translation_key == "detector_unavailable"
    request = await vault.lifecycle.async_get(request_id)
    assert request is not None
    assert request.status == "pending"
    assert request_id not in vault.lifecycle.building
    # Choosing masks alone for this share works.
    await share_request(hass, request_id, cameras=["Front door"], redaction="masks")
    assert (await _manifest(vault, request_id))["decision"]["redaction"]["Front door"] == "masks"
    # An invalid choice names its reason.
    other = await submit_request(hass, hub, 7, 19)
    with pytest.raises(HomeAssistantError) as caught:
        await share_request(
            hass,
            other,
            redaction={"mode": "originals", "boxes": [{"camera_id": front, "points": [[0, 0], [1, 1]]}]},
        )
    assert caught.value.translation_key == "invalid_masks"
    assert "originals were chosen" in str(caught.value)


async def test_a_redaction_preview_plays_the_original_beside_its_redacted_render(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    ws: Socket,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    front = camera_named(vault, "Front door")
    request_id = await submit_request(hass, hub, 7, 40)
    message = {"type": f"{DOMAIN}/requests/redaction_preview", "request_id": request_id, "camera_id": front}
    # A camera shared as its originals has nothing to preview.
    assert (await ws.error(message))["code"] == "preview_originals"
    await _set(ws, front, regions=[NEIGHBOUR], standing="masks")
    box = {"camera_id": front, "points": [[0.1, 0.1], [0.3, 0.4]]}
    preview = await ws.result(message | {"redaction": {"mode": "masks", "boxes": [box]}})
    # At most 20 s from the window's start; the original starts on the keyframe at or before it.
    assert preview["seconds"] == 20
    assert preview["start"] == (hub.base + timedelta(seconds=7)).isoformat()  # type: ignore[attr-defined]
    assert preview["mode"] == "masks"
    assert preview["faces"] == 0
    client = await hass_client_no_auth()
    files = {}
    for key in ("original_url", "redacted_url"):
        assert "authSig=" in preview[key]
        response = await client.get(preview[key])
        assert response.status == 200, key
        assert response.headers["Content-Type"] == "video/mp4"
        files[key] = tmp_path / f"{key}.mp4"
        files[key].write_bytes(await response.read())
        # Without the signature: refused.
        assert (await client.get(preview[key].partition("?")[0])).status == 401
    original, redacted = ffprobe(files["original_url"]), ffprobe(files["redacted_url"])
    assert [s["codec_name"] for s in original["streams"]] == ["h264"]
    assert [s["codec_name"] for s in redacted["streams"]] == ["h264"]
    lead = preview["original_lead_s"]
    assert float(original["format"]["duration"]) == pytest.approx(20 + lead, abs=0.5)
    assert float(redacted["format"]["duration"]) == pytest.approx(20, abs=0.5)
    # Owner-only files; removed after an hour, and all of them when the hub starts.
    folder = vault.storage / PREVIEWS_FOLDER
    made = sorted(folder.iterdir())
    assert len(made) == 2
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in made)
    assert folder.stat().st_mode & 0o777 == 0o700
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=1, seconds=5))
    await hass.async_block_till_done()
    assert list(folder.iterdir()) == []
    await ws.result(message | {"redaction": "masks", "start": (hub.base + timedelta(seconds=10)).isoformat()})  # type: ignore[attr-defined]
    assert len(list(folder.iterdir())) == 2
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert not folder.exists()
    assert json.loads(json.dumps(preview))  # JSON all through


def test_a_cameras_plan_takes_its_masks_the_mode_and_its_hand_drawn_boxes() -> None:
    standing = masks_from_json({"regions": [NEIGHBOUR], "clear": [DOORSTEP], "standing": "masks"})
    cameras = {"cam-front": "cam-front", "front door": "cam-front", "cam-back": "cam-back"}
    second = 1_000_000
    window = (100 * second, 112 * second)
    boxes = [
        {"camera_id": "Front door", "points": [[0.1, 0.1], [0.3, 0.4]], "start": 102 * second},
        {
            "camera_id": "cam-front",
            "points": [[0.5, 0.5], [0.6, 0.6]],
            "end": 200 * second,
            "action": "black",
        },
        {"camera_id": "cam-front", "points": [[0.5, 0.5], [0.6, 0.6]], "end": 99 * second},  # before
        {"camera_id": "cam-back", "points": [[0.1, 0.1], [0.2, 0.2]]},
    ]
    chosen = redaction_from_json({"mode": "masks_faces", "boxes": boxes}, cameras)
    found = DetectorStatus(True, None, "dlib HOG", "20.0.1")
    plan = plan_for("cam-front", "Front door", standing, chosen, window, include_audio=True, detector=found)
    assert plan is not None
    assert (plan.mode, plan.audio, plan.preview) == ("masks_faces", True, False)
    assert (plan.regions, plan.clear) == (standing.regions, standing.clear)
    assert [(b.region.points, b.region.action, b.start_s, b.end_s) for b in plan.boxes] == [
        (((0.1, 0.1), (0.3, 0.4)), "blur", 2.0, 12.0),
        (((0.5, 0.5), (0.6, 0.6)), "black", 0.0, 12.0),
    ]
    # No choice: the standing one; the originals: no plan at all.
    assert plan_for("cam-front", "Front door", standing, None, window, include_audio=False, detector=None)
    originals = redaction_from_json("originals", cameras)
    assert (
        plan_for("cam-front", "Front door", standing, originals, window, include_audio=False, detector=None)
        is None
    )
    with pytest.raises(InvalidMasks, match="box_camera"):
        redaction_from_json({"boxes": [{"camera_id": "Attic", "points": [[0, 0], [1, 1]]}]}, cameras)
