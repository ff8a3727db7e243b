"""Shares: a decided request's evidence package behind a time-limited, revocable, counted link.

Footage under a live share is held; when the share ends (revoked, expired, downloads used up) the package
files are deleted, the index and the audit log keep the hashes, and the holds lapse after the grace
period. Every status change goes through the request lifecycle. What goes into a package is chosen in
share_order.py, the link is made in links.py, and downloads are counted in downloads.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from ..clock import iso, local_text, now_us, to_us
from ..const import CONF_SHARE_GRACE_DAYS, CONF_TSA_URL, DOMAIN, REQUEST_PATH
from ..recording.camera_config import CameraConfig
from ..redaction.choice import Redaction
from ..requests.lifecycle import Lifecycle
from ..requests.timers import Timers
from ..store import Store, masks
from ..store.inbox import Request, RequestNotPending
from ..store.shares import NewShare, Share
from ..texts import async_text, markdown_escape
from . import export, previews, signing, timestamp
from .downloads import Downloads
from .export import Package
from .links import async_link, new_token, token_hash
from .order import CameraFootage
from .share_order import Choice, async_footage, async_order, narrow

_LOGGER = logging.getLogger(__name__)


class UnknownCamera(Exception):
    """A chosen camera is not one of the hub's cameras."""


def max_attempts(max_downloads: int) -> int:
    """How many download attempts a link allows: its own, higher cap (interrupted downloads retry)."""
    return max(10, 5 * max_downloads)


def new_share(
    request: Request,
    package: Package,
    digest: str,
    expires_us: int,
    held: list[tuple[str, int, int]],
    *,
    max_downloads: int,
    decided_by: str,
    link_to_key: bool,
) -> NewShare:
    """What sharing writes: the built package, the link's hash and limits, the spans to hold."""
    return NewShare(
        request_id=request.id,
        token_hash=digest,
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
    )


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
        self._builds: set[threading.Event] = set()
        self.downloads = Downloads(hass, store, storage, lifecycle, self.async_end)

    @property
    def public_key(self) -> str | None:
        """The installation's public key (base64 of the raw Ed25519 key)."""
        return signing.public_key_text(self.key) if self.key else None

    @property
    def fingerprint(self) -> dict[str, str] | None:
        """The key's fingerprint (hex and words) the household gives each recipient once, in advance."""
        return signing.key_fingerprint(self.key) if self.key else None

    async def async_start(self) -> None:
        """Load the signing key; end shares that expired while stopped, arm the others; clean up.

        Previews left from before go; so do the masks of cameras that were removed.
        """
        self.key = await self.hass.async_add_executor_job(signing.signing_key, self.state)
        live = await self.lifecycle.async_shares(live=True)
        await self.hass.async_add_executor_job(export.sweep, self.storage, {s.request_id for s in live})
        await self.hass.async_add_executor_job(previews.sweep, self.storage)
        # A removed camera's privacy masks go with it (audited).
        await self.store.async_call(masks.keep, [c.id for c in self._cameras()], now_us())
        now = now_us()
        for share in live:
            if share.expires_us <= now:
                await self.async_end(share.request_id, "expired")
            else:
                self._arm(share)

    @callback
    def async_stop(self) -> None:
        """Cancel the expiry timers and stop the builds under way."""
        self._expiries.stop()
        self.cancel_builds()

    def cancel_builds(self) -> None:
        """Stop every package build under way: each fails, and its request stays pending."""
        for cancel in self._builds:
            cancel.set()

    def _arm(self, share: Share) -> None:
        self._expiries.arm(
            share.request_id, share.expires_us, lambda: self.async_end(share.request_id, "expired")
        )

    def camera_lookup(self) -> dict[str, str]:
        """Each camera's id from its id or its case-folded name (as the owner names cameras)."""
        cameras = self._cameras()
        return {c.name.casefold(): c.id for c in cameras} | {c.id: c.id for c in cameras}

    def resolve_cameras(self, names: list[str] | None) -> list[str] | None:
        """Camera ids for names or ids as the owner gave them; UnknownCamera names the first stranger."""
        if names is None:
            return None
        lookup = self.camera_lookup()
        chosen = []
        for name in names:
            camera_id = lookup.get(name) or lookup.get(name.casefold())
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
        redaction: Redaction | None = None,
    ) -> ShareResult:
        """Build the package in the background and share it; the request stays pending on failure.

        `start_us`/`end_us` narrow the asked window (WindowWidened if they would widen it): the package,
        its manifest's window and the holds all use the narrowed one. `link_to_key`: an agency's standing
        policy shares; the link is minted when the submitting key asks (async_link_for_key), and the
        result's link is handed to no one. `redaction`: the owner's choice for this share (None: each
        camera's standing choice); Refused (redaction.choice) when a camera's redaction cannot be made.
        """
        assert self.key is not None
        chosen = self.resolve_cameras(cameras)
        request = await self.lifecycle.async_get(request_id)
        if request is None:
            raise RequestNotPending(request_id)
        window = narrow(request, start_us, end_us)
        choice = Choice(chosen, window, include_audio, decided_by, decider, redaction)
        self.lifecycle.claim_for_sharing(request)  # from here on, no second decision can start
        try:
            footage, held = await async_footage(self.store, self._cameras(), request, choice)
            async with _on_failure(partial(self._failed, request)):
                package = await self._build(request, footage, choice)
            await self._timestamp(request, package)
            token, now = new_token(), dt_util.utcnow()
            share = new_share(
                request,
                package,
                token_hash(token),
                to_us(now + expires_in),
                held,
                max_downloads=max_downloads,
                decided_by=decided_by,
                link_to_key=link_to_key,
            )
            async with _on_failure(lambda _err: self._remove(request_id)):
                shared = await self.lifecycle.async_shared(share, to_us(now))
        finally:
            self.lifecycle.set_progress(request, None)
        url, warning = await async_link(self.hass, token)
        await self._announce(request, share)
        _LOGGER.info("Request %s shared: %s files in %.1f s", request_id, len(package.files), package.seconds)
        return ShareResult(shared, url, share.expires_us, package.files, warning)

    async def _build(self, request: Request, footage: list[CameraFootage], choice: Choice) -> Package:
        """The package, built on an executor thread; the request shows each stage as its progress."""
        assert self.key is not None
        order = await async_order(
            self.hass,
            self.store,
            self.lifecycle,
            request,
            footage,
            choice,
            options=self._options(),
            storage=self.storage,
            state=self.state,
            key_fingerprint=signing.key_fingerprint(self.key),
            binaries=(self._ffmpeg, self._ffprobe),
        )
        cancel = order.cancel

        def progress(stage: str) -> None:
            self.hass.loop.call_soon_threadsafe(self.lifecycle.set_progress, request, stage)

        self._builds.add(cancel)
        try:
            return await self.hass.async_add_executor_job(export.build, order, self.key, progress)
        except asyncio.CancelledError:
            cancel.set()  # the executor thread would otherwise build on (a redaction takes minutes)
            raise
        finally:
            self._builds.discard(cancel)

    async def _announce(self, request: Request, share: NewShare) -> None:
        """Arm the share's expiry and tell the household (the link itself goes only to who shared)."""
        if (stored := await self.lifecycle.async_share_of(request.id)) is not None:
            self._arm(stored)
        # Every user sees persistent notifications.
        persistent_notification.async_create(
            self.hass,
            await async_text(
                self.hass,
                "notify_shared",
                cameras=len(share.files),
                agency=markdown_escape(request.agency),
                expires=local_text(share.expires_us),
                downloads=share.max_downloads,
                review=REQUEST_PATH.format(request_id=request.id),
            ),
            title=await async_text(self.hass, "notify_shared_title"),
            notification_id=share_notification_id(request.id),
        )

    async def _remove(self, request_id: str) -> None:
        """Delete a package's files (a share that could not be recorded)."""
        await self.hass.async_add_executor_job(export.remove, self.storage, request_id)

    async def async_link_for_key(
        self, request_id: str, asked_by: dict[str, Any], *, again: bool
    ) -> tuple[str, str | None] | None:
        """Mint the link of a standing policy's share for the key that asked, with its local-only warning.

        A new token replaces the stored hash (the link handed before, if any, stops working; a download
        already running finishes); the share keeps its expiry, limits and counts. Only while the share is
        open and, unless `again`, not handed over yet; None otherwise.
        """
        token = new_token()
        minted = await self.lifecycle.async_reissue_link(request_id, token_hash(token), asked_by, again=again)
        if minted is None:
            return None
        return await async_link(self.hass, token)

    async def _timestamp(self, request: Request, package: Package) -> None:
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

    async def async_end(self, request_id: str, reason: str) -> Request | None:
        """End a live share: no new download starts; the package is deleted; the holds lapse.

        Revoking also stops the downloads running; any other ending (expired, exhausted) lets them
        finish and deletes the package after the last one.
        """
        grace_us = int(float(self._options()[CONF_SHARE_GRACE_DAYS]) * 86_400 * 1_000_000)
        request = await self.lifecycle.async_end_share(request_id, reason, grace_us)
        self._expiries.cancel(request_id)
        await self.downloads.async_share_ended(request_id, revoked=reason == "revoked")
        if request is not None:
            persistent_notification.async_dismiss(self.hass, share_notification_id(request_id))
        return request


@contextlib.asynccontextmanager
async def _on_failure(undo: Callable[[BaseException], Awaitable[None]]) -> AsyncIterator[None]:
    """Run `undo` when the block fails, or is cancelled, then let the error go on."""
    try:
        yield
    except BaseException as err:
        await undo(err)
        raise
