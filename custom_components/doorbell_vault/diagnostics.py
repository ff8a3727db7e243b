"""Diagnostics for the hub, with anything that identifies the household redacted."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_WEBHOOK_ID
from .hub import DoorbellVaultConfigEntry
from .recording.camera_config import redact
from .requests import agencies
from .requests.secret import secret_is_set
from .store import holds, masks, segments

TO_REDACT = {"password", "username", "webhook_id", "secret", "url", "stream_source", "mac"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DoorbellVaultConfigEntry
) -> dict[str, Any]:
    """Return what helps to debug the hub."""
    vault = entry.runtime_data
    usage = await hass.async_add_executor_job(shutil.disk_usage, vault.storage)
    stored = await vault.store.async_call(masks.of_cameras, list(vault.recording.recorders))
    return {
        "entry": async_redact_data({"data": dict(entry.data), "options": dict(entry.options)}, TO_REDACT),
        "storage": {"free_bytes": usage.free, "total_bytes": usage.total},
        "store": asdict(await vault.store.async_info()),
        "ffmpeg": {"binary": vault.recording.ffmpeg_binary, "works": vault.ffmpeg_ok},
        "cameras": [
            {
                "subentry": async_redact_data(dict(camera_sub.data), TO_REDACT),
                "recording": recorder.recording,
                "online": recorder.online,
                "paused": recorder.paused,
                "restarts": recorder.restarts,
                "pid": recorder.pid,
                "stderr_tail": [redact(line) for line in recorder.stderr_tail],
                "footage": asdict(await vault.store.async_call(segments.stats, camera_id)),
                # How many privacy masks and the standing choice; never where the regions are.
                "masks": masks.counts(stored[camera_id].masks) if camera_id in stored else None,
            }
            for camera_id, recorder in vault.recording.recorders.items()
            if (camera_sub := entry.subentries.get(camera_id)) is not None
        ],
        "holds": [asdict(hold) for hold in await vault.store.async_call(holds.every)],
        "webhook": {
            # Whether the intake exists and is signed; never its id (the address) nor the secret.
            "registered": bool(entry.data.get(CONF_WEBHOOK_ID)),
            "shared_secret_set": await hass.async_add_executor_job(secret_is_set, vault.state),
        },
        # Agencies: their key type and standing policy; never a key, key id or contact.
        "agencies": [agency.summary() for agency in agencies.agencies(entry.subentries.values())],
        "requests": {
            "accept_requests": vault.accept_requests,
            "pending": len(await vault.lifecycle.async_list("pending")),
            "audit": asdict(await vault.lifecycle.async_verify_audit()),
        },
        "sharing": {
            # Recipients check a package's signature against this key.
            "public_key": vault.shares.public_key,
            # Give this to an agency once, in advance: their checks compare against it.
            "fingerprint": vault.shares.fingerprint,
            "live_shares": len(await vault.lifecycle.async_shares(live=True)),
        },
        "last_prune": {
            "by_age": vault.recording.last_prune.by_age,
            "by_space": vault.recording.last_prune.by_space,
            "bytes": vault.recording.last_prune.bytes,
            "over_cap_held": vault.recording.last_prune.over_cap_held,
        }
        if vault.recording.last_prune
        else None,
    }
