"""Linked ring and motion entities record events with pre- and post-roll; a ring fires the doorbell."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.clock import now_us
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.store import segments
from devkit import simulator

from .conftest import Offline, camera_subentry, make_hub


async def _assert_diagnostics_never_show_the_cameras_credentials(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry, url: str
) -> None:
    """Diagnostics never show the camera's credentials ("pa ss/word", also URL-encoded) or address."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    assert "pa ss/word" not in text
    assert "pa%20ss%2Fword" not in text
    assert url not in text
    assert diagnostics["cameras"][0]["subentry"]["password"] == "**REDACTED**"


async def test_ring_and_motion_are_recorded_as_events(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    storage: Path,
) -> None:
    doorbell = simulator.start(username="door", password="pa ss/word")
    try:
        hass.states.async_set("binary_sensor.doorbell_button", "off")
        hass.states.async_set("binary_sensor.porch_motion", "off")
        hass.states.async_set("event.doorbird_ring", "2026-11-24T10:00:00.000+00:00")
        entry = make_hub(
            hass,
            storage,
            [
                camera_subentry(
                    doorbell,
                    ring_entities=["binary_sensor.doorbell_button", "event.doorbird_ring"],
                    motion_entities=["binary_sensor.porch_motion"],
                    pre_roll=5,
                    post_roll=15,
                )
            ],
        )
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        camera = next(iter(vault.cameras))
        doorbell_entity = next(
            e.entity_id
            for e in er.async_get(hass).entities.values()
            if e.domain == "event" and e.unique_id.endswith("_doorbell")
        )
        assert hass.states.get(doorbell_entity).attributes["event_types"] == ["ring"]

        before = now_us()
        hass.states.async_set("binary_sensor.doorbell_button", "on")
        hass.states.async_set("binary_sensor.porch_motion", "on")
        hass.states.async_set("binary_sensor.porch_motion", "on", {"changed": "attribute only"})
        hass.states.async_set("event.doorbird_ring", "2026-11-24T10:05:00.000+00:00")
        hass.states.async_set("binary_sensor.doorbell_button", "unavailable")
        await hass.async_block_till_done()

        events = await vault.store.async_call(segments.events, camera, before, now_us() + 1)
        assert sorted((e.kind, e.source) for e in events) == [
            ("motion", "binary_sensor.porch_motion"),
            ("ring", "binary_sensor.doorbell_button"),
            ("ring", "event.doorbird_ring"),
        ]
        for event in events:
            assert event.start_us == event.at_us - 5_000_000
            assert event.end_us == event.at_us + 15_000_000
        ring_state = hass.states.get(doorbell_entity)
        assert ring_state.attributes["event_type"] == "ring"
        assert ring_state.attributes["source"] in {"binary_sensor.doorbell_button", "event.doorbird_ring"}

        await _assert_diagnostics_never_show_the_cameras_credentials(hass, hass_client, entry, doorbell.url)
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        doorbell.stop()


async def test_a_ring_is_not_counted_when_its_entity_comes_back_with_its_old_state(
    hass: HomeAssistant, storage: Path
) -> None:
    sources = {
        "event.doorbird_ring": "2026-11-24T10:00:00.000+00:00",
        "event.new_doorbell": "unknown",  # never rang yet
        "binary_sensor.doorbell_button": "on",
    }
    for entity_id, state in sources.items():
        hass.states.async_set(entity_id, state)
    entry = make_hub(hass, storage, [camera_subentry(Offline(), ring_entities=list(sources))])
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    camera = next(iter(vault.cameras))
    before = now_us()

    async def rings() -> list[str]:
        await hass.async_block_till_done()
        found = await vault.store.async_call(segments.events, camera, before, now_us() + 1)
        return sorted(e.source or "" for e in found)

    # The integration behind the entities drops out and comes back: its entities return with old states.
    for entity_id, state in (
        ("event.doorbird_ring", "2026-11-24T10:00:00.000+00:00"),
        ("binary_sensor.doorbell_button", "on"),
    ):
        hass.states.async_set(entity_id, "unavailable")
        hass.states.async_set(entity_id, state)
        hass.states.async_remove(entity_id)
        hass.states.async_set(entity_id, state)
    assert await rings() == []

    # A real ring afterwards still counts, and so does the very first ring of a new doorbell.
    hass.states.async_set("event.doorbird_ring", "unavailable")
    hass.states.async_set("event.doorbird_ring", "2026-11-24T10:07:00.000+00:00")
    hass.states.async_set("event.new_doorbell", "2026-11-24T10:08:00.000+00:00")
    hass.states.async_set("binary_sensor.doorbell_button", "off")
    hass.states.async_set("binary_sensor.doorbell_button", "on")
    assert await rings() == ["binary_sensor.doorbell_button", "event.doorbird_ring", "event.new_doorbell"]
    assert await hass.config_entries.async_unload(entry.entry_id)
