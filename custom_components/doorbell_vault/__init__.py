"""Doorbell Vault: doorbell footage kept at home, and every disclosure decided by the household."""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .const import CONF_STORAGE_PATH, DATABASE_FILE, DOMAIN, ISSUE_STORAGE_UNAVAILABLE
from .hub import DoorbellVault, DoorbellVaultConfigEntry
from .store import FolderError, Store, StoreError, prepare_folder

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = []
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration (services are registered here so they exist before any entry)."""
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> bool:
    """Open the storage folder and its index."""
    storage = Path(entry.data[CONF_STORAGE_PATH])
    try:
        await hass.async_add_executor_job(prepare_folder, storage)
    except FolderError as err:
        ir.async_create_issue(
            hass,
            DOMAIN,
            ISSUE_STORAGE_UNAVAILABLE,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_STORAGE_UNAVAILABLE,
            translation_placeholders={"path": str(storage), "reason": err.reason},
        )
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=ISSUE_STORAGE_UNAVAILABLE,
            translation_placeholders={"path": str(storage), "reason": err.reason},
        ) from err
    ir.async_delete_issue(hass, DOMAIN, ISSUE_STORAGE_UNAVAILABLE)

    store = Store(storage / DATABASE_FILE)
    try:
        await store.async_open()
    except StoreError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="database_unusable",
            translation_placeholders={"error": str(err)},
        ) from err

    entry.runtime_data = DoorbellVault(storage=storage, store=store)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> bool:
    """Stop everything the entry started and close the index."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.store.async_close()
    return unloaded
