"""Removing a camera removes its device and entities and stops its recorder; its footage stays on disk."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.doorbell_vault.const import DOMAIN
from devkit import simulator

from .conftest import camera_subentry, make_hub


async def test_removing_a_camera(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(doorbell, "Front"), camera_subentry(doorbell, "Back")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    back = next(s for s in entry.subentries.values() if s.title == "Back")
    devices = dr.async_get(hass)
    assert devices.async_get_device_by_identifier((DOMAIN, back.unique_id), entry.entry_id)
    back_entities = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.config_subentry_id == back.subentry_id
    ]
    assert len(back_entities) == 5

    assert hass.config_entries.async_remove_subentry(entry, back.subentry_id)
    await hass.async_block_till_done()

    assert devices.async_get_device_by_identifier((DOMAIN, back.unique_id), entry.entry_id) is None
    assert all(er.async_get(hass).async_get(e) is None for e in back_entities)
    assert set(entry.runtime_data.recording.recorders) == {s.subentry_id for s in entry.subentries.values()}
    assert [c.name for c in entry.runtime_data.cameras.values()] == ["Front"]
    assert await hass.config_entries.async_unload(entry.entry_id)
