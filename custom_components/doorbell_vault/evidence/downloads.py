"""A share link's downloads: each one claims a slot, can be stopped, and is counted when it ends.

A package whose share ended while downloads were running is deleted after the last of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant

from ..clock import now_us
from ..const import DOMAIN
from ..requests.lifecycle import Lifecycle
from ..store import Store, shares
from ..store.shares import Share
from . import export
from .links import token_hash


@dataclass(eq=False)
class Downloads:
    """The running downloads of one hub's shares."""

    hass: HomeAssistant
    store: Store
    storage: Path
    lifecycle: Lifecycle
    # Ends a share: the last download its limit allows ends it ("exhausted").
    end: Callable[[str, str], Awaitable[object]]
    _streams: dict[str, set[threading.Event]] = field(default_factory=dict, init=False)
    # Downloads claimed and not yet ended, per request: in memory only, so none outlives a restart.
    # Touched only on the store's thread (shares.claim and .release).
    _running: dict[str, int] = field(default_factory=dict, init=False)
    # Ended shares whose files wait for their running downloads to finish.
    _remove_later: set[str] = field(default_factory=set, init=False)

    async def async_find(self, token: str, *, attempt: bool = False) -> Share | None:
        """The live share of a token (after the same lookup whatever the token is).

        `attempt` claims one download: an attempt and a slot (None when every slot is taken by the
        downloads completed and running); async_downloaded must follow every claimed one.
        """
        if not attempt:
            return await self.store.async_call(shares.find_live, token_hash(token), now_us())
        claiming = asyncio.ensure_future(
            self.store.async_call(shares.claim, token_hash(token), now_us(), self._running)
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
            shares.release, share.request_id, self._running, completed=completed
        )
        counted = counted or share
        await self.async_log(
            share, "share_downloaded", {**entry, "download": counted.downloads, "of": counted.max_downloads}
        )
        if entry.get("completed") and counted.downloads >= counted.max_downloads:
            await self.end(share.request_id, "exhausted")
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

    async def async_share_ended(self, request_id: str, *, revoked: bool) -> None:
        """A share ended: revoked, its running downloads stop; its package goes now or after the last one."""
        if revoked:
            for stop in self._streams.pop(request_id, set()):
                stop.set()
        if self._streams.get(request_id):
            self._remove_later.add(request_id)
        else:
            await self.hass.async_add_executor_job(export.remove, self.storage, request_id)
