"""Recording from a real RTSP doorbell with Debian's ffmpeg: segments, index, watchdog, entities."""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from pathlib import Path

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.issues import CAMERA_OFFLINE, issue_about
from custom_components.doorbell_vault.recording import desk
from custom_components.doorbell_vault.recording.recorder_process import SEGMENT_SECONDS
from custom_components.doorbell_vault.store import segments
from custom_components.doorbell_vault.store.segments import Segment
from devkit import simulator

from .conftest import camera_subentry, ffprobe, make_hub, wait_for

GOP_US = 2_000_000


def _entity(hass: HomeAssistant, domain: str, key: str) -> str:
    registry = er.async_get(hass)
    entity_id = next(
        e.entity_id
        for e in registry.entities.values()
        if e.domain == domain and e.unique_id.endswith(f"_{key}") and e.platform == DOMAIN
    )
    return entity_id


async def _segments(vault: DoorbellVault, camera: str) -> list[Segment]:
    return await vault.store.async_call(segments.in_window, camera, 0, 2**62)


async def test_records_indexes_and_survives_sigkill(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    storage: Path,
    doorbell: simulator.SimulatedDoorbell,
) -> None:
    await async_setup_component(hass, "media_source", {})
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    started = time.time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    camera = next(iter(vault.cameras))
    recorder = vault.recording.recorders[camera]

    # At least 30 s of recording: at least two finished, indexed segments.
    await wait_for(lambda: time.time() - started >= 32, timeout=60)
    await _assert_indexed_segments_as_recorded(vault, storage, camera, started)

    await _assert_the_entities_show_a_recording_camera(hass, vault, doorbell)

    # SIGKILL the recorder process: recording resumes within seconds and the gap is at most one
    # segment. The resumed footage's own start is measured, not how long the test waited for its
    # segment to be indexed (that adds a whole segment and whatever else the machine is doing).
    before_kill = await _segments(vault, camera)
    assert recorder.pid is not None
    os.kill(recorder.pid, signal.SIGKILL)
    killed_at = time.time()

    async def resumed_starts() -> list[float]:
        return [s.start_us / 1e6 for s in await _segments(vault, camera) if s.start_us / 1e6 > killed_at]

    await wait_for(resumed_starts, timeout=30)
    resumed_after = min(await resumed_starts()) - killed_at
    assert resumed_after <= 6, resumed_after
    after_kill = await _segments(vault, camera)
    assert len(after_kill) > len(before_kill)
    gaps = [b.start_us - a.end_us for a, b in itertools.pairwise(after_kill)]
    assert max(gaps) <= SEGMENT_SECONDS * 1_000_000, gaps
    assert recorder.restarts >= 1

    await _assert_the_media_panel_plays_a_clip(hass, hass_client)

    # Unload stops ffmpeg; its open segment is finished and indexed.
    pid = recorder.pid
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def _assert_indexed_segments_as_recorded(
    vault: DoorbellVault, storage: Path, camera: str, started: float
) -> None:
    """At least two finished segments, indexed as they are on disk, back to back, placed in UTC."""
    found = await _segments(vault, camera)
    assert len(found) >= 2
    for segment in found:
        path = storage / segment.path
        assert path.parent.parent.parent.name == camera
        assert segment.bytes == path.stat().st_size > 0
        probe = ffprobe(path)
        duration = float(probe["format"]["duration"])
        assert abs(duration - (segment.end_us - segment.start_us) / 1e6) < 1.0
        assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
        assert SEGMENT_SECONDS - 1 <= duration <= SEGMENT_SECONDS + 2.5
        # Named and placed in UTC, close to the wall clock.
        assert started - 5 <= segment.start_us / 1e6 <= time.time()
    for before, after in itertools.pairwise(found):
        assert abs(after.start_us - before.end_us) <= GOP_US


async def _assert_the_entities_show_a_recording_camera(
    hass: HomeAssistant, vault: DoorbellVault, doorbell: simulator.SimulatedDoorbell
) -> None:
    # Entities show a recording camera.
    await vault.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(_entity(hass, "binary_sensor", "recording")).state == STATE_ON
    assert hass.states.get(_entity(hass, "switch", "record")).state == STATE_ON
    # Last segment changes every 10 s: disabled until the owner turns it on.
    last_segment = er.async_get(hass).async_get(_entity(hass, "sensor", "last_segment"))
    assert last_segment.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert float(hass.states.get(_entity(hass, "sensor", "footage_size")).state) > 0
    camera_state = hass.states.get(_entity(hass, "camera", "camera"))
    assert camera_state.state != STATE_UNAVAILABLE
    assert doorbell.url not in json.dumps(dict(camera_state.attributes))


async def _assert_the_media_panel_plays_a_clip(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    # The Media panel browses cameras → days → hours → clips and plays through the signed view.
    from homeassistant.components import media_source

    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    assert [c.title for c in root.children] == ["Front door", "Shared footage"]
    days = await media_source.async_browse_media(hass, root.children[0].media_content_id)
    hours = await media_source.async_browse_media(hass, days.children[0].media_content_id)
    clips = await media_source.async_browse_media(hass, hours.children[0].media_content_id)
    assert clips.children
    played = await media_source.async_resolve_media(hass, clips.children[-1].media_content_id, None)
    assert played.mime_type == "video/mp4"
    client = await hass_client()
    response = await client.get(played.url, headers={"Range": "bytes=0-99"})
    assert response.status == 206
    assert len(await response.read()) == 100


async def test_camera_offline_goes_unavailable_then_recovers(
    hass: HomeAssistant, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk, "OFFLINE_CHECK_INTERVAL", desk.timedelta(seconds=1))
    doorbell = simulator.start(audio="none")
    port = doorbell.port
    try:
        entry = make_hub(hass, storage, [camera_subentry(doorbell, audio_codec=None)], offline_minutes=0.05)
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        camera = next(iter(vault.cameras))
        recording = _entity(hass, "binary_sensor", "recording")
        await wait_for(lambda: hass.states.get(recording).state == STATE_ON, timeout=40)

        doorbell.stop()
        await wait_for(lambda: hass.states.get(recording).state == STATE_UNAVAILABLE, timeout=30)
        assert hass.states.get(_entity(hass, "camera", "camera")).state == STATE_UNAVAILABLE
        assert hass.states.get(_entity(hass, "switch", "record")).state == STATE_ON
        issues, offline = ir.async_get(hass), issue_about(CAMERA_OFFLINE, camera)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is not None, 20)
        issue = issues.async_get_issue(DOMAIN, offline)
        assert issue.translation_placeholders["camera"] == "Front door"

        doorbell = simulator.start(port=port, audio="none")
        await wait_for(lambda: hass.states.get(recording).state == STATE_ON, timeout=60)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is None, 10)
    finally:
        doorbell.stop()
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_pause_switch_stops_and_resumes_recording(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    assert await hass.config_entries.async_setup(entry.entry_id)
    recorder = next(iter(entry.runtime_data.recording.recorders.values()))
    switch = _entity(hass, "switch", "record")
    await wait_for(lambda: recorder.pid is not None, timeout=10)
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    assert hass.states.get(switch).state == STATE_OFF
    assert recorder.pid is None
    assert hass.states.get(_entity(hass, "binary_sensor", "recording")).state == STATE_OFF
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await wait_for(lambda: recorder.pid is not None, timeout=10)
    assert await hass.config_entries.async_unload(entry.entry_id)
