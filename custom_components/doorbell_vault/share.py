"""Shares: a decided request's evidence package behind a time-limited, revocable, counted link.

The link's token is 256 random bits, handed out once and stored only as its SHA-256. Footage under a
live share is held; when the share ends (revoked, expired, downloads used up) the package files are
deleted, the index and the audit log keep the hashes, and the holds lapse after the grace period.
Unknown, expired, revoked and exhausted tokens (and anything else under the share path) answer the
same 404, after the same lookup; each counts as a failed login toward Home Assistant's IP ban.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.components import persistent_notification
from homeassistant.components.http.ban import process_wrong_login
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util

from . import audit, export
from .const import CONF_SHARE_GRACE_DAYS, DOMAIN, NAME
from .requests import COLUMNS, DecidedBy, Request, RequestNotPending, Status, Timers, from_row

if TYPE_CHECKING:
    from .hub import DoorbellVault

_LOGGER = logging.getLogger(__name__)

SHARE_PATH: Final = "/api/doorbell_vault/share"
TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{43}")
NOT_FOUND_TEXT: Final = "404: Not Found"
MAX_USER_AGENT: Final = 200


class NoFootage(Exception):
    """None of the chosen cameras has footage in the window."""


class UnknownCamera(Exception):
    """A chosen camera is not one of the hub's cameras."""


def token_hash(token: str) -> str:
    """What the index keeps of a token."""
    return hashlib.sha256(token.encode()[:256]).hexdigest()


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


@dataclass(frozen=True, slots=True)
class Share:
    """A share as stored (the token itself is never stored)."""

    request_id: str
    created_us: int
    expires_us: int
    max_downloads: int
    downloads: int
    ended_us: int | None
    end_reason: str | None
    folder: str
    package_bytes: int
    manifest: dict[str, Any]


SHARE_COLUMNS: Final = (
    "request_id, created_us, expires_us, max_downloads, downloads, ended_us, end_reason, folder, "
    "package_bytes, manifest"
)


def _share(row: tuple[Any, ...]) -> Share:
    request_id, created, expires, most, downloads, ended, reason, folder, size, manifest = row
    return Share(
        request_id, created, expires, most, downloads, ended, reason, folder, size, json.loads(manifest)
    )


# Store thread --------------------------------------------------------------------------------------


def record_share(
    connection: sqlite3.Connection,
    request_id: str,
    digest: str,
    package: export.Package,
    expires_us: int,
    max_downloads: int,
    decided_by: str,
    held: list[tuple[str, int, int]],
    at_us: int,
) -> Request:
    """Pending → shared with its share row, audit entries and holds, in one transaction."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        if not connection.execute(
            "UPDATE requests SET status = 'shared', decided_by = ?, decided_us = ? "
            "WHERE id = ? AND status = 'pending'",
            (decided_by, at_us, request_id),
        ).rowcount:
            raise RequestNotPending(request_id)
        connection.execute(
            f"INSERT INTO shares ({SHARE_COLUMNS.replace('request_id,', 'request_id, token_hash,')}) "
            "VALUES (?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, ?)",
            (
                request_id,
                digest,
                at_us,
                expires_us,
                max_downloads,
                package.folder,
                package.package_bytes,
                json.dumps(package.manifest),
            ),
        )
        audit.append(
            connection,
            at_us,
            "request_shared",
            request_id,
            {
                "decided_by": decided_by,
                "include_audio": package.manifest["include_audio"],
                "expires": export.iso(expires_us),
                "max_downloads": max_downloads,
            },
        )
        audit.append(
            connection,
            at_us,
            "package_built",
            request_id,
            {"files": package.files, "manifest_sha256": package.manifest_sha256},
        )
        connection.execute("DELETE FROM holds WHERE ref = ? AND reason = 'request'", (request_id,))
        connection.executemany(
            "INSERT INTO holds (camera, start_us, end_us, reason, ref, until_us, created_us) "
            "VALUES (?, ?, ?, 'share', ?, NULL, ?)",
            [(camera, start, end, request_id, at_us) for camera, start, end in held],
        )
        audit.append(connection, at_us, "hold_placed", request_id, {"cameras": len(held), "reason": "share"})
        row = connection.execute(f"SELECT {COLUMNS} FROM requests WHERE id = ?", (request_id,)).fetchone()
    return from_row(row)


def end_share(
    connection: sqlite3.Connection, request_id: str, reason: str, at_us: int, grace_us: int
) -> Request | None:
    """End a live share (revoked, expired, exhausted); None if it was not live."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        if not connection.execute(
            "UPDATE shares SET ended_us = ?, end_reason = ? WHERE request_id = ? AND ended_us IS NULL",
            (at_us, reason, request_id),
        ).rowcount:
            return None
        if reason == "revoked":
            connection.execute(
                "UPDATE requests SET status = 'revoked' WHERE id = ? AND status = 'shared'", (request_id,)
            )
        connection.execute(
            "UPDATE holds SET until_us = ? WHERE ref = ? AND reason = 'share'", (at_us + grace_us, request_id)
        )
        audit.append(
            connection,
            at_us,
            "share_ended",
            request_id,
            {"reason": reason, "holds_until": export.iso(at_us + grace_us)},
        )
        row = connection.execute(f"SELECT {COLUMNS} FROM requests WHERE id = ?", (request_id,)).fetchone()
    return from_row(row)


LIVE: Final = "token_hash = ? AND ended_us IS NULL AND expires_us > ? AND downloads < max_downloads"


def find_live(connection: sqlite3.Connection, digest: str, now_us: int, *, count: bool) -> Share | None:
    """The live share of a token hash; `count` claims one download (atomically)."""
    if count:
        row = connection.execute(
            f"UPDATE shares SET downloads = downloads + 1 WHERE {LIVE} RETURNING {SHARE_COLUMNS}",
            (digest, now_us),
        ).fetchone()
    else:
        row = connection.execute(
            f"SELECT {SHARE_COLUMNS} FROM shares WHERE {LIVE}", (digest, now_us)
        ).fetchone()
    return _share(row) if row else None


def load_shares(connection: sqlite3.Connection, where: str = "", args: tuple[Any, ...] = ()) -> list[Share]:
    """Shares, newest first."""
    rows = connection.execute(
        f"SELECT {SHARE_COLUMNS} FROM shares {where} ORDER BY created_us DESC", args
    ).fetchall()
    return [_share(row) for row in rows]


# The desk ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareResult:
    """What share_request answers (the token only ever appears here)."""

    request: Request
    share_url: str
    expires_us: int
    files: list[dict[str, Any]]

    def response(self) -> dict[str, Any]:
        """The service response of the public contract."""
        return {
            "request_id": self.request.id,
            "status": self.request.status,
            "share_url": self.share_url,
            "expires_at": export.iso(self.expires_us),
            "files": self.files,
        }


class ShareDesk:
    """Builds packages, hands out links, counts downloads and ends shares for one hub."""

    def __init__(self, hass: HomeAssistant, vault: DoorbellVault) -> None:
        """Attach to the hub."""
        self.hass = hass
        self.vault = vault
        self.key: Ed25519PrivateKey | None = None
        self._expiries = Timers(hass)
        self._streams: dict[str, set[threading.Event]] = {}

    @property
    def public_key(self) -> str | None:
        """The installation's public key (base64 of the raw Ed25519 key)."""
        return export.public_key_text(self.key) if self.key else None

    async def async_start(self) -> None:
        """Load (or make) the signing key; end shares that expired while stopped, arm the others."""
        self.key = await self.hass.async_add_executor_job(export.signing_key, self.vault.storage)
        now = _us(dt_util.utcnow())
        live = await self.async_list(live=True)
        await self.hass.async_add_executor_job(
            export.sweep, self.vault.storage, {share.request_id for share in live}
        )
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

    async def async_list(self, *, live: bool = False) -> list[Share]:
        """Shares (only live ones), newest first."""
        store = self.vault.store
        where = "WHERE ended_us IS NULL" if live else ""
        return await store.async_call(lambda: load_shares(store.connection, where))

    def resolve_cameras(self, names: list[str] | None) -> list[str] | None:
        """Camera ids for names or ids as the owner gave them; UnknownCamera names the first stranger."""
        if names is None:
            return None
        by_name = {c.name.casefold(): c.id for c in self.vault.cameras.values()}
        chosen = []
        for name in names:
            camera_id = name if name in self.vault.cameras else by_name.get(name.casefold())
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
    ) -> ShareResult:
        """Build the package in the background and share it; the request stays pending on failure."""
        desk = self.vault.desk
        assert desk is not None
        assert self.key is not None
        chosen = self.resolve_cameras(cameras)
        request = await desk.async_get(request_id)
        if request is None or request.status != Status.PENDING or request_id in desk.building:
            raise RequestNotPending(request_id)
        desk.set_progress(request, "starting")  # from here on, no second decision can start
        try:
            footage, held = await self._footage(request, chosen)
        except BaseException:
            desk.set_progress(request, None)
            raise
        try:
            order = await self._order(request, footage, include_audio, decided_by, decider)

            def progress(stage: str) -> None:
                self.hass.loop.call_soon_threadsafe(desk.set_progress, request, stage)

            package = await self.hass.async_add_executor_job(export.build, order, self.key, progress)
        except BaseException as err:
            desk.set_progress(request, None)
            await self._failed(request, err)
            raise
        token = secrets.token_urlsafe(32)
        now = dt_util.utcnow()
        expires_us = _us(now + expires_in)
        store = self.vault.store
        try:
            shared = await store.async_call(
                record_share,
                store.connection,
                request_id,
                token_hash(token),
                package,
                expires_us,
                max_downloads,
                decided_by,
                held,
                _us(now),
            )
        except BaseException:
            await self.hass.async_add_executor_job(export.remove, self.vault.storage, request_id)
            raise
        finally:
            desk.set_progress(request, None)
        result = ShareResult(shared, self._url(token), expires_us, package.files)
        self._arm(await self._get(request_id))
        desk.decided(shared, decided_by)
        persistent_notification.async_create(
            self.hass,
            f"Footage from {len(package.files)} camera(s) is shared with **{request.agency}** until "
            f"{dt_util.as_local(now + expires_in):%Y-%m-%d %H:%M}, for at most {max_downloads} "
            f"download(s). Send them this link (it is shown only once):\n\n{result.share_url}",
            title="Footage shared",
            notification_id=f"{DOMAIN}_share_{request_id}",
        )
        _LOGGER.info("Request %s shared: %s files in %.1f s", request_id, len(package.files), package.seconds)
        return result

    async def _footage(
        self, request: Request, chosen: list[str] | None
    ) -> tuple[list[export.CameraFootage], list[tuple[str, int, int]]]:
        """The chosen cameras' segments in the window, and the spans to hold; NoFootage if none."""
        footage, held = [], []
        for camera in self.vault.cameras.values():
            if chosen is not None and camera.id not in chosen:
                continue
            segments = await self.vault.store.async_segments_in_window(
                camera.id, request.start_us, request.end_us
            )
            if segments:
                footage.append(export.CameraFootage(camera.name, segments))
                held.append((camera.id, segments[0].start_us, segments[-1].end_us))
        if not footage:
            raise NoFootage(request.id)
        return footage, held

    async def _order(
        self,
        request: Request,
        footage: list[export.CameraFootage],
        include_audio: bool,
        decided_by: str,
        decider: str | None,
    ) -> export.Order:
        desk = self.vault.desk
        assert desk is not None
        head = await desk.async_verify_audit()
        integration = await async_get_integration(self.hass, DOMAIN)
        fields = request.fields
        return export.Order(
            storage=self.vault.storage,
            request_id=request.id,
            request={
                "agency": request.agency,
                "case_number": request.case_number,
                "legal_basis": request.legal_basis,
                "requester_name": fields.get("requester_name"),
                "reason": fields.get("reason"),
                "received": export.iso(request.received_us),
            },
            decision={
                "decided_by": decided_by,
                "decider": decider,
                "decided_at": dt_util.utcnow().isoformat(),
            },
            start_us=request.start_us,
            end_us=request.end_us,
            cameras=footage,
            include_audio=include_audio,
            audit_head={"entries": head.entries, "hash": head.head, "intact": head.ok},
            software={"name": NAME, "version": str(integration.version)},
            ffmpeg=self.vault.ffmpeg_binary,
            ffprobe=self.vault.ffprobe_binary,
        )

    async def _failed(self, request: Request, err: BaseException) -> None:
        store = self.vault.store
        reason = str(err) or type(err).__name__
        _LOGGER.error("Sharing request %s failed: %s", request.id, reason)
        await store.async_call(
            audit.record,
            store.connection,
            _us(dt_util.utcnow()),
            "share_failed",
            request.id,
            {"error": reason},
        )
        persistent_notification.async_create(
            self.hass,
            f"The evidence package for **{request.agency}** could not be built: {reason}. "
            "The request is still pending; nothing was shared.",
            title="Sharing failed",
            notification_id=f"{DOMAIN}_share_{request.id}",
        )

    def _url(self, token: str) -> str:
        try:
            base = get_url(self.hass, prefer_external=True, allow_cloud=False)
        except NoURLAvailableError:
            base = ""
        return f"{base}{SHARE_PATH}/{token}"

    async def _get(self, request_id: str) -> Share:
        store = self.vault.store
        found = await store.async_call(
            lambda: load_shares(store.connection, "WHERE request_id = ?", (request_id,))
        )
        return found[0]

    async def async_end(self, request_id: str, reason: str) -> Request | None:
        """End a live share at once: stop running downloads, delete the package, let the holds lapse."""
        store = self.vault.store
        grace = timedelta(days=float(self.vault.options[CONF_SHARE_GRACE_DAYS]))
        request = await store.async_call(
            end_share,
            store.connection,
            request_id,
            reason,
            _us(dt_util.utcnow()),
            int(grace.total_seconds() * 1_000_000),
        )
        self._expiries.cancel(request_id)
        for stop in self._streams.pop(request_id, set()):
            stop.set()
        await self.hass.async_add_executor_job(export.remove, self.vault.storage, request_id)
        if request is None:
            return None
        persistent_notification.async_dismiss(self.hass, f"{DOMAIN}_share_{request_id}")
        desk = self.vault.desk
        assert desk is not None
        if reason == "revoked":
            desk.decided(request, DecidedBy.USER)
        else:
            desk.notify(request)
        return request

    # Downloads ------------------------------------------------------------------------------------

    async def async_find(self, token: str, *, count: bool) -> Share | None:
        """The live share of a token (after the same lookup whatever the token is)."""
        store = self.vault.store
        digest = token_hash(token)
        now = _us(dt_util.utcnow())
        return await store.async_call(lambda: find_live(store.connection, digest, now, count=count))

    async def async_log(self, share: Share, kind: str, data: dict[str, Any]) -> None:
        """Append a download entry to the audit log."""
        store = self.vault.store
        await store.async_call(
            audit.record, store.connection, _us(dt_util.utcnow()), kind, share.request_id, data
        )
        if self.vault.desk is not None and (request := await self.vault.desk.async_get(share.request_id)):
            self.vault.desk.notify(request)

    @contextlib.contextmanager
    def stream(self, request_id: str) -> Any:
        """Register a running download, so ending the share stops it."""
        stop = threading.Event()
        self._streams.setdefault(request_id, set()).add(stop)
        try:
            yield stop
        finally:
            self._streams.get(request_id, set()).discard(stop)


async def _not_found(request: web.Request) -> web.Response:
    # Token guessing counts toward Home Assistant's IP ban, like a wrong password.
    await process_wrong_login(request)
    return web.Response(status=HTTPStatus.NOT_FOUND, text=NOT_FOUND_TEXT, content_type="text/plain")


class ShareView(HomeAssistantView):
    """`/api/doorbell_vault/share/<token>` (the zip) and `…/<token>/manifest.json`, without a login."""

    url = SHARE_PATH + "/{tail:.*}"
    name = "api:doorbell_vault:share"
    requires_auth = False

    def __init__(self, find_desk: Callable[[HomeAssistant], ShareDesk | None]) -> None:
        """`find_desk` finds the running hub's share desk."""
        self._find_desk = find_desk

    async def get(self, request: web.Request, tail: str) -> web.StreamResponse:
        """Serve a live share; everything else gets the same 404 after the same lookup."""
        hass = request.app[KEY_HASS]
        token, _, rest = tail.partition("/")
        wanted = {"": "zip", "manifest.json": "manifest"}.get(rest)
        shaped = TOKEN.fullmatch(token) is not None and wanted is not None
        desk = self._find_desk(hass)
        if desk is None:
            return await _not_found(request)
        share = await desk.async_find(token if shaped else "-" + token, count=wanted == "zip")
        if share is None or not shaped:
            return await _not_found(request)
        who = {
            "remote": request.remote,
            "user_agent": (request.headers.get("User-Agent") or "")[:MAX_USER_AGENT],
        }
        folder = desk.vault.storage / share.folder
        if wanted == "manifest":
            try:
                body = await hass.async_add_executor_job((folder / export.MANIFEST).read_bytes)
            except OSError:
                return await _not_found(request)
            await desk.async_log(share, "share_manifest_viewed", who)
            return web.Response(body=body, content_type="application/json")
        return await self._send_zip(hass, desk, share, folder, request, who)

    async def _send_zip(
        self,
        hass: HomeAssistant,
        desk: ShareDesk,
        share: Share,
        folder: Path,
        request: web.Request,
        who: dict[str, Any],
    ) -> web.StreamResponse:
        """Zip the package on an executor thread straight into the response (flat memory)."""
        loop = hass.loop
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)
        sent, completed = 0, False
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/zip",
                "Content-Disposition": f'attachment; filename="evidence-{share.request_id}.zip"',
                "Cache-Control": "no-store",
            }
        )
        with desk.stream(share.request_id) as stop:

            def deliver(chunk: bytes) -> None:
                if stop.is_set():
                    raise BrokenPipeError("the download stopped")
                asyncio.run_coroutine_threadsafe(queue.put(chunk), loop).result()

            def produce() -> None:
                try:
                    export.write_zip(folder, share.manifest, deliver)
                finally:
                    asyncio.run_coroutine_threadsafe(queue.put(None), loop).result()

            producer = hass.async_add_executor_job(produce)
            try:
                await response.prepare(request)
                while (chunk := await queue.get()) is not None:
                    await response.write(chunk)
                    sent += len(chunk)
                await producer
                await response.write_eof()
                completed = True
            except (ConnectionError, OSError) as err:
                _LOGGER.info("Download of share %s stopped after %s bytes: %s", share.request_id, sent, err)
                # Drop the connection, so the client cannot take a cut-off zip for a whole one.
                if request.transport is not None:
                    request.transport.abort()
            finally:
                stop.set()
                while not producer.done():
                    with contextlib.suppress(asyncio.QueueEmpty):
                        queue.get_nowait()
                    await asyncio.sleep(0.01)
                entry = {
                    **who,
                    "bytes": sent,
                    "completed": completed,
                    "download": share.downloads,
                    "of": share.max_downloads,
                }
                await asyncio.shield(self._after(desk, share, entry))
        return response

    async def _after(self, desk: ShareDesk, share: Share, entry: dict[str, Any]) -> None:
        await desk.async_log(share, "share_downloaded", entry)
        if share.downloads >= share.max_downloads:
            await desk.async_end(share.request_id, "exhausted")
