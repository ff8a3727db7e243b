"""Shares: a decided request's evidence package behind a time-limited, revocable, counted link.

The link's token is 256 random bits, handed out once and stored only as its SHA-256. Footage under a
live share is held; when the share ends (revoked, expired, downloads used up) the package files are
deleted, the index and the audit log keep the hashes, and the holds lapse after the grace period.
Every status change goes through the request lifecycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util

from ..clock import iso, local_text, now_us, to_us
from ..const import (
    CONF_SHARE_DECIDER_NAME,
    CONF_SHARE_GRACE_DAYS,
    CONF_SHARE_RETENTION_DAYS,
    CONF_TSA_URL,
    DOMAIN,
    NAME,
    REQUEST_PATH,
)
from ..recording.camera_config import CameraConfig
from ..requests.lifecycle import Lifecycle
from ..requests.timers import Timers
from ..store import Store, seals, segments
from ..store import shares as stored_shares
from ..store.requests import Request, RequestNotPending
from ..store.shares import NewShare, Share
from ..texts import async_text, markdown_escape
from . import export, signing, timestamp
from .custody_record import quoted
from .order import CameraFootage, Order

_LOGGER = logging.getLogger(__name__)

SHARE_PATH: Final = "/api/doorbell_vault/share"


class NoFootage(Exception):
    """None of the chosen cameras has footage in the window."""


class UnknownCamera(Exception):
    """A chosen camera is not one of the hub's cameras."""


class WindowWidened(Exception):
    """A chosen start or end lies outside the asked window (a window may only be narrowed)."""


def narrow(request: Request, start_us: int | None, end_us: int | None) -> tuple[int, int]:
    """The window to share: the asked one, or a part of it; WindowWidened otherwise."""
    start = request.start_us if start_us is None else start_us
    end = request.end_us if end_us is None else end_us
    if start < request.start_us or end > request.end_us or start >= end:
        raise WindowWidened(request.id)
    return start, end


def token_hash(token: str) -> str:
    """What the index keeps of a token."""
    return hashlib.sha256(token.encode()[:256]).hexdigest()


# How the package names who decided, unless the owner chose to give their name.
DECIDER_ROLES: Final = {"user": "household member", "automation": "automation", "policy": "standing policy"}


def terms(
    request: Request, cameras: list[str], retention_days: int, window: tuple[int, int]
) -> dict[str, Any]:
    """The recipient's duties, as the signed manifest and the custody record state them."""
    start_us, end_us = window
    # Quoted: what the requester wrote can never forge a line of the signed terms.
    case = quoted(request.case_number) if request.case_number else "the case named in the request"
    delete_by = iso(now_us() + retention_days * 86_400 * 1_000_000)
    return {
        "retention_days": retention_days,
        "delete_by": delete_by,
        "case_number": request.case_number,
        "cameras": cameras,
        "window": {"start": iso(start_us), "end": iso(end_us)},
        "text": [
            f"Delete this footage and every copy of it by {delete_by} unless it has been entered as "
            f"evidence in {case}.",
            f"Do not share it with anyone beyond what {case} requires.",
            f"Granted: cameras {', '.join(cameras)}; window {iso(start_us)} to {iso(end_us)} (UTC); "
            "nothing else.",
        ],
    }


def max_attempts(max_downloads: int) -> int:
    """How many download attempts a link allows: its own, higher cap (interrupted downloads retry)."""
    return max(10, 5 * max_downloads)


def share_notification_id(request_id: str) -> str:
    """The persistent notification about one request's share."""
    return f"{DOMAIN}_share_{request_id}"


@dataclass(frozen=True, slots=True)
class ShareResult:
    """What share_request answers (the token only ever appears here)."""

    request: Request
    share_url: str
    expires_us: int
    files: list[dict[str, Any]]
    # Why the link works only on the household's network (no https:// external URL), or None.
    link_warning: str | None = None

    def response(self) -> dict[str, Any]:
        """The service response of the public contract."""
        return {
            "request_id": self.request.id,
            "status": self.request.status,
            "share_url": self.share_url,
            "link_scope": "local" if self.link_warning else "external",
            "link_warning": self.link_warning,
            "expires_at": iso(self.expires_us),
            "files": self.files,
        }


class ShareDesk:
    """Builds packages, hands out links, counts downloads and ends shares for one hub."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: Store,
        storage: Path,
        lifecycle: Lifecycle,
        cameras: Callable[[], Iterable[CameraConfig]],
        options: Callable[[], Mapping[str, Any]],
        ffmpeg_binary: str,
        ffprobe_binary: str,
        *,
        state: Path | None = None,
    ) -> None:
        """`cameras` gives the hub's cameras, `options` the owner's current options (hub_options).

        `storage` holds the footage and the packages; `state` the signing key (the same folder by default).
        """
        self.hass = hass
        self.store = store
        self.storage = storage
        self.state = state or storage
        self.lifecycle = lifecycle
        self._cameras = cameras
        self._options = options
        self._ffmpeg = ffmpeg_binary
        self._ffprobe = ffprobe_binary
        self.key: Ed25519PrivateKey | None = None
        self._expiries = Timers(hass)
        self._streams: dict[str, set[threading.Event]] = {}
        # Downloads claimed and not yet ended, per request: in memory only, so none outlives a restart.
        # Touched only on the store's thread (stored_shares.claim and .release).
        self._running: dict[str, int] = {}
        # Ended shares whose files wait for their running downloads to finish.
        self._remove_later: set[str] = set()

    @property
    def public_key(self) -> str | None:
        """The installation's public key (base64 of the raw Ed25519 key)."""
        return signing.public_key_text(self.key) if self.key else None

    @property
    def fingerprint(self) -> dict[str, str] | None:
        """The key's fingerprint (hex and words) the household gives each recipient once, in advance."""
        return signing.key_fingerprint(self.key) if self.key else None

    async def async_start(self) -> None:
        """Load (or make) the signing key; end shares that expired while stopped, arm the others."""
        self.key = await self.hass.async_add_executor_job(signing.signing_key, self.state)
        live = await self.lifecycle.async_shares(live=True)
        await self.hass.async_add_executor_job(export.sweep, self.storage, {s.request_id for s in live})
        now = now_us()
        for share in live:
            if share.expires_us <= now:
                await self.async_end(share.request_id, "expired")
            else:
                self._arm(share)

    @callback
    def async_stop(self) -> None:
        """Cancel the expiry timers."""
        self._expiries.stop()

    def _arm(self, share: Share) -> None:
        self._expiries.arm(
            share.request_id, share.expires_us, lambda: self.async_end(share.request_id, "expired")
        )

    def resolve_cameras(self, names: list[str] | None) -> list[str] | None:
        """Camera ids for names or ids as the owner gave them; UnknownCamera names the first stranger."""
        if names is None:
            return None
        cameras = {c.id: c for c in self._cameras()}
        by_name = {c.name.casefold(): c.id for c in cameras.values()}
        chosen = []
        for name in names:
            camera_id = name if name in cameras else by_name.get(name.casefold())
            if camera_id is None:
                raise UnknownCamera(name)
            chosen.append(camera_id)
        return list(dict.fromkeys(chosen))

    async def async_share(
        self,
        request_id: str,
        *,
        cameras: list[str] | None,
        include_audio: bool,
        expires_in: timedelta,
        max_downloads: int,
        decided_by: str,
        decider: str | None = None,
        start_us: int | None = None,
        end_us: int | None = None,
        link_to_key: bool = False,
    ) -> ShareResult:
        """Build the package in the background and share it; the request stays pending on failure.

        `start_us`/`end_us` narrow the asked window (WindowWidened if they would widen it): the package,
        its manifest's window and the holds all use the narrowed one. `link_to_key`: an agency's standing
        policy shares; the link is minted when the submitting key asks (async_link_for_key), and the
        result's link is handed to no one.
        """
        assert self.key is not None
        chosen = self.resolve_cameras(cameras)
        request = await self.lifecycle.async_get(request_id)
        if request is None:
            raise RequestNotPending(request_id)
        window = narrow(request, start_us, end_us)
        lifecycle = self.lifecycle
        lifecycle.claim_for_sharing(request)  # from here on, no second decision can start
        try:
            footage, held = await self._footage(request, chosen, window)
        except BaseException:
            lifecycle.set_progress(request, None)
            raise
        try:
            order = await self._order(request, footage, window, include_audio, decided_by, decider)

            def progress(stage: str) -> None:
                self.hass.loop.call_soon_threadsafe(lifecycle.set_progress, request, stage)

            package = await self.hass.async_add_executor_job(export.build, order, self.key, progress)
        except BaseException as err:
            lifecycle.set_progress(request, None)
            await self._failed(request, err)
            raise
        await self._timestamp(request, package)
        token = secrets.token_urlsafe(32)
        now = dt_util.utcnow()
        expires_us = to_us(now + expires_in)
        try:
            shared = await lifecycle.async_shared(
                NewShare(
                    request_id=request_id,
                    token_hash=token_hash(token),
                    folder=package.folder,
                    package_bytes=package.package_bytes,
                    manifest=package.manifest,
                    manifest_sha256=package.manifest_sha256,
                    files=package.files,
                    expires_us=expires_us,
                    max_downloads=max_downloads,
                    decided_by=decided_by,
                    max_attempts=max_attempts(max_downloads),
                    held=held,
                    link_to_key=link_to_key,
                ),
                to_us(now),
            )
        except BaseException:
            await self.hass.async_add_executor_job(export.remove, self.storage, request_id)
            raise
        finally:
            lifecycle.set_progress(request, None)
        url, external = self._url(token)
        warning = None if external else await async_text(self.hass, "share_local_only")
        result = ShareResult(shared, url, expires_us, package.files, warning)
        if (stored := await self.lifecycle.async_share_of(request_id)) is not None:
            self._arm(stored)
        # Every user sees persistent notifications: the link itself goes only to who shared.
        persistent_notification.async_create(
            self.hass,
            await async_text(
                self.hass,
                "notify_shared",
                cameras=len(package.files),
                agency=markdown_escape(request.agency),
                expires=local_text(expires_us),
                downloads=max_downloads,
                review=REQUEST_PATH.format(request_id=request_id),
            ),
            title=await async_text(self.hass, "notify_shared_title"),
            notification_id=share_notification_id(request_id),
        )
        _LOGGER.info("Request %s shared: %s files in %.1f s", request_id, len(package.files), package.seconds)
        return result

    async def async_link_for_key(
        self, request_id: str, asked_by: dict[str, Any], *, again: bool
    ) -> tuple[str, str | None] | None:
        """Mint the link of a standing policy's share for the key that asked, with its local-only warning.

        A new token replaces the stored hash (the link handed before, if any, stops working; a download
        already running finishes); the share keeps its expiry, limits and counts. Only while the share is
        open and, unless `again`, not handed over yet; None otherwise.
        """
        token = secrets.token_urlsafe(32)
        minted = await self.lifecycle.async_reissue_link(request_id, token_hash(token), asked_by, again=again)
        if minted is None:
            return None
        url, external = self._url(token)
        return url, None if external else await async_text(self.hass, "share_local_only")

    async def _timestamp(self, request: Request, package: export.Package) -> None:
        """Have the owner's time-stamp authority stamp the manifest (optional; a failure is logged)."""
        url = str(self._options()[CONF_TSA_URL] or "")
        if not url:
            return
        manifest = self.storage / package.folder / export.MANIFEST
        try:
            data = await self.hass.async_add_executor_job(manifest.read_bytes)
            reply = await timestamp.async_stamp(async_get_clientsession(self.hass), url, data)
            await self.hass.async_add_executor_job(export.add_timestamp, self.storage, package.folder, reply)
        except (timestamp.TimestampError, OSError) as err:
            _LOGGER.warning("Request %s: the manifest could not be timestamped: %s", request.id, err)
            await self.lifecycle.async_note(request.id, "timestamp_failed", {"error": str(err)})
            return
        digest = hashlib.sha256(reply).hexdigest()
        await self.lifecycle.async_note(
            request.id, "manifest_timestamped", {"tsa": url, "tsr_sha256": digest}
        )

    async def _footage(
        self, request: Request, chosen: list[str] | None, window: tuple[int, int]
    ) -> tuple[list[CameraFootage], list[tuple[str, int, int]]]:
        """The chosen cameras' segments in the window, and the spans to hold; NoFootage if none."""
        footage, held = [], []
        for camera in self._cameras():
            if chosen is not None and camera.id not in chosen:
                continue
            found = await self.store.async_call(segments.in_window, camera.id, *window)
            # Files found in the folder that Doorbell Vault did not record are never evidence.
            foreign = await self.store.async_call(segments.foreign_ids, [s.id for s in found])
            found = [s for s in found if s.id not in foreign]
            if found:
                found = await self.store.async_call(segments.timing, found)
                footage.append(CameraFootage(camera.name, found))
                held.append((camera.id, found[0].start_us, found[-1].end_us))
        if not footage:
            raise NoFootage(request.id)
        return footage, held

    async def _order(
        self,
        request: Request,
        footage: list[CameraFootage],
        window: tuple[int, int],
        include_audio: bool,
        decided_by: str,
        decider: str | None,
    ) -> Order:
        assert self.key is not None
        # Seal what was recorded since the last hourly seal, so every source has a capture-time proof.
        await self.store.async_call(seals.seal, now_us())
        proofs = await self.store.async_call(
            seals.proofs, [s.id for camera in footage for s in camera.segments]
        )
        sealed = await self.store.async_call(seals.entries, [p.seq for p in proofs.values()])
        head = await self.lifecycle.async_verify_audit()
        integration = await async_get_integration(self.hass, DOMAIN)
        fields = request.fields
        options = self._options()
        return Order(
            storage=self.storage,
            request_id=request.id,
            request={
                "agency": request.agency,
                "case_number": request.case_number,
                "legal_basis": request.legal_basis,
                "requester_name": fields.get("requester_name"),
                "reason": fields.get("reason"),
                "received": iso(request.received_us),
                "window_asked": f"{iso(request.start_us)} to {iso(request.end_us)}",
            },
            decision={
                "decided_by": decided_by,
                "decider_role": DECIDER_ROLES.get(decided_by, decided_by),
                # The person's name goes to the agency only when the owner chose so.
                "decider": decider if options[CONF_SHARE_DECIDER_NAME] else None,
                "decided_at": dt_util.utcnow().isoformat(),
            },
            terms=terms(request, [f.name for f in footage], int(options[CONF_SHARE_RETENTION_DAYS]), window),
            key_fingerprint=signing.key_fingerprint(self.key),
            proofs=proofs,
            seals=sealed,
            start_us=window[0],
            end_us=window[1],
            cameras=footage,
            include_audio=include_audio,
            audit_head={"entries": head.entries, "hash": head.head, "intact": head.ok},
            software={"name": NAME, "version": str(integration.version)},
            ffmpeg=self._ffmpeg,
            ffprobe=self._ffprobe,
        )

    async def _failed(self, request: Request, err: BaseException) -> None:
        reason = str(err) or type(err).__name__
        _LOGGER.error("Sharing request %s failed: %s", request.id, reason)
        await self.lifecycle.async_share_failed(request, reason)
        persistent_notification.async_create(
            self.hass,
            await async_text(
                self.hass,
                "notify_share_failed",
                agency=markdown_escape(request.agency),
                error=markdown_escape(reason),
                review=REQUEST_PATH.format(request_id=request.id),
            ),
            title=await async_text(self.hass, "notify_share_failed_title"),
            notification_id=share_notification_id(request.id),
        )

    def _url(self, token: str) -> tuple[str, bool]:
        """The link, and whether it is an https:// external one (an agency can open it from outside)."""
        path = f"{SHARE_PATH}/{token}"
        try:
            base = get_url(
                self.hass, allow_internal=False, allow_cloud=False, require_ssl=True, prefer_external=True
            )
        except NoURLAvailableError:
            pass
        else:
            return f"{base}{path}", True
        try:
            base = get_url(self.hass, prefer_external=True, allow_cloud=False)
        except NoURLAvailableError:
            base = ""
        return f"{base}{path}", False

    async def async_end(self, request_id: str, reason: str) -> Request | None:
        """End a live share: no new download starts; the package is deleted; the holds lapse.

        Revoking also stops the downloads running; any other ending (expired, exhausted) lets them
        finish and deletes the package after the last one.
        """
        grace_us = int(float(self._options()[CONF_SHARE_GRACE_DAYS]) * 86_400 * 1_000_000)
        request = await self.lifecycle.async_end_share(request_id, reason, grace_us)
        self._expiries.cancel(request_id)
        if reason == "revoked":
            for stop in self._streams.pop(request_id, set()):
                stop.set()
        if self._streams.get(request_id):
            self._remove_later.add(request_id)
        else:
            await self.hass.async_add_executor_job(export.remove, self.storage, request_id)
        if request is not None:
            persistent_notification.async_dismiss(self.hass, share_notification_id(request_id))
        return request

    # Downloads ------------------------------------------------------------------------------------

    async def async_find(self, token: str, *, attempt: bool = False) -> Share | None:
        """The live share of a token (after the same lookup whatever the token is).

        `attempt` claims one download: an attempt and a slot (None when every slot is taken by the
        downloads completed and running); async_downloaded must follow every claimed one.
        """
        if not attempt:
            return await self.store.async_call(stored_shares.find_live, token_hash(token), now_us())
        claiming = asyncio.ensure_future(
            self.store.async_call(stored_shares.claim, token_hash(token), now_us(), self._running)
        )
        try:
            return await asyncio.shield(claiming)
        except asyncio.CancelledError:
            # The client went (its handler cancelled) while the slot was being taken: give it back.
            claiming.add_done_callback(self._give_back)
            raise

    def _give_back(self, claimed: asyncio.Future[Share | None]) -> None:
        if claimed.cancelled() or claimed.exception() is not None or (share := claimed.result()) is None:
            return
        self.hass.async_create_background_task(
            self.async_downloaded(share, {"bytes": 0, "completed": False}), f"{DOMAIN} give back a slot"
        )

    async def async_downloaded(self, share: Share, entry: dict[str, Any]) -> None:
        """A claimed download ended: logged, its slot freed; a completed one counts (the last ends it)."""
        completed = bool(entry.get("completed"))
        counted = await self.store.async_call(
            stored_shares.release, share.request_id, self._running, completed=completed
        )
        counted = counted or share
        await self.async_log(
            share, "share_downloaded", {**entry, "download": counted.downloads, "of": counted.max_downloads}
        )
        if entry.get("completed") and counted.downloads >= counted.max_downloads:
            await self.async_end(share.request_id, "exhausted")
        if share.request_id in self._remove_later and not self._streams.get(share.request_id):
            self._remove_later.discard(share.request_id)
            await self.hass.async_add_executor_job(export.remove, self.storage, share.request_id)

    async def async_log(self, share: Share, kind: str, data: dict[str, Any]) -> None:
        """Append a download entry to the audit log."""
        await self.lifecycle.async_log_share_use(share.request_id, kind, data)

    @contextlib.contextmanager
    def stream(self, request_id: str) -> Iterator[threading.Event]:
        """Register a running download, so ending the share stops it."""
        stop = threading.Event()
        self._streams.setdefault(request_id, set()).add(stop)
        try:
            yield stop
        finally:
            self._streams.get(request_id, set()).discard(stop)
