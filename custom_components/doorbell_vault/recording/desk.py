"""The recording desk: a recorder per camera, and what keeps its footage.

The rings and motion that mark events, pauses, retention, making room when the disk is full, the
camera's repairs (offline, new certificate, refused credentials) and moving the footage to another folder.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .. import issues
from ..clock import now_us
from ..const import (
    CONF_CONTINUOUS_DAYS,
    CONF_EVENT_DAYS,
    CONF_FOOTAGE_MOVE_TO,
    CONF_FOOTAGE_PATH,
    CONF_MAX_SIZE_GB,
    CONF_MIN_FREE_GB,
    CONF_OFFLINE_MINUTES,
    DOMAIN,
)
from ..store import Store, meta, segments
from ..store.segments import Segment
from ..texts import Texts, async_text, async_texts
from . import footage_move, places, triggers
from .camera_config import REAUTH_CAMERA, CameraConfig, redact
from .reconcile import Leftovers, settle, survey
from .recorder import Recorder
from .recorder_process import end_stale_recorders
from .retention import PruneReport, Retention, prune
from .seal_records import Leaf

_LOGGER = logging.getLogger(__name__)

RETENTION_INTERVAL: Final = timedelta(minutes=5)
OFFLINE_CHECK_INTERVAL: Final = timedelta(seconds=15)
URL_LOOKUP_TIMEOUT: Final = 15
# A move of the footage to another folder under way: {"from", "to"}; resumed at start until it is done.
FOOTAGE_MOVE: Final = "footage_move"
# Room a camera needs to record again after the disk ran full, when its segment sizes are not known yet.
ROOM_PER_CAMERA: Final = 8_000_000

type Note = Callable[[str | None, str, dict[str, Any]], Awaitable[None]]
# More files than this to hash (an index rebuilt from a large footage folder) are settled while recording.
QUICK_SETTLE_FILES: Final = 120
type Proven = Callable[[], Awaitable[Mapping[str, Leaf]]]


def paused_key(camera_id: str) -> str:
    """The index's meta key that keeps a camera's pause."""
    return f"paused_{camera_id}"


class RecordingDesk:
    """The cameras' recorders and what keeps their footage: triggers, pauses, retention, room, moves."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        store: Store,
        footage: Path,
        cameras: dict[str, CameraConfig],
        binaries: tuple[str, str],
        options: Callable[[], Mapping[str, Any]],
        *,
        on_segment: Callable[[], None],
        note: Note,
    ) -> None:
        """`binaries`: ffmpeg's (stills) and ffprobe's (salvage); `note` writes an audit entry."""
        self.hass = hass
        self.entry = entry
        self.store = store
        self.footage = footage
        self.cameras = cameras
        self.ffmpeg_binary, self.ffprobe_binary = binaries
        self._options = options
        self._on_segment = on_segment
        self._note = note
        self.last_prune: PruneReport | None = None
        self.texts = Texts({}, {})
        self._unsubs: list[Callable[[], None]] = []
        self._prune_lock = asyncio.Lock()
        self.recorders: dict[str, Recorder] = {
            camera.id: Recorder(
                camera,
                footage,
                store,
                self.ffprobe_binary,
                resolve_url=self._url_resolver(camera),
                on_segment=self._segment_indexed,
                on_credentials_refused=self._credentials_refused(camera),
                on_certificate_changed=self._certificate_changed(camera),
                on_disk_full=self.async_make_room,
            )
            for camera in cameras.values()
        }

    def retention(self) -> Retention:
        """The owner's retention settings from the options and the cameras' modes."""
        options = self._options()
        return Retention(
            continuous_days=float(options[CONF_CONTINUOUS_DAYS]),
            event_days=float(options[CONF_EVENT_DAYS]),
            max_size_gb=float(options[CONF_MAX_SIZE_GB]),
            min_free_gb=float(options[CONF_MIN_FREE_GB]),
            events_only=frozenset(c.id for c in self.cameras.values() if c.mode == "events"),
        )

    async def async_start(self, proven: Proven, settled: Callable[[int], Awaitable[None]]) -> None:
        """Reconcile each camera's folder, start the recorders and the triggers.

        `settled` is told how many files a killed recorder left that were recovered, once every folder is
        reconciled: before the recorders start, or, where many files must be hashed (an index rebuilt
        from a large footage folder), while they already record.
        """
        self.texts = await async_texts(self.hass)
        # The certificate repair of a camera that is no longer configured has nothing left to fix.
        for issue in issues.async_issues(self.hass):
            pinned_camera = issues.thing_of(issues.CERTIFICATE_CHANGED, issue)
            if pinned_camera is not None and pinned_camera not in self.cameras:
                issues.async_clear(self.hass, issue)
        surveyed: dict[str, Leftovers] = {}
        for camera in self.cameras.values():
            # Before the survey: a recorder left by a killed Home Assistant may still be writing.
            ended = await self.hass.async_add_executor_job(end_stale_recorders, self.footage, camera.id)
            if ended:
                _LOGGER.warning("%s: ended %d recorder(s) left by an earlier run", camera.name, len(ended))
            surveyed[camera.id] = await survey(self.recorders[camera.id])
            self.recorders[camera.id].paused = (
                await self.store.async_call(meta.get, paused_key(camera.id)) == "1"
            )
        settling = self._async_settle(surveyed, proven, settled)
        if sum(len(found.unindexed) for found in surveyed.values()) <= QUICK_SETTLE_FILES:
            await settling
            self._start_recorders()
        else:
            self._start_recorders()
            self.entry.async_create_background_task(self.hass, settling, "doorbell_vault reconcile")

    def _start_recorders(self) -> None:
        for camera in self.cameras.values():
            self.recorders[camera.id].start()
            if (unsub := triggers.async_track(self.hass, self.store, camera)) is not None:
                self._unsubs.append(unsub)

    async def _async_settle(
        self, surveyed: dict[str, Leftovers], proven: Proven, settled: Callable[[int], Awaitable[None]]
    ) -> None:
        recovered = 0
        for camera_id, leftovers in surveyed.items():
            camera, recorder = self.cameras[camera_id], self.recorders[camera_id]
            found = await settle(recorder, leftovers, proven)
            recovered += found.recovered
            if found.indexed:
                persistent_notification.async_create(
                    self.hass,
                    await async_text(self.hass, "notify_foreign", camera=camera.name, files=found.indexed),
                    title=await async_text(self.hass, "notify_foreign_title"),
                    notification_id=f"{DOMAIN}_foreign_{camera.id}",
                )
        await settled(recovered)

    async def async_keep(self) -> None:
        """A retention pass now, then every few minutes; the offline check every few seconds."""
        await self.async_prune()
        self._unsubs.append(async_track_time_interval(self.hass, self._prune_tick, RETENTION_INTERVAL))
        self._unsubs.append(async_track_time_interval(self.hass, self._offline_tick, OFFLINE_CHECK_INTERVAL))

    async def async_stop_recorders(self) -> None:
        """Each recorder finishes and indexes its open segment."""
        await asyncio.gather(*(r.stop() for r in self.recorders.values()))

    async def async_stop(self) -> None:
        """Stop the recorders, the triggers and the periodic work."""
        while self._unsubs:
            self._unsubs.pop()()
        await self.async_stop_recorders()

    async def async_set_paused(self, camera_id: str, paused: bool) -> None:
        """Pause or resume a camera; the pause is kept in the index and applied before the next start."""
        await self.store.async_call(meta.put, paused_key(camera_id), "1" if paused else "0")
        await self.recorders[camera_id].set_paused(paused)

    # Retention and room ----------------------------------------------------------------------------

    def room_to_record(self) -> int:
        """Free bytes that let every camera record a few segments again."""
        need = sum(
            3 * r.last_segment.bytes if r.last_segment else ROOM_PER_CAMERA for r in self.recorders.values()
        )
        return max(need, int(float(self._options()[CONF_MIN_FREE_GB]) * 1_000_000_000))

    async def async_make_room(self) -> bool:
        """The disk is full: prune unheld footage; True once there is room, else a repair says so."""
        async with self._prune_lock:
            report = await self.store.async_job(
                prune, self.store, self.footage, self.retention(), now_us(), None, self.room_to_record()
            )
        self.last_prune = report
        if not report.over_cap_held:
            issues.async_clear(self.hass, issues.STORAGE_FULL)
            return True
        issues.async_raise(self.hass, issues.STORAGE_FULL, issues.ERROR, {"path": str(self.footage)})
        return False

    async def async_prune(self) -> PruneReport:
        """One retention pass."""
        async with self._prune_lock:
            report = await self.store.async_job(prune, self.store, self.footage, self.retention(), now_us())
        self.last_prune = report
        return report

    async def _prune_tick(self, _now: object) -> None:
        await self.async_prune()

    # Where the footage lives -----------------------------------------------------------------------

    async def async_footage_place(self) -> None:
        """Finish or resume a move; tell the owner when every backup carries the footage."""
        if (moving := await self.store.async_call(meta.get, FOOTAGE_MOVE)) is not None:
            move = json.loads(moving)
            if Path(move["to"]) == self.footage:
                removed = await self.hass.async_add_executor_job(
                    footage_move.remove_moved, Path(move["from"]), self.footage
                )
                await self._note(None, "footage_moved", {**move, "removed": removed})
                await self.store.async_call(meta.delete, FOOTAGE_MOVE)
            elif Path(move["from"]) == self.footage:
                self.entry.async_create_background_task(
                    self.hass, self.async_move_footage(Path(move["to"])), "doorbell_vault footage move"
                )
        elif (wanted := self.entry.data.get(CONF_FOOTAGE_MOVE_TO)) and Path(wanted) != self.footage:
            # Chosen in Reconfigure.
            self.entry.async_create_background_task(
                self.hass, self.async_move_footage(Path(wanted)), "doorbell_vault footage move"
            )
        config = self.hass.config.config_dir
        if not await self.hass.async_add_executor_job(places.in_backups, config, self.footage):
            issues.async_clear(self.hass, issues.FOOTAGE_IN_BACKUPS)
            return
        size = await self.store.async_call(segments.total_bytes)
        issues.async_raise(
            self.hass,
            issues.FOOTAGE_IN_BACKUPS,
            issues.WARNING,
            {"path": str(self.footage), "size": f"{size / 1e9:.1f} GB"},
            fixable=True,
        )

    async def async_move_footage(self, target: Path) -> None:
        """Copy every footage file to `target`, verify it, and switch the hub to it (it reloads).

        Recording goes on during the first pass; the recorders stop for the last one (what they finished
        meanwhile). Retention waits throughout, so nothing copied is pruned behind the copy's back. The old
        copies are removed when the hub starts from `target`; an interrupted move resumes at start.
        """
        move = {"from": str(self.footage), "to": str(target)}
        await self.store.async_call(meta.put, FOOTAGE_MOVE, json.dumps(move))
        expected = await self.store.async_call(segments.hashes)
        async with self._prune_lock:
            try:
                await self.hass.async_add_executor_job(
                    footage_move.copy_verified, self.footage, target, expected
                )
                await self.async_stop_recorders()
                expected = await self.store.async_call(segments.hashes)
                await self.hass.async_add_executor_job(
                    footage_move.copy_verified, self.footage, target, expected
                )
            except (OSError, footage_move.MoveError) as err:
                _LOGGER.error("Footage could not be moved to %s: %s", target, err)
                await self.store.async_call(meta.delete, FOOTAGE_MOVE)
                self.hass.config_entries.async_update_entry(
                    self.entry, data={k: v for k, v in self.entry.data.items() if k != CONF_FOOTAGE_MOVE_TO}
                )
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
            self.entry,
            data={
                **{k: v for k, v in self.entry.data.items() if k != CONF_FOOTAGE_MOVE_TO},
                CONF_FOOTAGE_PATH: str(target),
            },
        )
        if not self.entry.update_listeners:
            # A move resumed at start can finish before the entry listens for its own changes.
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)

    # The recorders' calls ----------------------------------------------------------------------------

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
        self._on_segment()

    @callback
    def _offline_tick(self, _now: object = None) -> None:
        self.check_offline()

    @callback
    def check_offline(self) -> None:
        """Raise or clear the repair issue of each camera down longer than the option allows."""
        limit = float(self._options()[CONF_OFFLINE_MINUTES]) * 60
        for camera_id, recorder in self.recorders.items():
            down = recorder.down_since
            issue = issues.issue_about(issues.CAMERA_OFFLINE, camera_id)
            if not recorder.paused and down is not None and time.monotonic() - down >= limit:
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
            return recorder.stderr_tail[-1]  # the recorder process's own words (FFmpeg's, through PyAV)
        return self.texts("offline_unknown")
