"""The house: change announcements survive reloads and fire once per real change; a failed setup leaves
nothing running."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.doorbell_vault.const import DOMAIN
from devkit import simulator

from .conftest import camera_subentry, footage_hub, make_hub, share_request, submit_request, wait_for


def _request_event_entity(hass: HomeAssistant, entry: Any) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("event", DOMAIN, f"{entry.entry_id}_requests")
    assert entity_id is not None
    return entity_id


async def test_subscription_keeps_delivering_across_a_reload(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "doorbell_vault/requests/subscribe"})
    assert (await client.receive_json())["success"]

    first = await submit_request(hass, entry, 0, 10)
    assert (await client.receive_json())["event"]["request_id"] == first

    # An options change reloads the entry: every desk is built anew.
    before = entry.runtime_data.lifecycle
    hass.config_entries.async_update_entry(entry, options={**entry.options, "share_max_downloads": 5})
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.lifecycle is not before

    second = await submit_request(hass, entry, 0, 10)
    event = (await client.receive_json())["event"]
    assert (event["request_id"], event["status"]) == (second, "pending")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_request_event_entity_fires_once_per_arrival_and_per_decision(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    entity_id = _request_event_entity(hass, entry)
    fired: list[str] = []

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new, old = event.data["new_state"], event.data["old_state"]
        if (
            new is not None
            and new.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
            and (old is None or new.state != old.state)
        ):
            fired.append(str(new.attributes["event_type"]))

    unsubscribe = async_track_state_change_event(hass, [entity_id], changed)

    shared = await submit_request(hass, entry, 0, 20)
    declined = await submit_request(hass, entry, 0, 20)
    # A package build reports several stages; a download is logged twice (start, then completed).
    result = await share_request(hass, shared, max_downloads=2)
    await hass.services.async_call(DOMAIN, "decline_request", {"request_id": declined}, blocking=True)
    client = await hass_client_no_auth()
    path = result["share_url"][result["share_url"].index("/api/") :]
    response = await client.post(path)
    assert response.status == 200
    await response.read()
    await hass.async_block_till_done()

    assert fired == ["received", "received", "shared", "declined"]
    unsubscribe()
    await hass.config_entries.async_unload(entry.entry_id)


def _store_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("doorbell_vault_store")]


@pytest.mark.timeout(120)
async def test_a_failed_platform_setup_leaves_no_ffmpeg_and_no_store_thread(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    threads_before = len(_store_threads())
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    pids: list[int] = []

    async def failing_platforms(setup_entry: Any, _platforms: Any) -> None:
        # The recorder is already running when the platforms are set up.
        recorder = next(iter(setup_entry.runtime_data.recording.recorders.values()))
        await wait_for(lambda: recorder.pid is not None, timeout=30)
        pids.append(recorder.pid)
        raise RuntimeError("a platform failed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hass.config_entries, "async_forward_entry_setups", failing_platforms)
        assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert pids
    assert not Path(f"/proc/{pids[0]}").exists(), "ffmpeg outlived the failed setup"
    await wait_for(lambda: len(_store_threads()) == threads_before, timeout=10)
