"""Doorbell Vault: doorbell footage kept at home, and every disclosure decided by the household."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from homeassistant.components import webhook
from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from . import blueprints, issues
from .card import async_setup_card
from .const import (
    CONF_FOOTAGE_PATH,
    CONF_STORAGE_PATH,
    CONF_WEBHOOK_ID,
    DATABASE_FILE,
    DOMAIN,
    NAME,
    footage_folder,
    state_folder,
)
from .evidence.sharing import ShareDesk
from .evidence.views import ShareView
from .hub import DoorbellVault, DoorbellVaultConfigEntry, IndexDamage, loaded_vault
from .intake import RequestWebhook
from .media_source import SegmentView, SharedClipView
from .panel import async_register_panel, async_setup_panel_strings
from .phone import async_listen_notification_actions
from .recording import places
from .recording.probe import ffprobe_binary
from .requests import agencies
from .review import ExportView
from .services import async_setup_services
from .store import FolderError, IndexDamaged, Store, StoreError, prepare_folder, set_aside
from .texts import async_text
from .websocket import async_setup_websocket
from .websocket_masks import PreviewView, async_setup_masks_websocket

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration (services and views exist before any entry)."""
    hass.http.register_view(SegmentView())
    hass.http.register_view(SharedClipView())
    hass.http.register_view(ShareView(_share_desk))
    hass.http.register_view(ExportView())
    hass.http.register_view(PreviewView())
    try:
        await hass.async_add_executor_job(blueprints.install, Path(hass.config.config_dir))
    except OSError as err:
        _LOGGER.warning("Could not install the Doorbell Vault blueprints: %s", err)
    async_setup_services(hass)
    async_setup_websocket(hass)
    async_setup_masks_websocket(hass)
    async_setup_panel_strings(hass)
    async_setup_card(hass)
    await async_register_panel(hass)
    return True


def _share_desk(hass: HomeAssistant) -> ShareDesk | None:
    vault = loaded_vault(hass)
    return vault.shares if vault else None


async def _ffmpeg_works(binary: str) -> bool:
    try:
        process = await asyncio.create_subprocess_exec(
            binary,
            "-version",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return False
    try:
        return await asyncio.wait_for(process.wait(), 10) == 0
    except TimeoutError:
        process.kill()
        await process.wait()
        return False


async def _async_ffmpeg(hass: HomeAssistant) -> tuple[str, bool]:
    """Home Assistant's ffmpeg, and whether it runs (a repair says so when it does not)."""
    binary = get_ffmpeg_manager(hass).binary
    if works := await _ffmpeg_works(binary):
        issues.async_clear(hass, issues.FFMPEG_MISSING)
    else:
        issues.async_raise(hass, issues.FFMPEG_MISSING, issues.ERROR, {"binary": binary})
    return binary, works


async def _async_open_index(hass: HomeAssistant, path: Path) -> tuple[Store, IndexDamage | None]:
    """Open the index; a damaged one is set aside (kept) and a new one started, rebuilt from the footage."""
    damage = None
    store = Store(path)
    try:
        try:
            await store.async_open()
        except IndexDamaged as err:
            _LOGGER.error(
                "The Doorbell Vault index %s is damaged (%s): set aside, rebuilt from the footage", path, err
            )
            moved = await hass.async_add_executor_job(set_aside, path)
            damage = IndexDamage(moved.name, str(err))
            store = Store(path)
            await store.async_open()
    except StoreError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="database_unusable",
            translation_placeholders={"error": str(err)},
        ) from err
    return store, damage


async def async_migrate_entry(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> bool:
    """1.1 → 1.2: two folders; 1.2 → 1.3: the webhook's id.

    The footage stays where it is; the state moves into the configuration folder when it was outside it
    (no backup held it).
    """
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        data = {**entry.data, CONF_FOOTAGE_PATH: entry.data[CONF_STORAGE_PATH]}
        state = state_folder(entry.data)
        if not await hass.async_add_executor_job(places.in_backups, hass.config.config_dir, state):
            target = places.state_default(hass)
            try:
                if await hass.async_add_executor_job(places.move_state, state, target):
                    data[CONF_STORAGE_PATH] = str(target)
                    _LOGGER.warning("Doorbell Vault's index and keys moved from %s to %s", state, target)
            except OSError as err:
                _LOGGER.error("Doorbell Vault's index and keys stay in %s: %s", state, err)
        hass.config_entries.async_update_entry(entry, data=data, minor_version=2)
    if entry.minor_version < 3:
        # 1.3: the webhook's id is made with the entry (by the flow, or here), never while it sets up.
        data = {CONF_WEBHOOK_ID: webhook.async_generate_id(), **entry.data}
        hass.config_entries.async_update_entry(entry, data=data, minor_version=3)
    return True


async def _async_prepare(hass: HomeAssistant, folder: Path) -> None:
    """A folder the vault can use, or a repair saying why not and a retry later."""
    try:
        await hass.async_add_executor_job(prepare_folder, folder)
    except FolderError as err:
        # The owner reads why in words, not the reason's key.
        placeholders = {"path": str(folder), "reason": await async_text(hass, f"folder_{err.reason}")}
        issues.async_raise(hass, issues.STORAGE_UNAVAILABLE, issues.ERROR, placeholders)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=issues.STORAGE_UNAVAILABLE,
            translation_placeholders=placeholders,
        ) from err


async def async_setup_entry(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> bool:
    """Open the vault's folders and its index."""
    state, footage = state_folder(entry.data), footage_folder(entry.data)
    for folder in dict.fromkeys((state, footage)):
        await _async_prepare(hass, folder)
    issues.async_clear(hass, issues.STORAGE_UNAVAILABLE)

    store, damage = await _async_open_index(hass, state / DATABASE_FILE)

    binary, ffmpeg_ok = await _async_ffmpeg(hass)
    hub_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=NAME,
        manufacturer=NAME,
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    vault = DoorbellVault(
        hass,
        entry,
        footage,
        store,
        binary,
        await hass.async_add_executor_job(ffprobe_binary, binary),
        ffmpeg_ok=ffmpeg_ok,
        hub_device_id=hub_device.id,
        damage=damage,
        state=state,
        intake=RequestWebhook,
    )
    entry.runtime_data = vault
    try:
        await vault.async_start()
        await _async_sync_agencies(hass, entry)
        entry.async_on_unload(async_listen_notification_actions(hass, vault))
        entry.async_on_unload(entry.add_update_listener(_async_update_listener))
        await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    except BaseException:
        # Nothing may outlive a failed setup: no recorder, no timer, no store thread.
        await vault.async_stop()
        await store.async_close()
        raise
    return True


async def _async_sync_agencies(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> None:
    """A device per agency (blueprints select agencies by device); keys of deleted agencies forgotten."""
    devices = dr.async_get(hass)
    found = agencies.agencies(entry.subentries.values())
    for agency in found:
        devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=agency.id,
            identifiers={agencies.device_identifier(agency.id)},
            name=agency.name,
            manufacturer=NAME,
            model=agencies.MODEL,
            entry_type=dr.DeviceEntryType.SERVICE,
        )
    try:
        await hass.async_add_executor_job(
            agencies.keep_keys, state_folder(entry.data), {a.key_id for a in found if a.key_id}
        )
    except OSError as err:
        _LOGGER.warning("Could not forget the keys of removed agencies: %s", err)


async def _async_update_listener(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> None:
    """Options or cameras changed: reload, so every recorder runs with what the owner chose.

    Agencies are read on every request: a change to them alone needs no reload.
    """
    vault = entry.runtime_data
    if vault.only_agencies_changed():
        await _async_sync_agencies(hass, entry)
        vault.agencies_changed()
        return
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: DoorbellVaultConfigEntry) -> bool:
    """Stop everything the entry started and close the index."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_stop()
        await entry.runtime_data.store.async_close()
    return unloaded
