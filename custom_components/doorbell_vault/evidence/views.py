"""The share link: `/api/doorbell_vault/share/<token>` (the zip) and `…/<token>/manifest.json`, no login.

Unknown, expired, revoked and exhausted tokens (and anything else under the share path) answer the same
404, after the same lookup; each counts as a failed login toward Home Assistant's IP ban.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from homeassistant.components.http.ban import process_wrong_login
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from ..store.shares import Share
from . import export
from .sharing import SHARE_PATH, ShareDesk

_LOGGER = logging.getLogger(__name__)

TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{43}")
NOT_FOUND_TEXT: Final = "404: Not Found"
MAX_USER_AGENT: Final = 200


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
        folder = desk.storage / share.folder
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
