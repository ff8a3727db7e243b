"""Sharing: evidence packages (real ffmpeg), the download link, revocation, the transparency report."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from homeassistant.components import media_source
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence import clips
from custom_components.doorbell_vault.evidence.export import package_problems
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.recording.retention import Retention, prune
from custom_components.doorbell_vault.requests.lifecycle import EVENT_DECIDED
from custom_components.doorbell_vault.store import holds, segments
from custom_components.doorbell_vault.store.segments import Segment

from .conftest import (
    audit_entries,
    camera_named,
    camera_subentry,
    ffprobe,
    footage_hub,
    make_hub,
    share_in_background,
    share_request,
    submit_request,
    unzip,
    wait_for,
)
from .phones import add_phone

GOP_S = 2.1
CAMERAS = ("Front door", "Back door", "Garage")


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """A hub with three cameras and 30 s of footage each, an hour ago."""
    entry = await footage_hub(hass, storage, sample_segment, CAMERAS)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


def _probe(path: Path) -> tuple[float, list[str]]:
    data = ffprobe(path)
    return float(data["format"]["duration"]), [s["codec_type"] for s in data["streams"]]


def _boxes(path: Path) -> list[str]:
    """The top-level MP4 boxes, in file order."""
    names, data, at = [], path.read_bytes(), 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4]), data[at + 4 : at + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16])
        names.append(kind)
        at += size if size else len(data)
    return names


PACKAGE_NAMES = [
    "front-door.mp4",
    "back-door.mp4",
    "manifest.json",
    "manifest.json.sig",
    "SHA256SUMS",
    "CHAIN_OF_CUSTODY.txt",
    "public_key.pem",
    "verify_package.py",
    "verify.html",
]


async def _assert_only_the_tokens_hash_is_stored(vault: DoorbellVault, token: str) -> None:
    stored = await vault.store.async_call(
        lambda db: db.execute("SELECT token_hash FROM shares").fetchone()[0]
    )
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (vault.storage / "doorbell_vault.db").read_bytes().decode("latin-1")


def _assert_files_hashes_and_signature_verify(folder: Path, manifest: dict[str, Any]) -> Ed25519PublicKey:
    """Every file matches the manifest, sha256sum agrees, and the signature verifies (ours and openssl's);
    the package's public key."""
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(PACKAGE_NAMES)
    assert not any("garage" in name for name in names)
    for described in manifest["files"]:
        data = (folder / described["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == described["sha256"]
        assert len(data) == described["bytes"]
        assert len(described["sources"]) == 3
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["signature"]["public_key"]))
    key.verify((folder / "manifest.json.sig").read_bytes(), (folder / "manifest.json").read_bytes())
    openssl = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem", "-rawin"]
        + ["-in", "manifest.json", "-sigfile", "manifest.json.sig"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert openssl.returncode == 0, openssl.stdout + openssl.stderr
    assert package_problems(folder) == []
    return key


async def _assert_the_manifest_says_who_decided_never_where(
    vault: DoorbellVault, folder: Path, manifest: dict[str, Any]
) -> None:
    """What was asked, who decided, and nothing that locates the household."""
    assert manifest["request"]["agency"] == "Springfield PD"
    assert manifest["request"]["case_number"] == "2026-0042"
    assert manifest["request"]["legal_basis"] == "warrant"
    assert manifest["decision"]["decided_by"] == "user"
    assert manifest["include_audio"] is False
    audit_head = await vault.lifecycle.async_verify_audit()
    assert manifest["audit_head"]["hash"] in {
        e["hash"] for e in map(json.loads, await vault.lifecycle.async_export_audit())
    }
    assert audit_head.ok
    text = json.dumps(manifest) + (folder / "CHAIN_OF_CUSTODY.txt").read_text()
    for private in ("rtsp", "127.0.0.1", "latitude", "smith@springfield.example", *vault.cameras):
        assert private not in text
    assert "Springfield PD" in (folder / "CHAIN_OF_CUSTODY.txt").read_text()


def _assert_clips_are_the_window_from_a_keyframe(folder: Path, manifest: dict[str, Any]) -> None:
    """Stream copy from the keyframe at or before the window: [12 s, 12 s + one GOP], no audio."""
    window = 12.0
    for described in manifest["files"]:
        duration, streams = _probe(folder / described["name"])
        assert window - 0.1 <= duration <= window + GOP_S, duration
        assert streams == ["video"]
        boxes = _boxes(folder / described["name"])
        assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart: playable while downloading
        assert described["starts_before_window_s"] <= GOP_S
        assert abs(described["duration_s"] - duration) < 0.01


def _assert_one_changed_byte_anywhere_fails(folder: Path, key: Ed25519PublicKey) -> None:
    for path in sorted(folder.iterdir()):
        original = path.read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
        assert package_problems(folder), f"{path.name} changed but the package still verifies"
        if path.name == "manifest.json":
            with pytest.raises(InvalidSignature):
                key.verify((folder / "manifest.json.sig").read_bytes(), bytes(flipped))
        path.write_bytes(original)
    assert package_problems(folder) == []


async def _assert_retention_prunes_only_the_unshared_camera(vault: DoorbellVault, now_us: int) -> None:
    """Retention never prunes footage under the share; the unshared camera's is fair game."""
    garage = camera_named(vault, "Garage")
    tiny = Retention(continuous_days=0.0001, event_days=0.0001, max_size_gb=0, min_free_gb=0)
    await vault.store.async_job(prune, vault.store, vault.storage, tiny, now_us)
    for camera_id in vault.cameras:
        left: list[Segment] = await vault.store.async_call(segments.in_window, camera_id, 0, 2**62)
        if camera_id == garage:
            assert left == []
        else:
            assert len(left) == 3
            assert all((vault.storage / s.path).exists() for s in left)


async def _assert_the_last_download_ends_the_share(
    hass: HomeAssistant, vault: DoorbellVault, client: Any, token_path: str, request_id: str, now_us: int
) -> None:
    """The second download is the last: the share ends, its files go, the holds lapse later. A scanner's
    GET spends nothing; only completed downloads count."""
    assert (await client.get(token_path)).status == 200
    second = await client.post(token_path)
    assert second.status == 200
    await second.read()
    await wait_for(lambda: not (vault.storage / "shares" / request_id).exists(), timeout=10, step=0.05)
    assert (await client.post(token_path)).status == 404
    await wait_for(lambda: not (vault.storage / "shares" / request_id).exists(), timeout=10, step=0.05)
    held = await vault.store.async_call(holds.every)
    assert held
    assert all(h.until_us is not None and h.until_us > now_us for h in held)
    assert [e["reason"] for e in await audit_entries(vault, "share_ended")] == ["exhausted"]

    report = hass.states.get("sensor.doorbell_vault_footage_requests")
    assert report is not None
    assert report.state == "1"
    assert report.attributes["shared"] == 1
    assert report.attributes["downloads"] == 2


async def test_share_two_of_three_cameras_download_and_verify(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    decided = async_capture_events(hass, EVENT_DECIDED)
    request_id = await submit_request(hass, hub, 7, 19)  # 12 s across three segments
    shared = await share_request(hass, request_id, cameras=["Front door", "back door"], max_downloads=2)

    assert shared["status"] == "shared"
    assert {f["camera"] for f in shared["files"]} == {"Front door", "Back door"}
    assert decided[-1].data == {"request_id": request_id, "decision": "shared", "decided_by": "user"}
    token_path = URL(shared["share_url"]).path
    assert token_path.startswith("/api/doorbell_vault/share/")
    await _assert_only_the_tokens_hash_is_stored(vault, token_path.rsplit("/", 1)[1])

    client = await hass_client_no_auth()
    manifest_response = await client.get(f"{token_path}/manifest.json")
    assert manifest_response.status == 200
    page = await client.get(token_path)
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    response = await client.post(token_path, headers={"User-Agent": "agency-downloader/1.0"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/zip"
    body = await response.read()
    folder = unzip(body, tmp_path / "package")

    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest == await manifest_response.json()
    key = _assert_files_hashes_and_signature_verify(folder, manifest)
    diagnostics = await async_get_config_entry_diagnostics(hass, hub)
    assert diagnostics["sharing"]["public_key"] == manifest["signature"]["public_key"]
    assert diagnostics["sharing"]["fingerprint"] == manifest["signature"]["fingerprint"]
    await _assert_the_manifest_says_who_decided_never_where(vault, folder, manifest)
    _assert_clips_are_the_window_from_a_keyframe(folder, manifest)
    _assert_one_changed_byte_anywhere_fails(folder, key)

    # The download is in the audit log (written as the response ends).
    await wait_for(lambda: audit_entries(vault, "share_downloaded"), timeout=10, step=0.05)
    downloads = await audit_entries(vault, "share_downloaded")
    assert downloads == [
        {
            "remote": "127.0.0.1",
            "user_agent": "agency-downloader/1.0",
            "bytes": len(body),
            "completed": True,
            "download": 1,
            "of": 2,
        }
    ]
    assert len(await audit_entries(vault, "share_manifest_viewed")) == 1

    now_us = int(dt_util.utcnow().timestamp() * 1_000_000)
    await _assert_retention_prunes_only_the_unshared_camera(vault, now_us)
    await _assert_the_last_download_ends_the_share(hass, vault, client, token_path, request_id, now_us)


async def _not_found(client: Any, path: str) -> tuple[int, str, dict[str, str]]:
    response = await client.get(path)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in {"date"}}
    return response.status, await response.text(), headers


async def _exhaust(vault: DoorbellVault, client: Any, path: str) -> None:
    """The one download a share allows, and the share ended as exhausted."""
    only = await client.post(path)
    assert only.status == 200
    await only.read()

    async def exhausted() -> bool:
        shares = await vault.lifecycle.async_shares()
        return any(s.end_reason == "exhausted" for s in shares)

    await wait_for(exhausted, timeout=10, step=0.05)


async def _revoke_once(hass: HomeAssistant, vault: DoorbellVault, request_id: str) -> None:
    """A share revoked by the service: its files go; a second revocation is refused."""
    revoked = await hass.services.async_call(
        DOMAIN, "revoke_share", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert revoked == {"request_id": request_id, "status": "revoked"}
    assert not (vault.storage / "shares" / request_id).exists()
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "revoke_share", {"request_id": request_id}, blocking=True)


async def _assert_climbing_out_never_reaches_the_share_view(client: Any, token: str) -> None:
    # Dot segments that climb out of the share path never reach the share view: Home Assistant's own 404.
    for path in (
        "/api/doorbell_vault/share/%2e%2e/%2e%2e/.signing_key",
        f"/api/doorbell_vault/share/{token}/../../.signing_key",
    ):
        status, text, _headers = await _not_found(client, path)
        assert (status, text) == (404, "404: Not Found")
    # Encoded traversal ("../" hidden as %2F or %2e%2e%2f) is refused by Home Assistant's own security
    # filter before any view runs: 400, and nothing from the storage folder.
    for path in (
        "/api/doorbell_vault/share/..%2F..%2Fdoorbell_vault.db",
        f"/api/doorbell_vault/share/{token}/%2e%2e%2f.webhook_secret",
    ):
        status, text, _headers = await _not_found(client, path)
        assert (status, text) == (400, "400: Bad Request")


async def test_unknown_expired_revoked_exhausted_and_traversal_tokens_get_the_same_404(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    vault: DoorbellVault = hub.runtime_data
    client = await hass_client_no_auth()
    paths = {}
    for label in ("revoked", "expired", "exhausted", "lapsed"):
        request_id = await submit_request(hass, hub, 7, 13)
        shared = await share_request(hass, request_id, cameras=["Garage"], max_downloads=1)
        paths[label] = (request_id, URL(shared["share_url"]).path)
    exhausted_path = paths["exhausted"][1]
    await _exhaust(vault, client, exhausted_path)
    revoked_id, revoked_path = paths["revoked"]
    await _revoke_once(hass, vault, revoked_id)

    # A share whose time ran out is refused even before its timer fires; then the timer ends it.
    await vault.store.async_call(
        lambda db: db.execute("UPDATE shares SET expires_us = 1 WHERE request_id = ?", (paths["lapsed"][0],))
    )
    lapsed = await _not_found(client, paths["lapsed"][1])
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(days=8))
    await hass.async_block_till_done()
    assert not (vault.storage / "shares" / paths["expired"][0]).exists()
    ended = {s.request_id: s.end_reason for s in await vault.lifecycle.async_shares()}
    assert sorted(ended.values()) == ["exhausted", "expired", "expired", "revoked"]

    token = exhausted_path.rsplit("/", 1)[1]
    answers = [
        await _not_found(client, path)
        for path in (
            revoked_path,
            paths["expired"][1],
            paths["lapsed"][1],
            exhausted_path,
            f"{exhausted_path}/manifest.json",
            "/api/doorbell_vault/share/" + "A" * 43,
            "/api/doorbell_vault/share/not-a-token",
            "/api/doorbell_vault/share/",
            f"/api/doorbell_vault/share/{token}/package.zip",
            f"/api/doorbell_vault/share/{token}/manifest.json/../package.zip",
        )
    ]
    await _assert_climbing_out_never_reaches_the_share_view(client, token)
    assert lapsed == answers[0]
    assert all(answer == answers[0] for answer in answers), [
        (i, a[0]) for i, a in enumerate(answers) if a != answers[0]
    ]
    assert answers[0][0] == 404
    assert answers[0][1] == "404: Not Found"


async def test_failed_build_leaves_the_request_pending_and_shares_nothing(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    vault: DoorbellVault = hub.runtime_data
    request_id = await submit_request(hass, hub, 7, 19)
    front = camera_named(vault, "Front door")
    found = await vault.store.async_call(segments.in_window, front, 0, 2**62)
    (vault.storage / found[2].path).write_bytes(b"not a video")

    with pytest.raises(HomeAssistantError, match="could not be built"):
        await share_request(hass, request_id, cameras=["Front door"])

    request = await vault.lifecycle.async_get(request_id)
    assert request is not None
    assert request.status == "pending"
    assert vault.lifecycle.building == {}
    assert list((vault.storage / "shares").iterdir()) == []
    assert (
        await vault.store.async_call(lambda db: db.execute("SELECT COUNT(*) FROM shares").fetchone()[0]) == 0
    )
    assert len(await audit_entries(vault, "share_failed")) == 1
    # The request's own hold still keeps the footage; the owner can still decide.
    assert [h.reason for h in await vault.store.async_call(holds.every)] == ["request"]
    with pytest.raises(ServiceValidationError, match="no camera called"):
        await share_request(hass, request_id, cameras=["Attic"])
    with pytest.raises(ServiceValidationError, match="between 1 hour and 90 days"):
        await share_request(hass, request_id, expires_in={"minutes": 5})
    with pytest.raises(ServiceValidationError):
        await share_request(hass, "no-such-request")
    shared = await share_request(hass, request_id, cameras=["Back door"])
    assert shared["status"] == "shared"


async def test_share_needs_footage_in_the_window(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    request_id = await submit_request(hass, hub, 600, 900)  # after the footage ends
    with pytest.raises(ServiceValidationError, match="has footage in the window"):
        await share_request(hass, request_id)
    request = await hub.runtime_data.lifecycle.async_get(request_id)
    assert request.status == "pending"


async def test_phone_share_button_uses_the_owners_defaults(
    hass: HomeAssistant, hub: MockConfigEntry, hass_admin_user: Any
) -> None:
    phone = add_phone(hass, hass_admin_user.id, "Pixel 9")
    sent = async_mock_service(hass, "notify", "mobile_app_pixel_9")
    hass.config_entries.async_update_entry(hub, options={**hub.options, "deciding_phones": [phone]})
    await hass.async_block_till_done()
    vault: DoorbellVault = hub.runtime_data
    request_id = await submit_request(hass, hub, 7, 13)
    decided = async_capture_events(hass, EVENT_DECIDED)
    ids = await hass.services.async_call(
        DOMAIN, "notification_actions", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert ids is not None
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": ids["share"]},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert decided[-1].data["decision"] == "shared"
    # The link goes to the phone that shared, and nowhere else.
    (link,) = sent
    assert "/api/doorbell_vault/share/" in link.data["message"]
    share = (await vault.lifecycle.async_shares())[0]
    assert share.max_downloads == 3
    assert timedelta(microseconds=share.expires_us - share.created_us) == timedelta(days=7)
    assert share.manifest["include_audio"] is False
    assert len(share.manifest["files"]) == 3  # every camera with footage
    # A role, not the person's name, unless the owner chose to give it (tests/test_evidence_trust.py).
    assert share.manifest["decision"]["decider_role"] == "household member"
    assert share.manifest["decision"]["decider"] is None
    notifications = hass.data["persistent_notification"]
    shared = [n for n in notifications.values() if "shared" in n["title"].lower()]
    assert shared
    assert "/api/doorbell_vault/share/" not in json.dumps(list(notifications.values()), default=str)
    assert f"(/doorbell-vault/request/{request_id})" in shared[0]["message"]


async def test_websocket_share_and_revoke(
    hass: HomeAssistant, hub: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    request_id = await submit_request(hass, hub, 7, 13)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "doorbell_vault/requests/subscribe"})
    assert (await client.receive_json())["success"]
    await client.send_json_auto_id(
        {
            "type": "doorbell_vault/requests/decide",
            "request_id": request_id,
            "decision": "share",
            "cameras": ["Garage"],
            "include_audio": True,
            "expires_in_hours": 2,
            "max_downloads": 1,
        }
    )
    progress = []
    while (answer := await client.receive_json())["type"] == "event":
        progress.append(answer["event"]["progress"])
    # An event goes out once its summary is read from the store: the last ones may follow the answer.
    while not progress or progress[-1] is not None:
        async with asyncio.timeout(10):
            event = await client.receive_json()
        assert event["type"] == "event", event
        progress.append(event["event"]["progress"])
    assert "cutting Garage (1/1)" in progress  # the request shows how its package is coming along
    assert progress.index("cutting Garage (1/1)") < progress.index("hashing") < progress.index("signing")
    assert answer["success"], answer
    assert answer["result"]["status"] == "shared"
    assert [f["camera"] for f in answer["result"]["share"]["files"]] == ["Garage"]
    share = (await hub.runtime_data.lifecycle.async_shares())[0]
    assert share.manifest["include_audio"] is True
    assert timedelta(microseconds=share.expires_us - share.created_us) == timedelta(hours=2)

    async def answer_to(message: dict[str, Any]) -> dict[str, Any]:
        await client.send_json_auto_id(message)
        while (answer := await client.receive_json())["type"] == "event":
            pass
        return answer

    revoke = {"type": "doorbell_vault/requests/decide", "request_id": request_id, "decision": "revoke"}
    assert (await answer_to(revoke))["result"]["status"] == "revoked"
    assert (await answer_to(revoke))["error"]["code"] == "no_live_share"


async def test_transparency_report_counts_and_exports(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    vault: DoorbellVault = hub.runtime_data
    shared_id = await submit_request(hass, hub, 7, 19)
    declined_id = await submit_request(hass, hub, 7, 19)
    await hass.services.async_call(DOMAIN, "decline_request", {"request_id": declined_id}, blocking=True)
    rejected = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {
            "agency": "=HYPERLINK(evil)",
            "start": (hub.base - timedelta(hours=1)).isoformat(),  # type: ignore[attr-defined]
            "end": hub.base.isoformat(),  # type: ignore[attr-defined]
        },
        blocking=True,
        return_response=True,
    )
    assert rejected["status"] == "rejected"
    shared = await share_request(hass, shared_id, cameras=["Front door"])
    client = await hass_client_no_auth()
    downloaded = await client.post(URL(shared["share_url"]).path)
    assert downloaded.status == 200
    await downloaded.read()
    await wait_for(lambda: audit_entries(vault, "share_downloaded"), timeout=10, step=0.05)

    report = await hass.services.async_call(
        DOMAIN, "transparency_report", {}, blocking=True, return_response=True
    )
    assert report is not None
    assert report["requests"] == 3
    assert report["by_outcome"]["shared"] == 1
    assert report["by_outcome"]["declined"] == 1
    assert report["by_outcome"]["rejected"] == 1
    assert report["by_legal_basis"] == {"voluntary": 1, "warrant": 2}
    assert report["by_agency"]["Springfield PD"]["total"] == 2
    assert report["downloads"] == 1
    assert report["downloads_completed"] == 1
    assert 0.2 < report["minutes_shared"] < 0.25  # 12 s asked, up to one GOP more
    assert report["median_minutes_to_decision"] is not None
    markdown, csv_path = (Path(p) for p in report["exports"])
    assert markdown.parent == vault.storage / "exports"
    assert "| shared | 1 |" in markdown.read_text()
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("received,agency,case_number")
    assert len(lines) == 4
    assert "'=HYPERLINK(evil)" in csv_path.read_text()  # no formula injection into spreadsheets

    later = await hass.services.async_call(
        DOMAIN,
        "transparency_report",
        {"since": (dt_util.utcnow() + timedelta(minutes=1)).isoformat()},
        blocking=True,
        return_response=True,
    )
    assert later["requests"] == 0


async def test_share_from_a_real_recording(
    hass: HomeAssistant,
    storage: Path,
    doorbell: Any,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    """Three cameras record the simulated doorbell; two are shared, cut by stream copy from real segments."""
    entry = make_hub(hass, storage, [camera_subentry(doorbell, name) for name in CAMERAS])
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data

    async def recording() -> bool:
        return all([await vault.store.async_call(segments.newest, c) for c in vault.cameras])

    await wait_for(recording, timeout=60)
    starts = [
        (await vault.store.async_call(segments.in_window, c, 0, 2**62))[0].start_us for c in vault.cameras
    ]
    window_start = max(starts) + 3_000_000
    window_end = window_start + 10_000_000  # crosses the first segment boundary

    async def covered() -> bool:
        newest = [await vault.store.async_call(segments.newest, c) for c in vault.cameras]
        return all(s is not None and s.end_us >= window_end for s in newest)

    await wait_for(covered, timeout=60)
    entry.base = dt_util.utc_from_timestamp(window_start / 1_000_000)  # type: ignore[attr-defined]
    video_only = await submit_request(hass, entry, 0, 10)
    with_audio = await submit_request(hass, entry, 0, 10)
    shared = await share_request(hass, video_only, cameras=["Front door", "Back door"])
    audio = await share_request(hass, with_audio, cameras=["Garage"], include_audio=True)

    client = await hass_client_no_auth()
    for result, cameras, streams in (
        (shared, {"Front door", "Back door"}, ["video"]),
        (audio, {"Garage"}, ["video", "audio"]),
    ):
        response = await client.post(URL(result["share_url"]).path)
        assert response.status == 200
        folder = unzip(await response.read(), tmp_path / result["request_id"])
        assert package_problems(folder) == []
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, check=False)
        assert check.returncode == 0
        manifest = json.loads((folder / "manifest.json").read_text())
        assert {f["camera"] for f in manifest["files"]} == cameras
        for described in manifest["files"]:
            duration, kinds = _probe(folder / described["name"])
            assert 10 - 0.1 <= duration <= 10 + GOP_S, (duration, described, window_start)
            assert sorted(kinds) == sorted(streams)
            assert len(described["sources"]) >= 2
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_cut_trusts_the_later_segment_when_an_early_one_was_indexed_late(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    """The recorder may index a recording's first segment a little late; the cut must not grow by it."""
    vault: DoorbellVault = hub.runtime_data
    front = camera_named(vault, "Front door")
    second = (await vault.store.async_call(segments.in_window, front, 0, 2**62))[1]
    await vault.store.async_call(
        lambda db: db.execute(
            "UPDATE segments SET start_us = start_us + 1500000, end_us = end_us + 1500000 WHERE id = ?",
            (second.id,),
        )
    )
    request_id = await submit_request(hass, hub, 10.5, 16.5)  # 6 s, from the shifted segment into the next
    shared = await share_request(hass, request_id, cameras=["Front door"])
    share = (await vault.lifecycle.async_shares())[0]
    described = share.manifest["files"][0]
    assert 6 - 0.1 <= described["duration_s"] <= 6 + GOP_S, described
    assert described["start"] <= (hub.base + timedelta(seconds=10.5)).isoformat()  # type: ignore[attr-defined]
    assert shared["files"][0]["sha256"] == described["sha256"]


async def test_too_small_an_index_reservation_falls_back_to_a_faststart_pass(
    hass: HomeAssistant, hub: MockConfigEntry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(clips, "MOOV_BASE", 64)
    monkeypatch.setattr(clips, "MOOV_PER_PACKET", 0)
    request_id = await submit_request(hass, hub, 7, 19)
    await share_request(hass, request_id, cameras=["Garage"])
    clip = hub.runtime_data.storage / "shares" / request_id / "garage.mp4"
    boxes = _boxes(clip)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    assert 12 - 0.1 <= _probe(clip)[0] <= 12 + GOP_S


async def test_half_built_and_ended_packages_are_swept_at_start(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    vault: DoorbellVault = hub.runtime_data
    live_id = await submit_request(hass, hub, 7, 13)
    await share_request(hass, live_id, cameras=["Garage"])
    shares = vault.storage / "shares"
    (shares / ".building-crashed").mkdir()
    (shares / ".building-crashed" / "garage.mp4").write_bytes(b"half")
    (shares / "ended-long-ago").mkdir()
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert sorted(p.name for p in shares.iterdir()) == [live_id]


async def test_no_second_decision_while_a_package_is_being_built(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    vault: DoorbellVault = hub.runtime_data
    request_id, building = await share_in_background(hass, hub)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "decline_request", {"request_id": request_id}, blocking=True)
    with pytest.raises(ServiceValidationError):
        await share_request(hass, request_id)
    assert (await building)["status"] == "shared"
    assert len(await vault.lifecycle.async_shares()) == 1


async def test_a_share_cancelled_while_its_package_is_cut_is_recorded_and_leaves_the_request_pending(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    vault: DoorbellVault = hub.runtime_data
    request_id, building = await share_in_background(hass, hub, stage="cutting")
    building.cancel()
    with pytest.raises(asyncio.CancelledError):
        await building
    assert len(await audit_entries(vault, "share_failed")) == 1
    request = await vault.lifecycle.async_get(request_id)
    assert request is not None
    assert request.status == "pending"
    assert await vault.lifecycle.async_shares() == []


async def test_revoking_stops_a_running_download(
    hass: HomeAssistant,
    storage: Path,
    sample_segment: Path,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=80)
    vault: DoorbellVault = entry.runtime_data
    request_id = await submit_request(hass, entry, 1, 470)
    shared = await share_request(hass, request_id)
    client = await hass_client_no_auth()
    response = await client.post(URL(shared["share_url"]).path)
    assert response.status == 200
    assert await response.content.read(65536)
    await hass.services.async_call(DOMAIN, "revoke_share", {"request_id": request_id}, blocking=True)

    async def read_the_rest() -> None:
        while await response.content.read(1 << 20):
            pass

    with pytest.raises(aiohttp.ClientPayloadError):  # cut off, not a clean end
        await read_the_rest()
    await wait_for(lambda: audit_entries(vault, "share_downloaded"), timeout=10, step=0.05)
    (logged,) = await audit_entries(vault, "share_downloaded")
    assert logged["completed"] is False
    total = sum(f["bytes"] for f in shared["files"])
    assert logged["bytes"] < total
    assert (await client.get(URL(shared["share_url"]).path)).status == 404
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_media_panel_shows_exactly_what_is_shared(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "media_source", {})
    request_id = await submit_request(hass, hub, 7, 19)
    shared = await share_request(hass, request_id, cameras=["Front door", "Garage"], max_downloads=2)

    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    assert [c.title for c in root.children][-1] == "Shared footage"
    shares = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/shares")
    (folder,) = shares.children
    assert folder.title.startswith("Springfield PD")
    assert "(0/2 downloads)" in folder.title
    clips = (
        await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/{folder.identifier}")
    ).children
    assert [c.title.split(" ")[0] for c in clips] == ["Front", "Garage"]
    played = await media_source.async_resolve_media(
        hass, f"media-source://{DOMAIN}/{clips[0].identifier}", None
    )
    client = await hass_client()
    response = await client.get(played.url)
    assert response.status == 200
    assert hashlib.sha256(await response.read()).hexdigest() == shared["files"][0]["sha256"]
    assert (await client.get(f"/api/doorbell_vault/shared/{request_id}/..%2Fdoorbell_vault.db")).status in (
        400,
        404,
    )
    assert (await client.get(f"/api/doorbell_vault/shared/{request_id}/CHAIN_OF_CUSTODY.txt")).status == 404

    await hass.services.async_call(DOMAIN, "revoke_share", {"request_id": request_id}, blocking=True)
    assert (await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/shares")).children == []
    with pytest.raises(media_source.Unresolvable):
        await media_source.async_resolve_media(hass, f"media-source://{DOMAIN}/{clips[0].identifier}", None)
    assert (await client.get(played.url)).status == 404
