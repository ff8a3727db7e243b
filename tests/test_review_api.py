"""The review panel's websocket API and its authenticated downloads, against real footage and a real index."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import sqlite3
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from yarl import URL

from custom_components.doorbell_vault.const import CONF_AGENCY_BLOCKLIST, DOMAIN
from custom_components.doorbell_vault.evidence.verify_package import WORDS
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.store import holds, segments
from custom_components.doorbell_vault.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate

from .conftest import (
    SAMPLE_US,
    Offline,
    Socket,
    camera_named,
    camera_subentry,
    ffprobe,
    footage_hub,
    make_hub,
    wait_for,
)

GOP_S = 2.1
CAMERAS = ("Front door", "Back door", "Garage")
HOME = (52.37, 4.89)


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """Three cameras; Front door and Back door hold 30 s of real footage an hour ago, Garage none."""
    hass.config.latitude, hass.config.longitude = HOME
    entry = await footage_hub(hass, storage, sample_segment, CAMERAS)
    vault: DoorbellVault = entry.runtime_data
    garage = camera_named(vault, "Garage")
    await vault.store.async_call(lambda db: db.execute("DELETE FROM segments WHERE camera = ?", (garage,)))
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


def _at(entry: MockConfigEntry, seconds: float) -> datetime:
    base: datetime = entry.base  # type: ignore[attr-defined]
    return base + timedelta(seconds=seconds)


async def _submit(
    hass: HomeAssistant, entry: MockConfigEntry, start_s: float = -5, end_s: float = 35, **fields: Any
) -> dict[str, Any]:
    body = {
        "agency": "Springfield PD",
        "case_number": "2026-0042",
        "legal_basis": "warrant",
        "start": _at(entry, start_s).isoformat(),
        "end": _at(entry, end_s).isoformat(),
        "requester_name": "Det. Smith",
    } | fields
    result = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {k: v for k, v in body.items() if v is not None},
        blocking=True,
        return_response=True,
    )
    assert result is not None
    return dict(result)


@pytest.fixture
async def ws(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Socket:
    return Socket(await hass_ws_client(hass))


R_KEYS = {
    "request_id",
    "agency",
    "case_number",
    "legal_basis",
    "start",
    "end",
    "status",
    "problems",
    "deadline",
    "decided_by",
    "received",
    "cameras_with_footage",
    "progress",
    "source",
    "sender",
    "verified",
    "agency_id",
}


# requests/list ---------------------------------------------------------------------------------------


async def test_list_pending_by_deadline_then_decided_newest_first_paged_and_filtered(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket, hass_client_no_auth: ClientSessionGenerator
) -> None:
    now = dt_util.utcnow()
    late = (await _submit(hass, hub, deadline=(now + timedelta(hours=50)).isoformat()))["request_id"]
    soon = (await _submit(hass, hub, deadline=(now + timedelta(hours=2)).isoformat()))["request_id"]
    first_declined = (await _submit(hass, hub, agency="Shelbyville PD"))["request_id"]
    await ws.result(
        {"type": f"{DOMAIN}/requests/decide", "request_id": first_declined, "decision": "decline"}
    )
    rejected = (await _submit(hass, hub, agency="Ogdenville PD", case_number=None))["request_id"]
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{hub.data['webhook_id']}",
        json={
            "agency": "Capital City PD",
            "case_number": "7",
            "start": _at(hub, 0).isoformat(),
            "end": _at(hub, 10).isoformat(),
            "deadline": (now + timedelta(hours=10)).isoformat(),
        },
    )
    assert response.status == 202
    hooked = (await response.json())["request_id"]

    listed = await ws.result({"type": f"{DOMAIN}/requests/list"})
    order = [r["request_id"] for r in listed["requests"]]
    assert order == [soon, hooked, late, rejected, first_declined]
    assert listed["total"] == 5
    assert listed["agencies"] == ["Capital City PD", "Ogdenville PD", "Shelbyville PD", "Springfield PD"]
    summary = listed["requests"][0]
    assert set(summary) == R_KEYS
    assert summary["cameras_with_footage"] == ["Front door", "Back door"]
    assert summary["source"] == "service"
    assert summary["verified"] is False
    assert summary["progress"] is None
    assert datetime.fromisoformat(summary["received"]).utcoffset() == timedelta(0)
    assert listed["requests"][1]["source"] == "webhook"
    assert listed["requests"][3]["problems"] == ["case_number_missing"]

    page = await ws.result({"type": f"{DOMAIN}/requests/list", "offset": 1, "limit": 2})
    assert [r["request_id"] for r in page["requests"]] == [hooked, late]
    assert page["total"] == 5
    pending = await ws.result({"type": f"{DOMAIN}/requests/list", "status": "pending"})
    assert [r["request_id"] for r in pending["requests"]] == [soon, hooked, late]
    assert pending["total"] == 3
    by_agency = await ws.result({"type": f"{DOMAIN}/requests/list", "agency": "shelbyville pd"})
    assert [r["request_id"] for r in by_agency["requests"]] == [first_declined]
    assert by_agency["agencies"] == listed["agencies"]  # every agency, for the filter
    too_many = {"type": f"{DOMAIN}/requests/list", "limit": 201}
    assert await ws.code(too_many) == "invalid_format"
    assert await ws.code({"type": f"{DOMAIN}/requests/list", "status": "maybe"}) == "invalid_format"


async def test_list_with_a_thousand_requests_and_ten_thousand_downloads(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    """Paging happens in SQL; the download log is its own table (figures printed, not asserted)."""
    vault: DoorbellVault = hub.runtime_data
    base_us = int(_at(hub, 0).timestamp() * 1_000_000)

    def fill(db: sqlite3.Connection) -> None:
        with db:
            db.executemany(
                "INSERT INTO requests (id, received_us, source, agency, case_number, legal_basis, start_us, "
                "end_us, fields, status, problems, deadline_us, decided_by, decided_us, message) "
                "VALUES (?, ?, 'webhook', ?, 'c', 'warrant', ?, ?, '{}', ?, '[]', ?, ?, ?, NULL)",
                [
                    (
                        f"bulk{n:04d}",
                        base_us + n,
                        f"Agency {n % 37}",
                        base_us,
                        base_us + 20_000_000,
                        "pending" if n % 10 == 0 else "declined",
                        base_us + 10**12 - n,
                        None if n % 10 == 0 else "user",
                        None if n % 10 == 0 else base_us + 2 * n,
                    )
                    for n in range(1000)
                ],
            )
            db.executemany(
                "INSERT INTO downloads (request_id, at_us, remote, user_agent, bytes, completed) "
                "VALUES (?, ?, '127.0.0.1', 'bench', 1000, 1)",
                [(f"bulk{n % 1000:04d}", base_us + n) for n in range(10_000)],
            )

    await vault.store.async_call(fill)
    started = time.perf_counter()
    listed = await ws.result({"type": f"{DOMAIN}/requests/list"})
    first_page = time.perf_counter() - started
    started = time.perf_counter()
    last = await ws.result({"type": f"{DOMAIN}/requests/list", "offset": 950, "limit": 200})
    last_page = time.perf_counter() - started
    started = time.perf_counter()
    detail = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": "bulk0999"})
    one = time.perf_counter() - started
    ms = [round(t * 1000, 1) for t in (first_page, last_page, one)]
    print(f"\nlist first page {ms[0]} ms, last page {ms[1]} ms, get {ms[2]} ms")
    assert listed["total"] == 1000
    assert len(listed["requests"]) == 50
    assert listed["requests"][0]["request_id"] == "bulk0990"  # pending, soonest deadline
    assert [r["status"] for r in listed["requests"]] == ["pending"] * 50
    assert len(last["requests"]) == 50
    assert last["requests"][-1]["request_id"] == "bulk0001"  # decided longest ago
    assert len(listed["agencies"]) == 37
    assert len(detail["downloads"]) == 10


# requests/get, preview and decide ----------------------------------------------------------------------


async def _assert_an_area_far_away_misses_the_home_and_none_is_unknown(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    # Far away: the area misses the home; no area at all: unknown.
    away = (await _submit(hass, hub, latitude=HOME[0] + 0.01, longitude=HOME[1], radius_m=100))["request_id"]
    far = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": away})
    assert far["home_in_area"] is False
    assert far["problems"] == ["area_excludes_home"]
    plain = (await _submit(hass, hub))["request_id"]
    nowhere = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": plain})
    assert (nowhere["distance_m"], nowhere["home_in_area"]) == (None, None)


async def test_get_shows_each_cameras_footage_and_gaps_and_the_area(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket, hass_client: ClientSessionGenerator
) -> None:
    vault: DoorbellVault = hub.runtime_data
    back = camera_named(vault, "Back door")
    # A hole in Back door's footage: its third segment (12 s to 18 s) is gone.
    await vault.store.async_call(
        lambda db: db.execute(
            "DELETE FROM segments WHERE camera = ? AND start_us = ?",
            (back, int(_at(hub, 12).timestamp() * 1_000_000)),
        )
    )
    north = HOME[0] + 0.0009  # about 100 m north of home
    request_id = (await _submit(hass, hub, -5, 35, latitude=north, longitude=HOME[1], radius_m=200))[
        "request_id"
    ]

    detail = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": request_id})
    assert set(detail) >= R_KEYS
    assert 95 < detail["distance_m"] < 105
    assert detail["home_in_area"] is True
    assert detail["fields"]["requester_name"] == "Det. Smith"
    assert detail["message"] is None
    assert detail["share"] is None
    assert detail["downloads"] == []
    cameras = {c["name"]: c for c in detail["cameras"]}
    assert list(cameras) == list(CAMERAS)

    def iso(seconds: float) -> str:
        return _at(hub, seconds).isoformat()

    front = cameras["Front door"]
    assert front["has_footage"] is True
    assert [(s["start"], s["end"]) for s in front["segments"]] == [
        (iso(6 * n), iso(6 * n + 6)) for n in range(5)
    ]
    assert front["gaps"] == [{"start": iso(-5), "end": iso(0)}, {"start": iso(30), "end": iso(35)}]
    assert cameras["Back door"]["gaps"] == [
        {"start": iso(-5), "end": iso(0)},
        {"start": iso(12), "end": iso(18)},
        {"start": iso(30), "end": iso(35)},
    ]
    garage = cameras["Garage"]
    assert (garage["has_footage"], garage["segments"]) == (False, [])
    assert garage["gaps"] == [{"start": iso(-5), "end": iso(35)}]
    assert detail["cameras_with_footage"] == ["Front door", "Back door"]

    # Each segment plays through the authenticated view.
    client = await hass_client()
    response = await client.get(front["segments"][0]["url"])
    assert response.status == 200
    assert (
        len(await response.read())
        == (await vault.store.async_call(segments.get, front["segments"][0]["id"])).bytes
    )  # type: ignore[union-attr]

    await _assert_an_area_far_away_misses_the_home_and_none_is_unknown(hass, hub, ws)
    assert await ws.code({"type": f"{DOMAIN}/requests/get", "request_id": "nope"}) == "not_found"


async def test_preview_estimates_from_the_index_and_never_widens(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    vault: DoorbellVault = hub.runtime_data
    size = (await vault.store.async_call(segments.newest, camera_named(vault, "Front door"))).bytes  # type: ignore[union-attr]
    request_id = (await _submit(hass, hub, -5, 35))["request_id"]
    preview = {"type": f"{DOMAIN}/requests/preview", "request_id": request_id}

    whole = await ws.result(preview)
    assert [(f["name"], f["camera"]) for f in whole["files"]] == [
        ("front-door.mp4", "Front door"),
        ("back-door.mp4", "Back door"),
    ]
    assert whole["files"][0]["duration_s"] == 30
    assert whole["files"][0]["start"] == _at(hub, 0).isoformat()
    assert whole["files"][0]["end"] == _at(hub, 30).isoformat()
    assert whole["total_bytes"] == 10 * size

    narrowed = await ws.result(
        preview
        | {
            "cameras": ["Front door"],
            "start": _at(hub, 7).isoformat(),
            "end": _at(hub, 19).isoformat(),
            "include_audio": True,
        }
    )
    assert len(narrowed["files"]) == 1
    assert narrowed["files"][0]["duration_s"] == 12
    assert (narrowed["files"][0]["start"], narrowed["files"][0]["end"]) == (
        _at(hub, 7).isoformat(),
        _at(hub, 19).isoformat(),
    )
    assert abs(narrowed["total_bytes"] - 2 * size) <= 1  # 5/6 + 1 + 1/6 of a segment
    garage_only = await ws.result(preview | {"cameras": [camera_named(vault, "Garage")]})
    assert garage_only == {"files": [], "total_bytes": 0, "redacted": []}

    assert await ws.code(preview | {"start": _at(hub, -6).isoformat()}) == "window_widened"
    assert await ws.code(preview | {"end": _at(hub, 36).isoformat()}) == "window_widened"
    assert await ws.code(preview | {"start": _at(hub, 9).isoformat(), "end": _at(hub, 8).isoformat()}) == (
        "invalid_window"
    )
    assert await ws.code(preview | {"cameras": ["Attic"]}) == "unknown_camera"
    assert await ws.code(preview | {"start": "yesterday"}) == "invalid_format"
    assert await ws.code(preview | {"request_id": "nope"}) == "not_found"
    assert not (vault.storage / "shares").exists() or not any((vault.storage / "shares").iterdir())


async def _assert_holds_cover_the_narrowed_window_of(
    vault: DoorbellVault, hub: MockConfigEntry, request_id: str, front: str
) -> None:
    # The holds cover the narrowed window of the chosen camera only.
    held = [h for h in await vault.store.async_call(holds.every) if h.ref == request_id]
    assert [(h.camera, h.reason) for h in held] == [(front, "share")]
    assert held[0].start_us == int(_at(hub, 6).timestamp() * 1_000_000)
    assert held[0].end_us == int(_at(hub, 24).timestamp() * 1_000_000)


async def _download_the_narrowed_package(client: Any, url: str, hub: MockConfigEntry, folder: Path) -> bytes:
    """The package of Front door's seconds 7..19 (asked: -5..35), downloaded and checked; its bytes."""
    response = await client.post(URL(url).path, headers={"User-Agent": "agency-fetch/1"})
    assert response.status == 200
    body = await response.read()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [f["camera"] for f in manifest["files"]] == ["Front door"]
    assert manifest["window"] == {"start": _at(hub, 7).isoformat(), "end": _at(hub, 19).isoformat()}
    assert manifest["include_audio"] is True
    duration = float(ffprobe(folder / "front-door.mp4")["format"]["duration"])
    assert 12 - 0.1 <= duration <= 12 + GOP_S
    custody = (folder / "CHAIN_OF_CUSTODY.txt").read_text()
    assert f"Window asked:   {_at(hub, -5).isoformat()} to {_at(hub, 35).isoformat()}" in custody
    assert f"Window shared:  {_at(hub, 7).isoformat()} to {_at(hub, 19).isoformat()}" in custody
    return body


async def _assert_the_download_is_logged_live_and_audited(
    ws: Socket, vault: DoorbellVault, request_id: str, body: bytes
) -> None:
    # The download appears in the log, live and in the request's detail; the audit chain has it too.
    get = {"type": f"{DOMAIN}/requests/get", "request_id": request_id}

    async def logged() -> bool:
        return bool((await ws.result(get))["downloads"])

    await wait_for(logged, timeout=10, step=0.05)  # written once the response has ended
    # The download is announced as a change of the shared request (a late progress event of the build,
    # announced before it, may still be in the socket's queue: it is passed over).
    async with asyncio.timeout(10):
        while (await ws.event_for(request_id))["status"] != "shared":
            pass
    detail = await ws.result(get)
    assert len(detail["downloads"]) == 1
    download = detail["downloads"][0]
    assert download["completed"] is True
    assert download["bytes"] == len(body)
    assert download["user_agent"] == "agency-fetch/1"
    assert download["remote"] == "127.0.0.1"
    share = detail["share"]
    assert (share["downloads"], share["max_downloads"], share["ended"]) == (1, 2, None)
    assert [f["name"] for f in share["files"]] == ["front-door.mp4"]
    assert set(share["files"][0]) == {"name", "camera", "bytes", "sha256", "start", "end"}
    audited = await vault.store.async_call(
        lambda db: db.execute(
            "SELECT COUNT(*) FROM audit WHERE kind = 'share_downloaded' AND ref = ?", (request_id,)
        ).fetchone()[0]
    )
    assert audited == 1


async def test_share_one_camera_of_a_narrowed_window_then_watch_downloads_and_revoke(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    ws: Socket,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    front = camera_named(vault, "Front door")
    request_id = (await _submit(hass, hub, -5, 35))["request_id"]
    await ws.result({"type": f"{DOMAIN}/requests/subscribe"})
    decide = {"type": f"{DOMAIN}/requests/decide", "request_id": request_id, "decision": "share"}
    assert await ws.code(decide | {"start": _at(hub, -10).isoformat()}) == "window_widened"
    assert await ws.code(decide | {"cameras": ["Garage"]}) == "no_footage"

    shared = await ws.result(
        decide
        | {
            "cameras": [front],
            "start": _at(hub, 7).isoformat(),
            "end": _at(hub, 19).isoformat(),
            "include_audio": True,
            "expires_in_hours": 5,
            "max_downloads": 2,
        }
    )
    assert set(shared) >= R_KEYS
    assert shared["status"] == "shared"
    assert set(shared["share"]) == {"share_url", "link_warning", "expires_at", "files"}
    assert [f["camera"] for f in shared["share"]["files"]] == ["Front door"]
    expires = datetime.fromisoformat(shared["share"]["expires_at"])
    assert timedelta(hours=4, minutes=59) < expires - dt_util.utcnow() <= timedelta(hours=5)
    assert any(e["progress"] == "cutting Front door (1/1)" for e in ws.events)

    await _assert_holds_cover_the_narrowed_window_of(vault, hub, request_id, front)

    ws.events.clear()
    client = await hass_client_no_auth()
    body = await _download_the_narrowed_package(client, shared["share"]["share_url"], hub, tmp_path)

    await _assert_the_download_is_logged_live_and_audited(ws, vault, request_id, body)

    revoke = {"type": f"{DOMAIN}/requests/decide", "request_id": request_id, "decision": "revoke"}
    assert (await ws.result(revoke))["status"] == "revoked"
    assert await ws.code(revoke) == "no_live_share"
    ended = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": request_id})
    assert ended["share"]["end_reason"] == "revoked"
    assert ended["share"]["ended"] is not None
    assert (await client.get(URL(shared["share"]["share_url"]).path)).status == 404
    assert await ws.code(decide) == "not_pending"


async def test_decline_always_and_the_subscription_outlives_the_reload(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    await ws.result({"type": f"{DOMAIN}/requests/subscribe"})
    request_id = (await _submit(hass, hub, agency="Shelbyville PD"))["request_id"]
    assert (await ws.event())["request_id"] == request_id
    old_vault = hub.runtime_data
    declined = await ws.result(
        {
            "type": f"{DOMAIN}/requests/decide",
            "request_id": request_id,
            "decision": "decline",
            "message": "Not without a warrant naming this address.",
            "always_decline_agency": True,
        }
    )
    assert (declined["status"], declined["decided_by"]) == ("declined", "user")
    await hass.async_block_till_done()
    assert hub.options[CONF_AGENCY_BLOCKLIST] == ["Shelbyville PD"]
    await wait_for(
        lambda: hub.runtime_data is not old_vault and hub.state is ConfigEntryState.LOADED, timeout=30
    )
    await hass.async_block_till_done()

    ws.events.clear()
    again = await _submit(hass, hub, agency="shelbyville pd")
    assert (again["status"], again["problems"]) == ("rejected", ["agency_blocked"])
    pushed = await ws.event_for(again["request_id"])  # from the reloaded entry, to the same subscription
    assert (pushed["request_id"], pushed["status"]) == (again["request_id"], "rejected")
    detail = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": request_id})
    assert detail["message"] == "Not without a warrant naming this address."
    assert await ws.code(
        {"type": f"{DOMAIN}/requests/decide", "request_id": request_id, "decision": "decline"}
    ) == ("not_pending")
    # Declining an agency already blocked leaves the options alone.
    other = (await _submit(hass, hub, agency="Springfield PD"))["request_id"]
    await ws.result(
        {
            "type": f"{DOMAIN}/requests/decide",
            "request_id": other,
            "decision": "decline",
            "always_decline_agency": False,
        }
    )
    assert hub.options[CONF_AGENCY_BLOCKLIST] == ["Shelbyville PD"]


# Audit and the report ----------------------------------------------------------------------------


async def _assert_the_fingerprint_shown_is_the_signing_keys(ws: Socket, vault: DoorbellVault) -> None:
    # The fingerprint the Audit view shows, to give each agency once (as diagnostics and packages carry it).
    key = (await ws.result({"type": f"{DOMAIN}/audit/fingerprint"}))["fingerprint"]
    assert vault.shares.public_key is not None
    digest = hashlib.sha256(base64.b64decode(vault.shares.public_key)).hexdigest()
    assert key["hex"] == " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    assert key["words"].split() == [WORDS[b] for b in bytes.fromhex(digest)[:16]]
    assert key == vault.shares.fingerprint


async def _assert_the_report_counts_and_downloads_for_admins_only(
    ws: Socket, admin: Any, reader: Any
) -> None:
    """The transparency report of one declined and one pending request; its files for admins only."""
    report = await ws.result({"type": f"{DOMAIN}/report"})
    month = f"{dt_util.utcnow():%Y-%m}"
    assert report["by_month"] == [
        {
            "month": month,
            "pending": 1,
            "shared": 0,
            "revoked": 0,
            "declined": 1,
            "rejected": 0,
            "expired": 0,
            "withdrawn": 0,
        }
    ]
    assert report["by_outcome"]["declined"] == 1
    assert report["by_legal_basis"] == {"subpoena": 1, "warrant": 1}
    assert report["by_agency"]["Springfield PD"]["total"] == 2
    assert report["median_minutes_to_decision"] is not None
    assert (report["minutes_shared"], report["downloads"]) == (0, 0)
    markdown = await admin.get(report["markdown_url"])
    assert markdown.status == 200
    assert "| declined | 1 |" in await markdown.text()
    csv = await admin.get(report["csv_url"])
    assert (await csv.text()).startswith("received,agency,case_number")
    assert (await reader.get(report["csv_url"])).status == 401
    later = await ws.result(
        {"type": f"{DOMAIN}/report", "since": (dt_util.utcnow() + timedelta(minutes=1)).isoformat()}
    )
    assert later["by_month"] == []


async def _assert_an_edited_or_missing_entry_is_named(ws: Socket, vault: DoorbellVault) -> None:
    # An edited entry is named: its number, kind and what is wrong.
    await vault.store.async_call(lambda db: db.execute("UPDATE audit SET data = '{}' WHERE seq = 2"))
    broken = await ws.result({"type": f"{DOMAIN}/audit/verify"})
    assert broken["ok"] is False
    assert broken["problem"]["seq"] == 2
    assert broken["problem"]["reason"] == "altered"
    assert broken["problem"]["kind"] == "hold_placed"
    assert broken["entries"] == 1
    await vault.store.async_call(lambda db: db.execute("DELETE FROM audit WHERE seq = 2"))
    missing = await ws.result({"type": f"{DOMAIN}/audit/verify"})
    assert missing["problem"] == {"seq": 2, "kind": None, "reason": "missing"}


async def test_audit_verify_export_and_the_report_with_admin_only_downloads(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    ws: Socket,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    declined = (await _submit(hass, hub))["request_id"]
    await ws.result({"type": f"{DOMAIN}/requests/decide", "request_id": declined, "decision": "decline"})
    await _submit(hass, hub, legal_basis="subpoena")

    await _assert_the_fingerprint_shown_is_the_signing_keys(ws, vault)

    verified = await ws.result({"type": f"{DOMAIN}/audit/verify"})
    assert verified["ok"] is True
    assert verified["problem"] is None
    assert len(verified["head"]) == 64
    exported = await ws.result({"type": f"{DOMAIN}/audit/export"})
    assert (exported["ok"], exported["entries"], exported["head"]) == (
        True,
        verified["entries"],
        verified["head"],
    )
    assert Path(exported["path"]).parent == vault.storage / "exports"
    assert Path(exported["path"]).stat().st_mode & 0o777 == 0o600  # private from the moment it exists
    admin = await hass_client()
    response = await admin.get(exported["url"])
    assert response.status == 200
    lines = (await response.text()).splitlines()
    assert len(lines) == verified["entries"]
    assert json.loads(lines[-1])["hash"] == verified["head"]
    reader = await hass_client(hass_read_only_access_token)
    assert (await reader.get(exported["url"])).status == 401
    assert (await admin.get("/api/doorbell_vault/export/doorbell_vault.db")).status == 404
    assert (await admin.get("/api/doorbell_vault/export/..%2Fdoorbell_vault.db")).status in (400, 404)
    assert (await admin.get("/api/doorbell_vault/export/audit-20000101T000000Z.jsonl")).status == 404

    await _assert_the_report_counts_and_downloads_for_admins_only(ws, admin, reader)

    await _assert_an_edited_or_missing_entry_is_named(ws, vault)


async def test_each_request_says_whether_its_sender_was_verified(
    hass: HomeAssistant, storage: Path, hass_ws_client: WebSocketGenerator
) -> None:
    """The panel's Verified / Unverified badge: an e-mail with a trusted DKIM signature, and the rest."""
    entry = make_hub(hass, storage, [camera_subentry(Offline())])
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    now = dt_util.utcnow()
    fields = {
        "agency": "Springfield PD",
        "case_number": "2026-0043",
        "legal_basis": "warrant",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now - timedelta(minutes=50)).isoformat(),
    }
    mailed = await vault.lifecycle.async_submit(
        fields, "email", sender="smith@springfield.example", verified=True
    )
    called = await vault.lifecycle.async_submit(fields, "service")
    ws = Socket(await hass_ws_client(hass))
    listed = {r["request_id"]: r for r in (await ws.result({"type": f"{DOMAIN}/requests/list"}))["requests"]}
    assert (listed[mailed.id]["verified"], listed[mailed.id]["source"]) == (True, "email")
    assert listed[mailed.id]["sender"] == "smith@springfield.example"
    assert (listed[called.id]["verified"], listed[called.id]["source"]) == (False, "service")
    detail = await ws.result({"type": f"{DOMAIN}/requests/get", "request_id": mailed.id})
    assert detail["verified"] is True
    await hass.config_entries.async_unload(entry.entry_id)


# Who may call ------------------------------------------------------------------------------------


async def test_a_non_admin_may_call_no_command(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    request_id = (await _submit(hass, hub))["request_id"]
    reader = Socket(await hass_ws_client(hass, hass_read_only_access_token))
    for message in (
        {"type": f"{DOMAIN}/requests/list"},
        {"type": f"{DOMAIN}/requests/get", "request_id": request_id},
        {"type": f"{DOMAIN}/requests/preview", "request_id": request_id},
        {"type": f"{DOMAIN}/requests/decide", "request_id": request_id, "decision": "decline"},
        {"type": f"{DOMAIN}/requests/subscribe"},
        {"type": f"{DOMAIN}/audit/verify"},
        {"type": f"{DOMAIN}/audit/export"},
        {"type": f"{DOMAIN}/audit/fingerprint"},
        {"type": f"{DOMAIN}/report"},
    ):
        assert await reader.code(message) == "unauthorized", message
    assert (await _submit(hass, hub))["status"] == "pending"
    vault: DoorbellVault = hub.runtime_data
    assert (await vault.lifecycle.async_get(request_id)).status == "pending"  # type: ignore[union-attr]


async def test_not_loaded(hass: HomeAssistant, hass_ws_client: WebSocketGenerator, storage: Path) -> None:
    entry = make_hub(hass, storage, [camera_subentry(Offline())])
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await hass.config_entries.async_unload(entry.entry_id)
    ws = Socket(await hass_ws_client(hass))
    assert await ws.code({"type": f"{DOMAIN}/requests/list"}) == "not_loaded"


# The download log's own table ----------------------------------------------------------------------


def test_schema_7_copies_the_download_log_out_of_the_audit_chain(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    for version, script in enumerate(MIGRATIONS[:5], 1):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
    entry = {"remote": "10.0.0.9", "user_agent": "curl/8", "bytes": 1234, "completed": True, "download": 1}
    db.execute(
        "INSERT INTO audit VALUES (1, 5, 'share_downloaded', 'r1', ?, ?, 'h')", (json.dumps(entry), "0" * 64)
    )
    db.execute("INSERT INTO audit VALUES (2, 6, 'request_received', 'r2', '{}', 'h', 'h2')")
    assert migrate(db) == 5
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute(
        "SELECT request_id, at_us, remote, user_agent, bytes, completed FROM downloads"
    ).fetchall() == [("r1", 5, "10.0.0.9", "curl/8", 1234, 1)]
    assert SAMPLE_US == 6_000_000
    db.close()


async def test_the_share_service_narrows_the_window_too(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    vault: DoorbellVault = hub.runtime_data
    request_id = (await _submit(hass, hub, -5, 35))["request_id"]
    share = {"request_id": request_id, "cameras": ["Back door"]}
    with pytest.raises(ServiceValidationError) as widened:
        await hass.services.async_call(
            DOMAIN, "share_request", share | {"end": _at(hub, 40).isoformat()}, blocking=True
        )
    assert widened.value.translation_key == "window_widened"
    assert (await vault.lifecycle.async_get(request_id)).status == "pending"  # type: ignore[union-attr]
    await hass.services.async_call(
        DOMAIN,
        "share_request",
        share | {"start": _at(hub, 7).isoformat(), "end": _at(hub, 13).isoformat()},
        blocking=True,
        return_response=True,
    )
    (stored,) = await vault.lifecycle.async_shares()
    assert stored.manifest["window"] == {"start": _at(hub, 7).isoformat(), "end": _at(hub, 13).isoformat()}
    assert [f["camera"] for f in stored.manifest["files"]] == ["Back door"]


async def test_services_and_the_panel_answer_alike(
    hass: HomeAssistant, hub: MockConfigEntry, ws: Socket
) -> None:
    """The audit check, the audit export and the report answer alike through a service and the panel, and a
    camera the house lacks is refused in the same words."""
    request_id = (await _submit(hass, hub))["request_id"]

    async def service(name: str, data: dict[str, Any]) -> Any:
        return await hass.services.async_call(DOMAIN, name, data, blocking=True, return_response=True)

    assert await service("verify_audit", {}) == await ws.result({"type": f"{DOMAIN}/audit/verify"})
    exported = await service("export_audit", {})
    assert set(exported) == set(await ws.result({"type": f"{DOMAIN}/audit/export"}))
    report = await service("transparency_report", {})
    assert set(report) == set(await ws.result({"type": f"{DOMAIN}/report"}))
    assert Path(report["exports"][0]).parent == Path(exported["path"]).parent

    attic = {"request_id": request_id, "cameras": ["Attic"]}
    with pytest.raises(ServiceValidationError) as refused:
        await service("share_request", attic)
    answer = await ws.call({"type": f"{DOMAIN}/requests/preview", **attic})
    assert (answer["error"]["code"], answer["error"]["message"]) == ("unknown_camera", str(refused.value))
