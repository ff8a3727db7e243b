"""Hub entry setup, unload, reload, diagnostics and the storage repair."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.issues import STORAGE_UNAVAILABLE
from custom_components.doorbell_vault.store.schema import SCHEMA_VERSION


async def test_setup_opens_store_and_unload_closes_it(
    hass: HomeAssistant, hub_entry: MockConfigEntry, storage: Path
) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.LOADED
    store = hub_entry.runtime_data.store
    info = await store.async_info()
    assert info.schema_version == SCHEMA_VERSION
    assert info.migrated_from == 0

    assert await hass.config_entries.async_unload(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.NOT_LOADED
    assert store._connection is None
    # Closed cleanly: the write-ahead log was checkpointed into the database file.
    with closing(sqlite3.connect(storage / "doorbell_vault.db")) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


async def test_reload(hass: HomeAssistant, hub_entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    first = hub_entry.runtime_data.store
    assert await hass.config_entries.async_reload(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.LOADED
    assert hub_entry.runtime_data.store is not first
    assert (await hub_entry.runtime_data.store.async_info()).migrated_from == SCHEMA_VERSION


async def test_unusable_storage_raises_repair_then_recovers(
    hass: HomeAssistant, hub_entry: MockConfigEntry, storage: Path
) -> None:
    storage.parent.mkdir(parents=True, exist_ok=True)
    storage.write_text("a file where the folder should be")
    assert not await hass.config_entries.async_setup(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.SETUP_RETRY
    issue = ir.async_get(hass).async_get_issue(DOMAIN, STORAGE_UNAVAILABLE)
    assert issue is not None
    # The owner reads why in words (the flow's own text for it), not a key.
    assert issue.translation_placeholders == {
        "path": str(storage),
        "reason": "This path exists but is not a folder.",
    }

    storage.unlink()
    assert await hass.config_entries.async_reload(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, STORAGE_UNAVAILABLE) is None


async def test_database_from_the_future_is_refused(
    hass: HomeAssistant, hub_entry: MockConfigEntry, storage: Path
) -> None:
    storage.mkdir(parents=True)
    with closing(sqlite3.connect(storage / "doorbell_vault.db")) as db, db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert not await hass.config_entries.async_setup(hub_entry.entry_id)
    assert hub_entry.state is ConfigEntryState.SETUP_ERROR
    assert "newer than this version" in (hub_entry.reason or "")


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, hub_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, hub_entry)
    assert diagnostics["entry"]["options"]["continuous_days"] == 7
    assert diagnostics["store"]["schema_version"] == SCHEMA_VERSION
    assert diagnostics["storage"]["free_bytes"] > 0
