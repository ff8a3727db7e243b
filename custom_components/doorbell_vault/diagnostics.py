"""Diagnostics for the hub, with anything that identifies the household redacted."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .hub import DoorbellVaultConfigEntry

TO_REDACT = {"password", "username", "webhook_id", "secret", "url", "stream_source"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DoorbellVaultConfigEntry
) -> dict[str, Any]:
    """Return what helps to debug the hub."""
    vault = entry.runtime_data
    usage = await hass.async_add_executor_job(shutil.disk_usage, vault.storage)
    return {
        "entry": async_redact_data({"data": dict(entry.data), "options": dict(entry.options)}, TO_REDACT),
        "storage": {"free_bytes": usage.free, "total_bytes": usage.total},
        "store": asdict(await vault.store.async_info()),
    }
