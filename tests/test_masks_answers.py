"""The masks' websocket commands and the preview's view when something is missing or breaks.

Real hass and the sample footage (conftest's footage_hub); the masks helper's answers without a still to
draw on, a preview that cannot be made (each with its error code, nothing left in the previews folder), and
the preview view refusing what it must not serve. The working paths are test_masks'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.doorbell_vault import websocket_masks
from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.evidence import previews
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.redaction.plan import Plan

from .conftest import Socket, footage_hub, submit_request

BOX = {"points": [[0.1, 0.1], [0.3, 0.4]]}


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """The Front door with 30 s of real footage an hour ago."""
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def bare_hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """The Front door before it has recorded anything."""
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=0)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def ws(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Socket:
    return Socket(await hass_ws_client(hass))


def _front(vault: DoorbellVault) -> str:
    return next(iter(vault.cameras))


async def test_without_a_still_the_masks_are_answered_with_no_picture(
    hass: HomeAssistant, bare_hub: MockConfigEntry, ws: Socket
) -> None:
    message = {"type": f"{DOMAIN}/cameras/masks", "camera_id": "Front door"}
    # No footage yet: no size to draw on.
    got = await ws.result(message)
    assert got["still"]["width"] is got["still"]["height"] is None
    assert got["still"]["url"].startswith("/api/camera_proxy/camera.front_door?")
    # The camera entity removed by the owner: no picture either; the masks are still answered.
    registry = er.async_get(hass)
    registry.async_remove(next(e.entity_id for e in registry.entities.values() if e.domain == "camera"))
    got = await ws.result(message)
    assert got["still"]["url"] is None
    assert got["masks"]["standing"] == "originals"


async def test_a_still_whose_size_is_not_read_in_time_has_none(
    hub: MockConfigEntry, ws: Socket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault: DoorbellVault = hub.runtime_data
    stalled = tmp_path / "ffprobe"
    stalled.write_text("#!/bin/sh\nexec sleep 30\n")
    stalled.chmod(0o755)
    monkeypatch.setattr(vault.recording, "ffprobe_binary", str(stalled))
    monkeypatch.setattr(websocket_masks, "STILL_TIMEOUT_S", 0.3)
    got = await ws.result({"type": f"{DOMAIN}/cameras/masks", "camera_id": _front(vault)})
    assert (got["still"]["width"], got["still"]["height"]) == (None, None)
    assert got["still"]["url"]


async def test_a_preview_that_cannot_be_made_says_why_and_leaves_nothing(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault: DoorbellVault = hub.runtime_data
    front = _front(vault)
    preview = {"type": f"{DOMAIN}/requests/redaction_preview", "camera_id": front}
    assert (await ws.error(preview | {"request_id": "nope"}))["code"] == "not_found"
    request_id = await submit_request(hass, hub, 7, 19)
    message = preview | {"request_id": request_id}
    # Masks only, but the camera has none and no box is drawn: nothing to hide.
    error = await ws.error(message | {"redaction": "masks"})
    assert error["code"] == "nothing_to_redact"
    assert "Front door" in error["message"]
    # A window without footage.
    later = await submit_request(hass, hub, 100, 110)
    drawn = {"mode": "masks", "boxes": [BOX | {"camera_id": front}]}
    error = await ws.error(preview | {"request_id": later, "redaction": drawn})
    assert error["code"] == "no_footage"
    # ffmpeg fails on the cut: said so, and neither file is left.
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'cannot open' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(vault.recording, "ffmpeg_binary", str(broken))
    plans: list[Plan] = []
    make = previews.make

    def recorded(order: Any, token: str) -> previews.Preview:
        plans.append(order.cameras[0].plan)
        return make(order, token)

    monkeypatch.setattr(previews, "make", recorded)
    error = await ws.error(message | {"redaction": drawn})
    assert error["code"] == "preview_failed"
    # The share's plan for the camera, asked for as the preview's quick render (never a package's).
    assert [(p.mode, len(p.boxes), p.preview) for p in plans] == [("masks", 1, True)]
    assert list((vault.storage / previews.PREVIEWS_FOLDER).iterdir()) == []


async def test_the_preview_view_serves_admins_only_and_only_preview_files(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    folder = vault.storage / previews.PREVIEWS_FOLDER
    folder.mkdir()
    made = f"{'a' * 32}-redacted.mp4"
    (folder / made).write_bytes(b"a preview")
    (folder / "notes.txt").write_bytes(b"not a preview")
    url = previews.PREVIEW_URL.format
    admin, reader = await hass_client(), await hass_client(hass_read_only_access_token)
    assert (await admin.get(url(name=made))).status == 200
    assert (await reader.get(url(name=made))).status == 401
    assert (await admin.get(url(name="notes.txt"))).status == 404
    assert (await admin.get(url(name=f"{'b' * 32}-redacted.mp4"))).status == 404
