"""What the review panel shows: the inbox, a request in full, a package preview, audit, report.

Also the view serving exported files (audit log, report) to admins. Reads go through the store's
repository functions; decisions go through `decide`.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from homeassistant.components.http.const import KEY_HASS_USER
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util
from homeassistant.util.location import distance

from .clock import iso_or_none, moment_us
from .decide import Choice
from .evidence import transparency
from .evidence.clips import GAP_US
from .evidence.export import slug
from .hub import DoorbellVault, loaded_vault
from .media_source import SEGMENT_URL
from .redaction.choice import async_masks, mode_of
from .store import inbox, reports, segments, shares
from .store.files import write_private_lines
from .store.inbox import Request
from .store.segments import Segment
from .store.shares import Download, Share

EXPORTS_FOLDER: Final = "exports"
EXPORT_URL: Final = "/api/doorbell_vault/export/{name}"
EXPORT_NAME: Final = re.compile(r"(audit|transparency)-\d{8}T\d{6}Z\.(jsonl|md|csv)")
CONTENT_TYPES: Final = {"jsonl": "application/jsonl", "md": "text/markdown", "csv": "text/csv"}
MAX_PAGE: Final = 200


# Requests ---------------------------------------------------------------------------------------


def summary(vault: DoorbellVault, request: Request, cameras: list[str]) -> dict[str, Any]:
    """A request as the inbox lists it; `cameras` names those with footage in its window."""
    return {
        **request.summary(),
        "cameras_with_footage": cameras,
        "received": iso_or_none(request.received_us),
        "progress": vault.lifecycle.building.get(request.id),
        "source": request.source,
        "verified": request.verified,
    }


async def async_summaries(vault: DoorbellVault, requests: list[Request]) -> list[dict[str, Any]]:
    """Each request as the inbox lists it, with the cameras that have footage in its window."""
    windows = [(r.start_us, r.end_us) for r in requests]
    found = await vault.store.async_call(segments.with_footage, list(vault.cameras), windows)
    return [
        summary(vault, request, [vault.cameras[c].name for c in cameras])
        for request, cameras in zip(requests, found, strict=True)
    ]


async def async_inbox(
    vault: DoorbellVault, status: str | None, agency: str | None, offset: int, limit: int
) -> dict[str, Any]:
    """One page of the inbox: pending first (soonest deadline first), then decided (newest first)."""
    page = await vault.store.async_call(inbox.page, status, agency, offset, min(limit, MAX_PAGE))
    return {
        "requests": await async_summaries(vault, page.requests),
        "total": page.total,
        "agencies": page.agencies,
    }


async def async_request(vault: DoorbellVault, request_id: str) -> Request | None:
    """One request as stored."""
    return await vault.store.async_call(inbox.get, request_id)


def gaps(found: list[Segment], start_us: int, end_us: int) -> list[tuple[int, int]]:
    """The spans of [start, end) without footage longer than a second, leading and trailing included."""
    holes, covered = [], start_us
    for segment in found:
        if segment.start_us - covered > GAP_US:
            holes.append((covered, min(segment.start_us, end_us)))
        covered = max(covered, segment.end_us)
        if covered >= end_us:
            break
    if end_us - covered > GAP_US:
        holes.append((covered, end_us))
    return holes


def _segment(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "start": iso_or_none(segment.start_us),
        "end": iso_or_none(segment.end_us),
        "url": SEGMENT_URL.format(segment_id=segment.id),
    }


def _share(share: Share) -> dict[str, Any]:
    keys = ("name", "camera", "bytes", "sha256", "start", "end")
    return {
        "created": iso_or_none(share.created_us),
        "expires": iso_or_none(share.expires_us),
        "max_downloads": share.max_downloads,
        "downloads": share.downloads,
        "ended": iso_or_none(share.ended_us),
        "end_reason": share.end_reason,
        "files": [{k: f.get(k) for k in keys} for f in share.manifest["files"]],
        # How each camera's clip was made (originals, masks, masks_faces); older shares: originals.
        "redaction": share.manifest.get("decision", {}).get("redaction", {}),
    }


def _download(download: Download) -> dict[str, Any]:
    return {
        "at": iso_or_none(download.at_us),
        "remote": download.remote,
        "user_agent": download.user_agent,
        "bytes": download.bytes,
        "completed": download.completed,
    }


def _area(vault: DoorbellVault, request: Request) -> tuple[float | None, bool | None]:
    """Distance from home to the centre of the request's area, and whether the area holds the home."""
    fields = request.fields
    if fields.get("latitude") is None or fields.get("longitude") is None:
        return None, None
    config = vault.hass.config
    away = distance(fields["latitude"], fields["longitude"], config.latitude, config.longitude)
    if away is None:
        return None, None
    return round(away, 1), away <= float(fields.get("radius_m", 0))


async def async_detail(vault: DoorbellVault, request_id: str) -> dict[str, Any] | None:
    """One request in full: its summary, fields, area, each camera's footage and gaps, share, downloads."""
    store = vault.store
    request = await store.async_call(inbox.get, request_id)
    if request is None:
        return None
    share = await store.async_call(shares.of_request, request_id)
    downloads = await store.async_call(shares.downloads_of, request_id)
    footage = await store.async_call(
        segments.in_windows, list(vault.cameras), request.start_us, request.end_us
    )
    cameras: list[dict[str, Any]] = [
        {
            "camera_id": camera_id,
            "name": vault.cameras[camera_id].name,
            "segments": [_segment(s) for s in found],
            "gaps": [
                {"start": iso_or_none(a), "end": iso_or_none(b)}
                for a, b in gaps(found, request.start_us, request.end_us)
            ],
            "has_footage": bool(found),
        }
        for camera_id, found in footage.items()
    ]
    distance_m, home_in_area = _area(vault, request)
    return {
        **summary(vault, request, [c["name"] for c in cameras if c["has_footage"]]),
        "fields": request.fields,
        "distance_m": distance_m,
        "home_in_area": home_in_area,
        "message": request.message,
        "cameras": cameras,
        "share": _share(share) if share else None,
        "downloads": [_download(d) for d in downloads],
    }


# What to share ----------------------------------------------------------------------------------


async def async_preview(vault: DoorbellVault, choice: Choice) -> dict[str, Any]:
    """The package the choice would build, estimated from the index; nothing is built.

    Bytes are the window's share of each segment's size; the cut's keyframe rounding (a clip starts on
    the keyframe at or before the start), the container's overhead and removing audio (segments hold
    both) are left out. Each file says how it would be made (`redaction`: originals, masks or
    masks_faces; a redacted clip is re-encoded, so its size differs from the estimate).
    """
    ids = [c for c in vault.cameras if choice.cameras is None or c in choice.cameras]
    footage = await vault.store.async_call(segments.in_windows, ids, choice.start_us, choice.end_us)
    standing = await async_masks(vault.store, ids)
    files, taken = [], set[str]()
    for camera_id, found in footage.items():
        if not found:
            continue
        seconds, size = 0.0, 0.0
        for segment in found:
            overlap = max(min(segment.end_us, choice.end_us) - max(segment.start_us, choice.start_us), 0)
            length = segment.end_us - segment.start_us
            seconds += overlap / 1_000_000
            size += segment.bytes * overlap / length if length > 0 else segment.bytes
        name = vault.cameras[camera_id].name
        files.append(
            {
                "name": f"{slug(name, taken)}.mp4",
                "camera": name,
                "start": iso_or_none(max(choice.start_us, found[0].start_us)),
                "end": iso_or_none(min(choice.end_us, found[-1].end_us)),
                "duration_s": round(seconds, 3),
                "bytes": round(size),
                "redaction": mode_of(camera_id, standing[camera_id], choice.redaction),
            }
        )
    redacted = [f["camera"] for f in files if f["redaction"] != "originals"]
    return {"files": files, "total_bytes": sum(f["bytes"] for f in files), "redacted": redacted}


# Audit and transparency -------------------------------------------------------------------------


def export_url(path: Path) -> str:
    """Where an admin downloads an exported file."""
    return EXPORT_URL.format(name=path.name)


async def async_verify(vault: DoorbellVault) -> dict[str, Any]:
    """The audit chain's check, with the first bad entry."""
    check = await vault.lifecycle.async_verify_audit()
    problem = None if check.ok else {"seq": check.seq, "kind": check.kind, "reason": check.reason}
    return {"ok": check.ok, "entries": check.entries, "head": check.head, "problem": problem}


async def async_export_audit(vault: DoorbellVault) -> dict[str, Any]:
    """Write the audit log as JSON Lines to the exports folder."""
    lines = await vault.lifecycle.async_export_audit()
    check = await vault.lifecycle.async_verify_audit()
    name = f"audit-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.jsonl"
    folder = vault.state / EXPORTS_FOLDER
    path = await vault.hass.async_add_executor_job(write_private_lines, folder, name, lines)
    return {
        "path": str(path),
        "entries": len(lines),
        "head": check.head,
        "ok": check.ok,
        "url": export_url(path),
    }


def by_month(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Requests per month received (UTC) and outcome, oldest month first."""
    months: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        months[row["received"][:7]][row["outcome"]] += 1
    return [{"month": m, **{o: counts[o] for o in reports.OUTCOMES}} for m, counts in sorted(months.items())]


async def async_report(vault: DoorbellVault, since: datetime | None) -> dict[str, Any]:
    """The transparency report, its charts' data, and the Markdown and CSV written for download.

    The service and the panel answer with it: the figures, `by_month`, the files written (`exports`) and
    where an admin downloads them (`markdown_url`, `csv_url`).
    """
    data = await vault.store.async_call(reports.report, moment_us(since))
    now = dt_util.utcnow()
    markdown, csv = await vault.hass.async_add_executor_job(
        transparency.write, vault.state / EXPORTS_FOLDER, f"{now:%Y%m%dT%H%M%SZ}", data, now.isoformat()
    )
    return {
        **{k: v for k, v in data.items() if k != "rows"},
        "by_month": by_month(data["rows"]),
        "exports": [str(markdown), str(csv)],
        "markdown_url": export_url(markdown),
        "csv_url": export_url(csv),
    }


async def async_admin_file(
    request: web.Request, name: str, pattern: re.Pattern[str], folder: Callable[[DoorbellVault], Path]
) -> Path | None:
    """The file `name` in the running hub's `folder`, for admins only (Unauthorized otherwise).

    None: no hub, a name `pattern` does not match, or no such file (looked for off the event loop).
    """
    if not request[KEY_HASS_USER].is_admin:
        raise Unauthorized
    vault = loaded_vault(request.app[KEY_HASS])
    if vault is None or pattern.fullmatch(name) is None:
        return None
    path = folder(vault) / name
    return path if await vault.hass.async_add_executor_job(path.is_file) else None


class ExportView(HomeAssistantView):
    """`/api/doorbell_vault/export/<name>`: an exported audit log or report, for admins only."""

    url = EXPORT_URL
    name = "api:doorbell_vault:export"
    requires_auth = True

    async def get(self, request: web.Request, name: str) -> web.StreamResponse:
        """The file, as a download."""
        path = await async_admin_file(request, name, EXPORT_NAME, lambda vault: vault.state / EXPORTS_FOLDER)
        if path is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(
            path,
            headers={
                "Content-Type": CONTENT_TYPES[name.rpartition(".")[2]],
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
