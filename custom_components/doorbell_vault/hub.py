"""The hub: what one Doorbell Vault config entry runs — cameras, recorders, retention, requests, shares.

It builds each desk with what that desk needs (store, storage folder, a view of the cameras, the owner's
options) and starts and stops them; the desks never reach back into the hub.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.util import dt as dt_util

from . import issues
from .clock import now_us
from .const import (
    CONF_AGENCY_ALLOWLIST,
    CONF_AGENCY_BLOCKLIST,
    CONF_CONTINUOUS_DAYS,
    CONF_EVENT_DAYS,
    CONF_EXIGENT_AS,
    CONF_FOOTAGE_PATH,
    CONF_MAX_DEADLINE_DAYS,
    CONF_MAX_RADIUS_M,
    CONF_MAX_SIZE_GB,
    CONF_MAX_WINDOW_HOURS,
    CONF_MIN_FREE_GB,
    CONF_MIN_LEGAL_BASIS,
    CONF_OFFLINE_MINUTES,
    CONF_REQUIRE_CASE_NUMBER,
    CONF_TSA_URL,
    DOMAIN,
    hub_options,
)
from .coordinator import FootageCoordinator
from .evidence.custody import Custody
from .evidence.sharing import ShareDesk
from .recording import footage_move, places
from .recording.camera_config import REAUTH_CAMERA, SUBENTRY_CAMERA, CameraConfig, redact
from .recording.reconcile import reconcile
from .recording.recorder import Recorder, end_stale_recorders
from .recording.retention import Policy, PruneReport, prune
from .requests.lifecycle import Lifecycle
from .requests.policy import Policy as RequestPolicy
from .signals import SIGNAL_RING
from .store import Store, meta, segments
from .store.segments import Segment
from .texts import Texts, async_text, async_texts

_LOGGER = logging.getLogger(__name__)

RETENTION_INTERVAL: Final = timedelta(minutes=5)
OFFLINE_CHECK_INTERVAL: Final = timedelta(seconds=15)
STAMP_INTERVAL: Final = timedelta(days=1)
SEAL_INTERVAL: Final = timedelta(hours=1)
URL_LOOKUP_TIMEOUT: Final = 15
KIND_RING: Final = "ring"
KIND_MOTION: Final = "motion"


# Written into the index as a backup starts and removed when it ends: an index that holds it at start was
# restored from that backup.
BACKUP_MARKER: Final = "backup_taken"
# A backup longer than this lets the index go on (Home Assistant's own backup has no time limit).
BACKUP_HOLD_LIMIT_S: Final = 1800.0
# A move of the footage to another folder under way: {"from", "to"}; resumed at start until it is done.
FOOTAGE_MOVE: Final = "footage_move"
# Room a camera needs to record again after the disk ran full, when its segment sizes are not known yet.
ROOM_PER_CAMERA: Final = 8_000_000


def paused_key(camera_id: str) -> str:
    """The index's meta key that keeps a camera's pause."""
    return f"paused_{camera_id}"


@dataclass(frozen=True, slots=True)
class IndexDamage:
    """A damaged index found at start: where it was set aside, and what SQLite said."""

    set_aside: str
    reason: str


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
    ) -> None:
        """Build the desks (nothing runs until async_start)."""
        self.hass = hass
        self.entry = entry
        # `storage` holds the footage; `state` the index, keys and secret (the same folder before 0.3).
        self.storage = storage
        self.state = state or storage
        self.store = store
        self.ffmpeg_binary = ffmpeg_binary
        self.ffprobe_binary = ffprobe_binary
        self.ffmpeg_ok = ffmpeg_ok
        self.hub_device_id = hub_device_id
        self.damage = damage
        self.accept_requests = True
        # What the hub was built from (a change to anything else than agencies reloads it), and who to
        # tell when only the agencies changed.
        self.built_from: tuple[object, ...] | None = None
        self.agencies_changed: Callable[[], None] | None = None
        self.last_prune: PruneReport | None = None
        self.texts = Texts({}, {})
        self._unsubs: list[Callable[[], None]] = []
        self._stop_unsub: Callable[[], None] | None = None
        self._prune_lock = asyncio.Lock()
        self.cameras: dict[str, CameraConfig] = {
            camera.id: camera
            for camera in (
                CameraConfig.from_subentry(subentry)
                for subentry in entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_CAMERA
            )
        }
        self.recorders: dict[str, Recorder] = {
            camera.id: Recorder(
                camera,
                storage,
                store,
                ffmpeg_binary,
                ffprobe_binary,
                resolve_url=self._url_resolver(camera),
                on_segment=self._segment_indexed,
                on_credentials_refused=self._credentials_refused(camera),
                on_certificate_changed=self._certificate_changed(camera),
                on_disk_full=self.async_make_room,
            )
            for camera in self.cameras.values()
        }
        self.coordinator = FootageCoordinator(hass, entry, store, storage, self.cameras.keys)
        self.lifecycle = Lifecycle(hass, store, self.cameras.values, self.request_policy, entry.entry_id)
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

    def policy(self) -> Policy:
        """The retention policy from the options and the cameras' modes."""
        options = self.options
        return Policy(
            continuous_days=float(options[CONF_CONTINUOUS_DAYS]),
            event_days=float(options[CONF_EVENT_DAYS]),
            max_size_gb=float(options[CONF_MAX_SIZE_GB]),
            min_free_gb=float(options[CONF_MIN_FREE_GB]),
            events_only=frozenset(c.id for c in self.cameras.values() if c.mode == "events"),
        )

    def request_policy(self) -> RequestPolicy:
        """The owner's request checks from the options, the opt-out switch and the home location."""
        options = self.options
        return RequestPolicy(
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
        self.texts = await async_texts(self.hass)
        await self._async_note_restore()
        await self._async_footage_place()
        await self.lifecycle.async_start()
        await self.shares.async_start()
        # A config entry is not unloaded when Home Assistant stops: end the recorders on its stop event,
        # so each open segment is finished and indexed.
        self._stop_unsub = self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._ha_stopping)
        # The certificate repair of a camera that is no longer configured has nothing left to fix.
        for issue in issues.async_issues(self.hass):
            pinned_camera = issues.thing_of(issues.CERTIFICATE_CHANGED, issue)
            if pinned_camera is not None and pinned_camera not in self.cameras:
                issues.async_clear(self.hass, issue)
        recovered = 0
        for camera in self.cameras.values():
            recorder = self.recorders[camera.id]
            # Before reconciliation: a recorder left by a killed Home Assistant may still be writing.
            ended = await self.hass.async_add_executor_job(end_stale_recorders, self.storage, camera.id)
            if ended:
                _LOGGER.warning("%s: ended %d recorder(s) left by an earlier run", camera.name, len(ended))
            found = await reconcile(recorder, self.custody.async_proven)
            recovered += found.recovered
            if found.indexed:
                persistent_notification.async_create(
                    self.hass,
                    await async_text(self.hass, "notify_foreign", camera=camera.name, files=found.indexed),
                    title=await async_text(self.hass, "notify_foreign_title"),
                    notification_id=f"{DOMAIN}_foreign_{camera.id}",
                )
            recorder.paused = await self.store.async_call(meta.get, paused_key(camera.id)) == "1"
            if self.ffmpeg_ok:
                recorder.start()
            self._track_triggers(camera)
        if recovered or self.damage is not None:
            await self._async_recovered()
        await self.coordinator.async_config_entry_first_refresh()
        await self.async_prune()
        self._unsubs.append(async_track_time_interval(self.hass, self._prune_tick, RETENTION_INTERVAL))
        self._unsubs.append(async_track_time_interval(self.hass, self._seal_tick, SEAL_INTERVAL))
        self._unsubs.append(async_track_time_interval(self.hass, self._stamp_tick, STAMP_INTERVAL))
        if self.options[CONF_TSA_URL]:
            self.entry.async_create_background_task(
                self.hass, self.custody.async_stamp_audit_head(), "doorbell_vault audit head timestamp"
            )
        self._unsubs.append(async_track_time_interval(self.hass, self._offline_tick, OFFLINE_CHECK_INTERVAL))

    async def _async_note_restore(self) -> None:
        """An index that still holds a backup's marker came from that backup: the chain says so."""
        marker = await self.store.async_call(meta.get, BACKUP_MARKER)
        if marker is None:
            return
        taken = json.loads(marker)
        _LOGGER.warning("The Doorbell Vault index was restored from a backup taken at %s", taken.get("at"))
        await self.lifecycle.async_note(None, "restored_from_backup", taken)
        await self.store.async_call(meta.delete, BACKUP_MARKER)

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

    # Where the footage lives --------------------------------------------------------------------------

    async def _async_footage_place(self) -> None:
        """Finish or resume a move; tell the owner when every backup carries the footage."""
        if (moving := await self.store.async_call(meta.get, FOOTAGE_MOVE)) is not None:
            move = json.loads(moving)
            if Path(move["to"]) == self.storage:
                removed = await self.hass.async_add_executor_job(
                    footage_move.remove_moved, Path(move["from"]), self.storage
                )
                await self.lifecycle.async_note(None, "footage_moved", {**move, "removed": removed})
                await self.store.async_call(meta.delete, FOOTAGE_MOVE)
            elif Path(move["from"]) == self.storage:
                self.entry.async_create_background_task(
                    self.hass, self.async_move_footage(Path(move["to"])), "doorbell_vault footage move"
                )
        config = self.hass.config.config_dir
        if not await self.hass.async_add_executor_job(places.in_backups, config, self.storage):
            issues.async_clear(self.hass, issues.FOOTAGE_IN_BACKUPS)
            return
        size = await self.store.async_call(segments.total_bytes)
        issues.async_raise(
            self.hass,
            issues.FOOTAGE_IN_BACKUPS,
            issues.WARNING,
            {"path": str(self.storage), "size": f"{size / 1e9:.1f} GB"},
            fixable=True,
        )

    async def async_move_footage(self, target: Path) -> None:
        """Copy every footage file to `target`, verify it, and switch the hub to it (it reloads).

        Recording goes on during the first pass; the recorders stop for the last one (what they finished
        meanwhile). Retention waits throughout, so nothing copied is pruned behind the copy's back. The old
        copies are removed when the hub starts from `target`; an interrupted move resumes at start.
        """
        move = {"from": str(self.storage), "to": str(target)}
        await self.store.async_call(meta.put, FOOTAGE_MOVE, json.dumps(move))
        expected = await self.store.async_call(segments.hashes)
        async with self._prune_lock:
            try:
                await self.hass.async_add_executor_job(
                    footage_move.copy_verified, self.storage, target, expected
                )
                await asyncio.gather(*(r.stop() for r in self.recorders.values()))
                expected = await self.store.async_call(segments.hashes)
                await self.hass.async_add_executor_job(
                    footage_move.copy_verified, self.storage, target, expected
                )
            except (OSError, footage_move.MoveError) as err:
                _LOGGER.error("Footage could not be moved to %s: %s", target, err)
                await self.store.async_call(meta.delete, FOOTAGE_MOVE)
                for recorder in self.recorders.values():
                    recorder.start()
                persistent_notification.async_create(
                    self.hass,
                    await async_text(self.hass, "notify_move_failed", target=str(target), error=str(err)),
                    title=await async_text(self.hass, "notify_move_failed_title"),
                    notification_id=f"{DOMAIN}_footage_move",
                )
                return
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, CONF_FOOTAGE_PATH: str(target)}
        )
        if not self.entry.update_listeners:
            # A move resumed at start can finish before the entry listens for its own changes.
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)

    async def async_backup_begins(self) -> None:
        """Home Assistant is about to back up the configuration folder: a consistent index, kept so."""
        check = await self.lifecycle.async_verify_audit()
        taken = {"at": dt_util.utcnow().isoformat(), "head": check.head, "entries": check.entries}
        await self.store.async_call(meta.put, BACKUP_MARKER, json.dumps(taken))
        await self.store.async_hold(BACKUP_HOLD_LIMIT_S)

    async def async_backup_ends(self) -> None:
        """The backup is written: the index goes on, and the marker is only in the backup."""
        self.store.release()
        await self.store.async_call(meta.delete, BACKUP_MARKER)

    async def _ha_stopping(self, _event: Event) -> None:
        self._stop_unsub = None
        await asyncio.gather(*(r.stop() for r in self.recorders.values()))
        await self.custody.async_seal()

    def room_to_record(self) -> int:
        """Free bytes that let every camera record a few segments again."""
        need = sum(
            3 * r.last_segment.bytes if r.last_segment else ROOM_PER_CAMERA for r in self.recorders.values()
        )
        return max(need, int(float(self.options[CONF_MIN_FREE_GB]) * 1_000_000_000))

    async def async_set_paused(self, camera_id: str, paused: bool) -> None:
        """Pause or resume a camera; the pause is kept in the index and applied before the next start."""
        await self.store.async_call(meta.put, paused_key(camera_id), "1" if paused else "0")
        await self.recorders[camera_id].set_paused(paused)

    async def async_make_room(self) -> bool:
        """The disk is full: prune unheld footage; True once there is room, else a repair says so."""
        async with self._prune_lock:
            report = await self.store.async_job(
                prune, self.store, self.storage, self.policy(), now_us(), None, self.room_to_record()
            )
        self.last_prune = report
        if not report.over_cap_held:
            issues.async_clear(self.hass, issues.STORAGE_FULL)
            return True
        issues.async_raise(self.hass, issues.STORAGE_FULL, issues.ERROR, {"path": str(self.storage)})
        return False

    async def async_stop(self) -> None:
        """Stop recorders (each finishes and indexes its open segment) and periodic work."""
        if self._stop_unsub is not None:
            self._stop_unsub()
            self._stop_unsub = None
        while self._unsubs:
            self._unsubs.pop()()
        self.lifecycle.async_stop()
        self.shares.async_stop()
        await asyncio.gather(*(r.stop() for r in self.recorders.values()))
        # The last segments (finished as the recorders stopped) are sealed too.
        await self.custody.async_seal()

    async def _seal_tick(self, _now: object) -> None:
        await self.custody.async_seal()
        await self.custody.async_prune_records()

    async def _stamp_tick(self, _now: object) -> None:
        await self.custody.async_stamp_audit_head()

    # Recording -----------------------------------------------------------------------------------

    def _url_resolver(self, camera: CameraConfig) -> Callable[[], asyncio.Future[str | None]] | None:
        if not camera.entity_id:
            return None
        entity_id = camera.entity_id

        async def resolve() -> str | None:
            from homeassistant.components.camera import async_get_stream_source

            try:
                async with asyncio.timeout(URL_LOOKUP_TIMEOUT):
                    return await async_get_stream_source(self.hass, entity_id)
            except Exception:
                _LOGGER.debug("No stream source from %s", entity_id, exc_info=True)
                return None

        return resolve  # type: ignore[return-value]

    def _credentials_refused(self, camera: CameraConfig) -> Callable[[], None] | None:
        """Ask the owner for new credentials (a camera entity's belong to its own integration)."""
        if camera.url is None:
            return None

        @callback
        def refused() -> None:
            # One reauth flow per hub at a time: a second camera asks again at its next retry.
            self.entry.async_start_reauth(
                self.hass,
                context={"title_placeholders": {"name": camera.name}},
                data={REAUTH_CAMERA: camera.id},
            )

        return refused

    def _certificate_changed(self, camera: CameraConfig) -> Callable[[str, str], None]:
        """Show old → new fingerprint; the repair's flow lets the owner accept the new certificate."""

        @callback
        def changed(pinned: str, presented: str) -> None:
            issue = issues.issue_about(issues.CERTIFICATE_CHANGED, camera.id)
            known = issues.async_data(self.hass, issue)
            if known is None or known.get("presented") != presented:
                _LOGGER.warning(
                    "%s presents another TLS certificate (%s, pinned %s): not recording until it is accepted",
                    camera.name,
                    presented,
                    pinned,
                )
            issues.async_raise(
                self.hass,
                issue,
                issues.ERROR,
                {"camera": camera.name, "old": pinned, "new": presented},
                kind=issues.CERTIFICATE_CHANGED,
                fixable=True,
                data={"camera": camera.id, "pinned": pinned, "presented": presented},
            )

        return changed

    @callback
    def _segment_indexed(self, segment: Segment) -> None:
        # Recording goes on: the disk is not (or no longer) full, the camera shows its pinned certificate.
        issues.async_clear(self.hass, issues.STORAGE_FULL)
        issues.async_clear(self.hass, issues.issue_about(issues.CERTIFICATE_CHANGED, segment.camera))
        self.hass.async_create_task(self.coordinator.async_request_refresh())

    async def async_prune(self) -> PruneReport:
        """One retention pass."""
        async with self._prune_lock:
            report = await self.store.async_job(prune, self.store, self.storage, self.policy(), now_us())
        self.last_prune = report
        return report

    async def _prune_tick(self, _now: object) -> None:
        await self.async_prune()

    @callback
    def _offline_tick(self, _now: object = None) -> None:
        self.check_offline()

    @callback
    def check_offline(self) -> None:
        """Raise or clear the repair issue of each camera down longer than the option allows."""
        limit = float(self.options[CONF_OFFLINE_MINUTES]) * 60
        for camera_id, recorder in self.recorders.items():
            down = recorder.down_since
            issue = issues.issue_about(issues.CAMERA_OFFLINE, camera_id)
            if (
                self.ffmpeg_ok
                and not recorder.paused
                and down is not None
                and time.monotonic() - down >= limit
            ):
                issues.async_raise(
                    self.hass,
                    issue,
                    issues.WARNING,
                    {
                        "camera": recorder.camera.name,
                        "minutes": f"{(time.monotonic() - down) / 60:.0f}",
                        "error": redact(self._offline_reason(recorder)),
                    },
                    kind=issues.CAMERA_OFFLINE,
                )
            else:
                issues.async_clear(self.hass, issue)

    def _offline_reason(self, recorder: Recorder) -> str:
        if recorder.problem is not None:
            return self.texts(f"offline_{recorder.problem}")
        if recorder.stderr_tail:
            return recorder.stderr_tail[-1]  # ffmpeg's own words, as it wrote them
        return self.texts("offline_unknown")

    # Triggers (doorbell rings and motion from linked entities) ---------------------------------

    def _track_triggers(self, camera: CameraConfig) -> None:
        sources = dict.fromkeys(camera.ring_entities, KIND_RING) | dict.fromkeys(
            camera.motion_entities, KIND_MOTION
        )
        if not sources:
            return
        # The last real state of each source, kept across unavailable and removal: an entity that comes
        # back (a reload, a restart, a dropped connection) with the state it had is no new ring.
        last: dict[str, str] = {}
        for entity_id in sources:
            if (state := self.hass.states.get(entity_id)) is not None and state.state != STATE_UNAVAILABLE:
                last[entity_id] = state.state

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is None or new.state == STATE_UNAVAILABLE:
                return
            entity_id = event.data["entity_id"]
            before = last.get(entity_id)
            last[entity_id] = new.state
            if new.state in (STATE_UNKNOWN, before):
                return
            if entity_id.startswith("event."):
                # An event entity's state is the time of its last event: every new value is one, unless
                # it was unavailable since it was first seen (then its old time may come back restored).
                if before is None:
                    return
            elif new.state != STATE_ON:
                return
            self.hass.async_create_task(self.async_trigger(camera, sources[entity_id], entity_id))

        self._unsubs.append(async_track_state_change_event(self.hass, list(sources), changed))

    async def async_trigger(self, camera: CameraConfig, kind: str, source: str | None) -> None:
        """Record an event with the camera's pre- and post-roll; a ring also fires the event entity."""
        event = await self.store.async_call(
            segments.add_event,
            camera.id,
            kind,
            source,
            now_us(),
            camera.pre_roll * 1_000_000,
            camera.post_roll * 1_000_000,
        )
        _LOGGER.debug("%s: %s from %s at %s", camera.name, kind, source, dt_util.utcnow())
        if kind == KIND_RING:
            async_dispatcher_send(self.hass, SIGNAL_RING.format(camera.id), event)


type DoorbellVaultConfigEntry = ConfigEntry[DoorbellVault]


def loaded_vault(hass: HomeAssistant) -> DoorbellVault | None:
    """The running hub, if any (services, views, the Media panel and the websocket API use it)."""
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        vault: DoorbellVault = entry.runtime_data
        return vault
    return None
