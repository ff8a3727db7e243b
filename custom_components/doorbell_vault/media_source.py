"""Recordings in the Media panel: Cameras → days → hours → segments and events; and what is shared.

Identifiers are `|`-joined: `<camera>`, `<camera>|<day>`, `<camera>|<day>|<hour>`, `segment|<id>`,
`event|<id>`; `shares`, `shares|<request>`, `share|<request>|<file>` for the clips of live shares.
Playback goes through authenticated views (signed paths for the player), which serve byte ranges.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util

from .clock import local
from .const import DOMAIN, NAME
from .hub import DoorbellVault, loaded_vault
from .store import segments
from .store.segments import Segment
from .store.shares import Share
from .texts import Texts, async_texts

SEGMENT_URL: Final = "/api/doorbell_vault/segment/{segment_id}"
SHARED_CLIP_URL: Final = "/api/doorbell_vault/shared/{request_id}/{name}"
SHARES: Final = "shares"
SIGNED_FOR: Final = timedelta(hours=1)
HOUR_US: Final = 3_600_000_000


async def async_get_media_source(hass: HomeAssistant) -> VaultMediaSource:
    """The Media panel's Doorbell Vault source."""
    return VaultMediaSource(hass)


def _vault(hass: HomeAssistant) -> DoorbellVault:
    if (vault := loaded_vault(hass)) is None:
        raise BrowseError("Doorbell Vault is not set up")
    return vault


def _folder(
    identifier: str, title: str, children: list[BrowseMediaSource] | None = None
) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.DIRECTORY,
        media_content_type=MediaType.VIDEO,
        title=title,
        can_play=False,
        can_expand=True,
        children=children,
        children_media_class=MediaClass.VIDEO,
    )


def _clip(identifier: str, title: str) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.VIDEO,
        media_content_type="video/mp4",
        title=title,
        can_play=True,
        can_expand=False,
    )


class VaultMediaSource(MediaSource):
    """Browse and play recorded footage."""

    name = NAME

    def __init__(self, hass: HomeAssistant) -> None:
        """Keep hass for lookups."""
        super().__init__(DOMAIN)
        self.hass = hass

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """A signed URL of the segment (or of the first segment of an event, or of a shared clip)."""
        vault = _vault(self.hass)
        kind, _, raw = item.identifier.partition("|")
        if kind == "share":
            request_id, _, name = raw.partition("|")
            if await _shared_clip(vault, request_id, name) is None:
                raise Unresolvable(f"No live share holds {item.identifier}")
            url = SHARED_CLIP_URL.format(request_id=request_id, name=name)
            return PlayMedia(async_sign_path(self.hass, url, SIGNED_FOR), "video/mp4")
        if kind not in ("segment", "event") or not raw.isdigit():
            raise Unresolvable(f"Unknown recording: {item.identifier}")
        segment: Segment | None
        if kind == "segment":
            segment = await vault.store.async_call(segments.get, int(raw))
        else:
            segment = await vault.store.async_call(segments.event_segment, int(raw))
        if segment is None:
            raise Unresolvable(f"No footage for {item.identifier}")
        url = async_sign_path(self.hass, SEGMENT_URL.format(segment_id=segment.id), SIGNED_FOR)
        return PlayMedia(url, "video/mp4")

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Cameras, then UTC days and hours shown in local time, then clips."""
        vault = _vault(self.hass)
        text = await async_texts(self.hass)
        parts = item.identifier.split("|") if item.identifier else []
        if not parts:
            return _folder(
                "",
                NAME,
                [_folder(c.id, c.name) for c in sorted(vault.cameras.values(), key=lambda c: c.name)]
                + [_folder(SHARES, text("media_shared_footage"))],
            )
        if parts[0] == SHARES:
            return await _browse_shares(vault, text, parts[1:])
        camera = vault.cameras.get(parts[0])
        if camera is None or len(parts) > 3:
            raise BrowseError(f"Unknown folder: {item.identifier}")
        if len(parts) == 1:
            days = await vault.store.async_call(segments.days, camera.id)
            return _folder(camera.id, camera.name, [_folder(f"{camera.id}|{d}", d) for d in days])
        try:
            day = datetime.strptime(parts[1], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError as err:
            raise BrowseError(f"Unknown day: {parts[1]}") from err
        day_us = int(day.timestamp() * 1_000_000)
        if len(parts) == 2:
            found = await vault.store.async_call(segments.in_window, camera.id, day_us, day_us + 24 * HOUR_US)
            hours = sorted({(s.start_us - day_us) // HOUR_US for s in found if s.start_us >= day_us})
            return _folder(
                item.identifier,
                text("media_day", camera=camera.name, day=parts[1]),
                [
                    _folder(
                        f"{item.identifier}|{h:02d}",
                        text("media_hour", local=f"{local(day_us + h * HOUR_US):%H:%M}", utc=f"{h:02d}:00"),
                    )
                    for h in reversed(hours)
                ],
            )
        if not parts[2].isdigit() or not 0 <= int(parts[2]) < 24:
            raise BrowseError(f"Unknown hour: {parts[2]}")
        start = day_us + int(parts[2]) * HOUR_US
        found = await vault.store.async_call(segments.in_window, camera.id, start, start + HOUR_US)
        events = await vault.store.async_call(segments.events, camera.id, start, start + HOUR_US)
        children = [
            _clip(f"event|{e.id}", text(f"media_event_{e.kind}", time=f"{local(e.at_us):%H:%M:%S}"))
            for e in events
        ] + [
            _clip(f"segment|{s.id}", f"{local(s.start_us):%H:%M:%S}–{local(s.end_us):%H:%M:%S}")
            for s in found
            if s.start_us >= start
        ]
        return _folder(item.identifier, f"{camera.name} {local(start):%Y-%m-%d %H:%M}", children)


async def _live(vault: DoorbellVault) -> list[Share]:
    return await vault.lifecycle.async_shares(live=True)


async def _shared_clip(vault: DoorbellVault, request_id: str, name: str) -> Share | None:
    """The live share holding the clip `name` (names come from its manifest, never from the caller)."""
    for share in await _live(vault):
        if share.request_id == request_id and name in {f["name"] for f in share.manifest["files"]}:
            return share
    return None


async def _browse_shares(vault: DoorbellVault, text: Texts, parts: list[str]) -> BrowseMediaSource:
    """Live shares, then the clips of one: exactly what the agency can download."""
    shares = await _live(vault)
    if not parts:
        return _folder(
            SHARES,
            text("media_shared_footage"),
            [
                _folder(
                    f"{SHARES}|{s.request_id}",
                    text(
                        "media_share",
                        agency=s.manifest["request"]["agency"],
                        until=f"{local(s.expires_us):%Y-%m-%d %H:%M}",
                        downloads=s.downloads,
                        max_downloads=s.max_downloads,
                    ),
                )
                for s in shares
            ],
        )
    share = next((s for s in shares if s.request_id == parts[0]), None)
    if share is None or len(parts) > 1:
        raise BrowseError(f"No live share {'|'.join(parts)}")
    return _folder(
        f"{SHARES}|{share.request_id}",
        share.manifest["request"]["agency"],
        [
            _clip(
                f"share|{share.request_id}|{f['name']}",
                f"{f['camera']} {dt_util.as_local(datetime.fromisoformat(f['start'])):%Y-%m-%d %H:%M:%S}",
            )
            for f in share.manifest["files"]
        ],
    )


class SharedClipView(HomeAssistantView):
    """Serve one clip of a live share to an authenticated user or a signed path (the owner's review)."""

    url = SHARED_CLIP_URL
    name = "api:doorbell_vault:shared"
    requires_auth = True

    async def get(self, request: web.Request, request_id: str, name: str) -> web.StreamResponse:
        """The clip's file, as the package holds it."""
        hass = request.app[KEY_HASS]
        vault = loaded_vault(hass)
        share = await _shared_clip(vault, request_id, name) if vault else None
        if vault is None or share is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(vault.storage / share.folder / name, headers={"Content-Type": "video/mp4"})


class SegmentView(HomeAssistantView):
    """Serve one segment to an authenticated user or a signed path, with byte ranges."""

    url = SEGMENT_URL
    name = "api:doorbell_vault:segment"
    requires_auth = True

    async def get(self, request: web.Request, segment_id: str) -> web.StreamResponse:
        """The segment's file."""
        hass = request.app[KEY_HASS]
        if not segment_id.isdigit():
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            vault = _vault(hass)
        except BrowseError:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        segment = await vault.store.async_call(segments.get, int(segment_id))
        if segment is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        # Paths come from our own index; refuse anything that could leave the storage folder anyway,
        # without touching the disk on the event loop (FileResponse reads in the executor).
        parts = segment.path.split("/")
        if segment.path.startswith("/") or ".." in parts:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(vault.storage / segment.path, headers={"Content-Type": "video/mp4"})
