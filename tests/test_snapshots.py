"""Snapshots of what the owner sees: every platform's entities (registry entry and state) and the
diagnostics, for a hub with one offline camera and one agency.

The snapshots live in `tests/snapshots/test_snapshots.ambr` (Home Assistant's serializer, which leaves out
registry ids, contexts and state times). After a deliberate change to an entity or to diagnostics, update
them and review the diff like code:

    .venv/bin/python -m pytest -q -p no:randomly tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import ANY
from syrupy.assertion import SnapshotAssertion
from syrupy.matchers import path_type
from syrupy.types import PropertyMatcher

from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.requests import agencies

from .conftest import SPRINGFIELD_KEY, SPRINGFIELD_SECRET, Offline, agency_subentry, camera_subentry, make_hub

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

# Config entry and subentry ids are random; the entities' unique ids and the agency's id carry them.
HUB_ID = "01JSNAPSH0THUB0000000000000"
CAMERA_ID = "01JSNAPSH0TCAMERA0000000000"
AGENCY_ID = "01JSNAPSH0TAGENCY0000000000"
# What the machine decides, not the vault: the camera proxy's access token and the disk's free space.
VARIES = {
    "camera.front_door": {"attributes.entity_picture": (str,)},
    "sensor.doorbell_vault_free_space": {"state": (str,)},
}


def vary(paths: dict[str, tuple[type, ...]]) -> PropertyMatcher:
    """Values at these paths differ from run to run: shown as <ANY>, their type still checked."""
    return path_type(paths, replacer=lambda data, _: ANY)


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """A set-up hub with one offline camera and one agency, at a fixed time."""
    freezer.move_to("2026-12-06 09:00:00+00:00")
    storage.mkdir(parents=True)
    await hass.async_add_executor_job(agencies.put_key, storage, SPRINGFIELD_KEY, SPRINGFIELD_SECRET)
    camera = ConfigSubentryDataWithId(**camera_subentry(Offline(), "Front door"), subentry_id=CAMERA_ID)
    agency = agency_subentry("Springfield PD", "generated", SPRINGFIELD_KEY)
    entry = make_hub(
        hass, storage, [camera, ConfigSubentryDataWithId(**agency, subentry_id=AGENCY_ID)], entry_id=HUB_ID
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry  # type: ignore[misc]
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    "platform",
    [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.SWITCH, Platform.CAMERA, Platform.EVENT],
)
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    hub: MockConfigEntry,
    platform: Platform,
) -> None:
    """Each platform's registry entries and states (Home Assistant core's `snapshot_platform`, per domain)."""
    entries = [
        entity
        for entity in er.async_entries_for_config_entry(entity_registry, hub.entry_id)
        if entity.domain == platform
    ]
    assert entries
    for entity in sorted(entries, key=lambda e: e.entity_id):
        assert entity == snapshot(name=f"{entity.entity_id}-entry")
        assert entity.disabled_by is None
        state = hass.states.get(entity.entity_id)
        assert state, f"no state for {entity.entity_id}"
        varies = VARIES.get(entity.entity_id)
        assert state == snapshot(name=f"{entity.entity_id}-state", matcher=varies and vary(varies))


async def test_diagnostics(hass: HomeAssistant, snapshot: SnapshotAssertion, hub: MockConfigEntry) -> None:
    """Diagnostics: redacted entry and cameras, agencies without keys; only the key and machine facts vary."""
    diagnostics = await async_get_config_entry_diagnostics(hass, hub)
    assert diagnostics == snapshot(
        matcher=vary(
            {
                "entry.data.storage_path": (str,),
                # The recorder is a real process trying an address nobody answers: its pid, restarts and
                # last lines depend on how far it got.
                "cameras.0.pid": (int, type(None)),
                "cameras.0.restarts": (int,),
                "cameras.0.stderr_tail": (list,),
                # The signing key is made when the vault first starts.
                "sharing.public_key": (str,),
                "sharing.fingerprint.hex": (str,),
                "sharing.fingerprint.words": (str,),
                "storage.free_bytes": (int,),
                "storage.total_bytes": (int,),
                "store.database_bytes": (int,),  # SQLite's page layout, not the vault's
            }
        )
    )
