"""The share link: `/api/doorbell_vault/share/<token>`, no login.

A GET answers a small page naming the files and their sizes; the zip comes only from the page's
Download button (a POST to the same address), so a mail scanner or a chat preview that follows the
link spends nothing. A download counts when it completes, and holds one of the share's slots while it
runs (so parallel downloads never exceed the limit); attempts have their own, higher cap; a share
that ends (expired, downloads used up) lets downloads already running finish, only revoking stops them.
`…/<token>/manifest.json` answers the signed manifest.

Unknown, expired, revoked and exhausted tokens (and anything else under the share path) answer the same
404, after the same lookup. Every answer carries `Cache-Control: no-store`, `Referrer-Policy:
no-referrer` and `X-Content-Type-Options: nosniff`. A 404 is logged without its path (a live token with
a typo must not land in the log), at most a few times a minute per address, and counts toward Home
Assistant's IP ban when the owner enabled one.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from homeassistant.components.http.ban import (
    KEY_BAN_MANAGER,
    KEY_FAILED_LOGIN_ATTEMPTS,
    KEY_LOGIN_THRESHOLD,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.hassio import get_supervisor_ip, is_hassio
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from ..store.shares import Share
from . import export
from .links import SHARE_PATH
from .sharing import ShareDesk

_LOGGER = logging.getLogger(__name__)

TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{43}")
NOT_FOUND_TEXT: Final = "404: Not Found"
MAX_USER_AGENT: Final = 200
LOGGED_PER_MINUTE: Final = 5
MAX_ADDRESSES: Final = 10_000
HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PAGE_POLICY: Final = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"


class NotFoundLog:
    """The first few 404s per address and minute are logged (without the path); the rest are not."""

    def __init__(self) -> None:
        """Start empty."""
        self._times: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        """Whether this 404 from `address` may be logged."""
        now = time.monotonic()
        if len(self._times) >= MAX_ADDRESSES:
            self._times = {k: v for k, v in self._times.items() if v and now - v[-1] <= 60}
        times = self._times.setdefault(address, deque())
        while times and now - times[0] > 60:
            times.popleft()
        if len(times) >= LOGGED_PER_MINUTE:
            return False
        times.append(now)
        return True


async def _count_toward_ban(request: web.Request) -> None:
    """Count like a wrong password toward Home Assistant's IP ban, when the owner enabled one.

    No path logged, no reverse DNS, no notification per attempt.
    """
    app = request.app
    if KEY_BAN_MANAGER not in app or app[KEY_LOGIN_THRESHOLD] < 1 or not request.remote:
        return
    with contextlib.suppress(ValueError):
        address = ip_address(request.remote)
        if is_hassio(app[KEY_HASS]) and str(address) == get_supervisor_ip():
            return
        app[KEY_FAILED_LOGIN_ATTEMPTS][address] += 1
        if app[KEY_FAILED_LOGIN_ATTEMPTS][address] >= app[KEY_LOGIN_THRESHOLD]:
            _LOGGER.warning("Banned IP %s for too many unknown share links", address)
            await app[KEY_BAN_MANAGER].async_add_ban(address)


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return f"{count} bytes"  # pragma: no cover - the loop always returns


def landing_page(token: str, share: Share) -> str:
    """The page a GET answers: what is shared, and the button that downloads it."""
    files = share.manifest.get("files", [])
    rows = "".join(
        f"<tr><td>{html.escape(str(f['name']))}</td><td>{html.escape(str(f.get('camera', '')))}</td>"
        f"<td>{_size(int(f['bytes']))}</td></tr>"
        for f in files
    )
    left = share.max_downloads - share.downloads
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex,nofollow"><title>Shared footage</title>'
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
        "td,th{padding:.2em .8em;text-align:left}button{font-size:1.1em;padding:.5em 1.2em}</style>"
        "</head><body><h1>Shared footage</h1>"
        f"<p>Evidence package for request {html.escape(share.request_id)}: "
        f"{len(files)} video file(s), {_size(share.package_bytes)} in all, with its chain of custody, "
        "checksums and a signed manifest.</p>"
        f"<table><tr><th>File</th><th>Camera</th><th>Size</th></tr>{rows}</table>"
        f"<p>Downloads left: {left}. A download counts only when it completes.</p>"
        '<form method="post" action=""><button type="submit">Download (zip)</button></form>'
        f'<p><a href="{html.escape(token)}/manifest.json">manifest.json</a></p>'
        "</body></html>"
    )


class ShareView(HomeAssistantView):
    """`/api/doorbell_vault/share/<token>` (a page, and the zip by POST) and `…/manifest.json`."""

    url = SHARE_PATH + "/{tail:.*}"
    name = "api:doorbell_vault:share"
    requires_auth = False

    def __init__(self, find_desk: Callable[[HomeAssistant], ShareDesk | None]) -> None:
        """`find_desk` finds the running hub's share desk."""
        self._find_desk = find_desk
        self._not_found_log = NotFoundLog()

    async def _not_found(self, request: web.Request) -> web.Response:
        remote = str(request.remote or "-")
        if self._not_found_log.allow(remote):
            _LOGGER.info("Unknown or ended share link requested from %s", remote)
        await _count_toward_ban(request)
        return web.Response(
            status=HTTPStatus.NOT_FOUND, text=NOT_FOUND_TEXT, content_type="text/plain", headers=HEADERS
        )

    async def _lookup(
        self, request: web.Request, tail: str, *, attempt: bool
    ) -> tuple[ShareDesk, Share, str, str] | None:
        """The desk, live share, token and what is wanted ("page", "manifest", "zip"); None: 404."""
        token, _, rest = tail.partition("/")
        wanted = {"": "zip" if attempt else "page", "manifest.json": "manifest"}.get(rest)
        shaped = TOKEN.fullmatch(token) is not None and wanted is not None
        desk = self._find_desk(request.app[KEY_HASS])
        if desk is None:
            return None
        claim = attempt and shaped and wanted == "zip"  # a claim is for the zip alone
        share = await desk.downloads.async_find(token if shaped else "-" + token, attempt=claim)
        if share is None or not shaped or wanted is None:
            return None
        return desk, share, token, wanted

    async def get(self, request: web.Request, tail: str) -> web.StreamResponse:
        """The landing page or the manifest of a live share; everything else the same 404."""
        found = await self._lookup(request, tail, attempt=False)
        if found is None:
            return await self._not_found(request)
        desk, share, token, wanted = found
        who = _who(request)
        if wanted == "manifest":
            path = desk.storage / share.folder / export.MANIFEST
            try:
                body = await request.app[KEY_HASS].async_add_executor_job(path.read_bytes)
            except OSError:
                return await self._not_found(request)
            await desk.downloads.async_log(share, "share_manifest_viewed", who)
            return web.Response(body=body, content_type="application/json", headers=HEADERS)
        await desk.downloads.async_log(share, "share_page_viewed", who)
        return web.Response(
            text=landing_page(token, share),
            content_type="text/html",
            headers={**HEADERS, "Content-Security-Policy": PAGE_POLICY, "X-Frame-Options": "DENY"},
        )

    async def post(self, request: web.Request, tail: str) -> web.StreamResponse:
        """The zip, from the page's Download button: one download claimed, counted when it completes.

        A claim takes one of the share's slots (max_downloads minus the completed and running ones); when
        none is left the answer is the exhausted share's 404. However the download ends (completed, cut
        off, its zip failing, the handler cancelled when the client goes), the slot is given back and the
        download logged.
        """
        found = await self._lookup(request, tail, attempt=True)
        if found is None or found[3] != "zip":
            return await self._not_found(request)
        desk, share, _token, _wanted = found
        hass = request.app[KEY_HASS]
        entry: dict[str, Any] = {"bytes": 0, "completed": False}
        try:
            return await self._send_zip(hass, desk, share, desk.storage / share.folder, request, entry)
        finally:
            await asyncio.shield(desk.downloads.async_downloaded(share, {**_who(request), **entry}))

    async def _send_zip(
        self,
        hass: HomeAssistant,
        desk: ShareDesk,
        share: Share,
        folder: Path,
        request: web.Request,
        entry: dict[str, Any],
    ) -> web.StreamResponse:
        """Zip the package on an executor thread straight into the response (flat memory).

        `entry` follows the download: the bytes sent so far, and whether it completed.
        """
        loop = hass.loop
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)
        response = web.StreamResponse(
            headers={
                **HEADERS,
                "Content-Type": "application/zip",
                "Content-Disposition": f'attachment; filename="evidence-{share.request_id}.zip"',
            }
        )
        with desk.downloads.stream(share.request_id) as stop:

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
                    entry["bytes"] += len(chunk)
                await producer
                await response.write_eof()
                entry["completed"] = True
            except (ConnectionError, OSError) as err:
                _LOGGER.info(
                    "Download of share %s stopped after %s bytes: %s", share.request_id, entry["bytes"], err
                )
                # Drop the connection, so the client cannot take a cut-off zip for a whole one.
                if request.transport is not None:
                    request.transport.abort()
            finally:
                stop.set()
                while not producer.done():
                    with contextlib.suppress(asyncio.QueueEmpty):
                        queue.get_nowait()
                    await asyncio.sleep(0.01)
                if not producer.cancelled():
                    producer.exception()  # a stopped producer's BrokenPipeError: seen, and logged above
        return response


def _who(request: web.Request) -> dict[str, Any]:
    return {
        "remote": request.remote,
        "user_agent": (request.headers.get("User-Agent") or "")[:MAX_USER_AGENT],
    }
