"""The hub: what one Doorbell Vault config entry runs — its desks (recording, requests, custody, shares).

It builds each desk with what that desk needs (store, storage folder, a view of the cameras, the owner's
options) and starts and stops them; the desks never reach back into the hub.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Protocol

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from . import issues
from .const import (
    CONF_AGENCY_ALLOWLIST,
    CONF_AGENCY_BLOCKLIST,
    CONF_EVENT_DAYS,
    CONF_EXIGENT_AS,
    CONF_MAX_DEADLINE_DAYS,
    CONF_MAX_RADIUS_M,
    CONF_MAX_WINDOW_HOURS,
    CONF_MIN_LEGAL_BASIS,
    CONF_REQUIRE_CASE_NUMBER,
    CONF_TSA_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
    hub_options,
)
from .coordinator import FootageCoordinator
from .evidence.custody import Custody
from .evidence.sharing import ShareDesk
from .recording import places
from .recording.camera_config import SUBENTRY_CAMERA, CameraConfig
from .recording.desk import RecordingDesk
from .requests.agencies import SUBENTRY_AGENCY
from .requests.lifecycle import Lifecycle
from .requests.policy import Policy
from .requests.secret import SecretUnreadable, read_secret
from .store import Store, meta

_LOGGER = logging.getLogger(__name__)

STAMP_INTERVAL: Final = timedelta(days=1)
SEAL_INTERVAL: Final = timedelta(hours=1)
# Written into the index as a backup starts and removed when it ends: an index that holds it at start was
# restored from that backup.
BACKUP_MARKER: Final = "backup_taken"
# A backup longer than this lets the index go on (Home Assistant's own backup has no time limit).
BACKUP_HOLD_LIMIT_S: Final = 1800.0


@dataclass(frozen=True, slots=True)
class IndexDamage:
    """A damaged index found at start: where it was set aside, and what SQLite said."""

    set_aside: str
    reason: str


class Intake(Protocol):
    """The webhook that takes requests in (built by the hub, from the factory it is given)."""

    webhook_id: str

    def async_register(self, hass: HomeAssistant) -> None:
        """Listen on the webhook."""

    def async_agencies_changed(self, hass: HomeAssistant) -> None:
        """An agency was added, changed or removed."""


class IntakeFactory(Protocol):
    """Builds the intake of a hub (`closed`: its secret cannot be read, so it refuses everything)."""

    def __call__(
        self, vault: DoorbellVault, webhook_id: str, secret: bytes | None, *, closed: bool = False
    ) -> Intake:
        """The intake."""


def setup_of(entry: ConfigEntry) -> tuple[object, ...]:
    """What a hub is built from: its entry's data, options and every subentry but the agencies."""
    return (
        dict(entry.data),
        dict(entry.options),
        {
            sub.subentry_id: (sub.subentry_type, sub.title, sub.unique_id, dict(sub.data))
            for sub in entry.subentries.values()
            if sub.subentry_type != SUBENTRY_AGENCY
        },
    )


class DoorbellVault:
    """Runtime data of the hub entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        storage: Path,
        store: Store,
        ffmpeg_binary: str,
        ffprobe_binary: str,
        *,
        ffmpeg_ok: bool = True,
        hub_device_id: str = "",
        damage: IndexDamage | None = None,
        state: Path | None = None,
        intake: IntakeFactory | None = None,
    ) -> None:
        """Build the desks (nothing runs until async_start)."""
        self.hass = hass
        self.entry = entry
        # `storage` holds the footage; `state` the index, keys and secret (the same folder before 0.3).
        self.storage = storage
        self.state = state or storage
        self.store = store
        self.hub_device_id = hub_device_id
        # Whether ffmpeg runs (clips, stills): without it a repair says so; the recorders need no ffmpeg.
        self.ffmpeg_ok = ffmpeg_ok
        self.damage = damage
        self.accept_requests = True
        # What the hub was built from: a change to anything else than the agencies reloads it.
        self._built_from = setup_of(entry)
        self._intake_factory = intake
        self.intake: Intake | None = None
        self._unsubs: list[Callable[[], None]] = []
        self._stop_unsub: Callable[[], None] | None = None
        self.cameras: dict[str, CameraConfig] = {
            camera.id: camera
            for camera in (
                CameraConfig.from_subentry(subentry)
                for subentry in entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_CAMERA
            )
        }
        self.coordinator = FootageCoordinator(hass, entry, store, storage, self.cameras.keys)
        self.lifecycle = Lifecycle(hass, store, self.cameras.values, self.request_policy, entry.entry_id)
        self.recording = RecordingDesk(
            hass,
            entry,
            store,
            storage,
            self.cameras,
            (ffmpeg_binary, ffprobe_binary),
            lambda: self.options,
            on_segment=self._segment_indexed,
            note=self.lifecycle.async_note,
        )
        self.custody = Custody(hass, store, self.state, storage, self.lifecycle, lambda: self.options)
        self.shares = ShareDesk(
            hass,
            store,
            storage,
            self.lifecycle,
            self.cameras.values,
            lambda: self.options,
            ffmpeg_binary,
            ffprobe_binary,
            state=self.state,
        )

    @property
    def options(self) -> dict[str, Any]:
        """Hub options with defaults filled in."""
        return hub_options(self.entry.options)

    def request_policy(self) -> Policy:
        """The owner's request checks from the options, the opt-out switch and the home location."""
        options = self.options
        return Policy(
            accept_requests=self.accept_requests,
            require_case_number=bool(options[CONF_REQUIRE_CASE_NUMBER]),
            max_window_hours=float(options[CONF_MAX_WINDOW_HOURS]),
            max_radius_m=float(options[CONF_MAX_RADIUS_M]),
            agency_blocklist=tuple(options[CONF_AGENCY_BLOCKLIST]),
            agency_allowlist=tuple(options[CONF_AGENCY_ALLOWLIST]),
            min_legal_basis=str(options[CONF_MIN_LEGAL_BASIS]),
            exigent_as=str(options[CONF_EXIGENT_AS]),
            footage_days=float(options[CONF_EVENT_DAYS]),
            home=(self.hass.config.latitude, self.hass.config.longitude),
            max_deadline_days=float(options[CONF_MAX_DEADLINE_DAYS]),
        )

    async def async_set_accept_requests(self, accept: bool) -> None:
        """The opt-out of all future requests (kept in the index, so no reload)."""
        await self.store.async_call(meta.put, "accept_requests", "1" if accept else "0")
        self.accept_requests = accept

    async def async_start(self) -> None:
        """Reconcile the index with the disk, start recording and the periodic work."""
        self.accept_requests = await self.store.async_call(meta.get, "accept_requests") != "0"
        await self._async_note_restore()
        await self.recording.async_footage_place()
        await self.lifecycle.async_start()
        await self.shares.async_start()
        # A config entry is not unloaded when Home Assistant stops: end the recorders on its stop event,
        # so each open segment is finished and indexed.
        self._stop_unsub = self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._ha_stopping)
        await self.recording.async_start(self.custody.async_proven, self._async_settled)
        await self.coordinator.async_config_entry_first_refresh()
        await self.recording.async_keep()
        self._unsubs.append(async_track_time_interval(self.hass, self._seal_tick, SEAL_INTERVAL))
        self._unsubs.append(async_track_time_interval(self.hass, self._stamp_tick, STAMP_INTERVAL))
        if self.options[CONF_TSA_URL]:
            self.entry.async_create_background_task(
                self.hass, self.custody.async_stamp_audit_head(), "doorbell_vault audit head timestamp"
            )
        await self._async_open_intake()

    async def _async_open_intake(self) -> None:
        """The webhook, closed (and a repair raised) when its secret file cannot be read."""
        if self._intake_factory is None:
            return
        webhook_id = str(self.entry.data[CONF_WEBHOOK_ID])
        try:
            secret = await self.hass.async_add_executor_job(read_secret, self.state)
        except SecretUnreadable as err:
            _LOGGER.error("The webhook's shared secret cannot be read (%s): the webhook stays closed", err)
            issues.async_raise(self.hass, issues.SECRET_UNREADABLE, issues.ERROR, {"error": str(err)})
            self.intake = self._intake_factory(self, webhook_id, None, closed=True)
        else:
            issues.async_clear(self.hass, issues.SECRET_UNREADABLE)
            self.intake = self._intake_factory(self, webhook_id, secret)
        self.intake.async_register(self.hass)

    def only_agencies_changed(self) -> bool:
        """The entry changed in its agencies alone (they are read on every request: no reload needed)."""
        return self._built_from == setup_of(self.entry)

    @callback
    def agencies_changed(self) -> None:
        """Tell the intake (it opens to outside once an agency holds a key)."""
        if self.intake is not None:
            self.intake.async_agencies_changed(self.hass)

    async def _async_note_restore(self) -> None:
        """An index that still holds a backup's marker came from that backup: the chain says so."""
        marker = await self.store.async_call(meta.get, BACKUP_MARKER)
        if marker is None:
            return
        taken = json.loads(marker)
        config = self.hass.config.config_dir
        if await self.hass.async_add_executor_job(places.backup_was_running, config, taken.get("nonce", "")):
            # This machine stopped while it took that backup: the index is its own, not restored.
            _LOGGER.warning(
                "A backup was interrupted at %s; the index is the one it was taken of", taken.get("at")
            )
            await self.store.async_call(meta.delete, BACKUP_MARKER)
            await self.hass.async_add_executor_job(places.clear_backup_running, config)
            return
        _LOGGER.warning("The Doorbell Vault index was restored from a backup taken at %s", taken.get("at"))
        await self.lifecycle.async_note(None, "restored_from_backup", taken)
        await self.store.async_call(meta.delete, BACKUP_MARKER)

    async def _async_settled(self, recovered: int) -> None:
        """Every camera's folder is reconciled: seal again what was recovered; a rebuilt index says so."""
        if recovered or self.damage is not None:
            await self._async_recovered()

    async def _async_recovered(self) -> None:
        """Seal again what the seal records prove.

        A rebuilt index says what it lost, linked to the last head the records prove; a repair tells
        the owner.
        """
        recovery = await self.custody.async_recover()
        if self.damage is None:
            return
        await self.lifecycle.async_note(
            None,
            "index_rebuilt",
            {
                "set_aside": self.damage.set_aside,
                "reason": self.damage.reason,
                "seals_recovered": recovery.seals,
                "segments_recovered": recovery.segments,
                "last_proven": recovery.last_proven,
            },
        )
        issues.async_raise(
            self.hass,
            issues.INDEX_REBUILT,
            issues.WARNING,
            {
                "set_aside": self.damage.set_aside,
                "reason": self.damage.reason,
                "segments": str(recovery.segments),
            },
            fixable=True,
            persistent=True,
        )

    async def async_backup_begins(self) -> None:
        """Home Assistant is about to back up the configuration folder: a consistent index, kept so."""
        check = await self.lifecycle.async_verify_audit()
        nonce = secrets.token_hex(16)
        taken = {
            "at": dt_util.utcnow().isoformat(),
            "head": check.head,
            "entries": check.entries,
            "nonce": nonce,
        }
        await self.hass.async_add_executor_job(places.note_backup_running, self.hass.config.config_dir, nonce)
        await self.store.async_call(meta.put, BACKUP_MARKER, json.dumps(taken))
        await self.store.async_hold(BACKUP_HOLD_LIMIT_S)

    async def async_backup_ends(self) -> None:
        """The backup is written: the index goes on, and the marker is only in the backup."""
        self.store.release()
        await self.store.async_call(meta.delete, BACKUP_MARKER)
        await self.hass.async_add_executor_job(places.clear_backup_running, self.hass.config.config_dir)

    async def _ha_stopping(self, _event: Event) -> None:
        self._stop_unsub = None
        self.shares.cancel_builds()  # a redaction under way would keep Home Assistant's stop waiting
        self.store.release()  # a backup under way must not hold the last segments back
        await self.recording.async_stop_recorders()
        await self.custody.async_seal()

    async def async_stop(self) -> None:
        """Stop recorders (each finishes and indexes its open segment) and periodic work."""
        self.store.release()  # a backup under way must not hold the last segments back
        if self._stop_unsub is not None:
            self._stop_unsub()
            self._stop_unsub = None
        while self._unsubs:
            self._unsubs.pop()()
        if self.intake is not None:
            webhook.async_unregister(self.hass, self.intake.webhook_id)
            self.intake = None
        self.lifecycle.async_stop()
        self.shares.async_stop()
        await self.recording.async_stop()
        # The last segments (finished as the recorders stopped) are sealed too.
        await self.custody.async_seal()

    async def _seal_tick(self, _now: object) -> None:
        await self.custody.async_seal()
        await self.custody.async_prune_records()

    async def _stamp_tick(self, _now: object) -> None:
        await self.custody.async_stamp_audit_head()

    @callback
    def _segment_indexed(self) -> None:
        self.hass.async_create_task(self.coordinator.async_request_refresh())


type DoorbellVaultConfigEntry = ConfigEntry[DoorbellVault]


def loaded_vault(hass: HomeAssistant) -> DoorbellVault | None:
    """The running hub, if any (services, views, the Media panel and the websocket API use it)."""
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        vault: DoorbellVault = entry.runtime_data
        return vault
    return None
