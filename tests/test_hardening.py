"""Issue 12: nobody but the household decides, and nothing the requester writes can mislead it.

One test per finding of the review (finding 1, discovery, is in test_camera_flow.py:
test_zeroconf_discovery_adds_a_camera_to_the_hub; its identity pinning, ONVIF and RTSPS certificates, is
at the end of this file); each fails on the code before the fix.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import stat
import time
import zipfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from homeassistant.components.http.ban import (
    KEY_BAN_MANAGER,
    KEY_FAILED_LOGIN_ATTEMPTS,
    KEY_LOGIN_THRESHOLD,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.http import KEY_HASS
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.evidence import export, views
from custom_components.doorbell_vault.evidence.export import verify_package
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.intake import RateLimit
from custom_components.doorbell_vault.requests.policy import Policy, check
from custom_components.doorbell_vault.requests.secret import SECRET_FILE, sign, write_secret
from custom_components.doorbell_vault.requests.validation import RequestInvalid, validate
from custom_components.doorbell_vault.store import holds
from custom_components.doorbell_vault.store import shares as stored_shares

from .conftest import Offline, camera_subentry, footage_hub, make_hub, wait_for
from .phones import add_phone

SECRET = b"Zr8s1Yk2Vb9QeT4mN7xJpL0aHc3uWfGd"


def _window(hours_ago: float = 3) -> tuple[str, str]:
    start = dt_util.utcnow() - timedelta(hours=hours_ago)
    return start.isoformat(), (start + timedelta(hours=1)).isoformat()


def _body(**overrides: Any) -> dict[str, Any]:
    start, end = _window()
    body = {"agency": "Springfield PD", "case_number": "2026-1", "legal_basis": "warrant"}
    body |= {"start": start, "end": end} | overrides
    return {k: v for k, v in body.items() if v is not None}


def _signed(body: bytes, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    once = nonce or secrets.token_urlsafe(18)
    return {
        "Content-Type": "application/json",
        "X-Doorbell-Vault-Timestamp": str(stamp),
        "X-Doorbell-Vault-Nonce": once,
        "X-Doorbell-Vault-Signature": sign(SECRET, stamp, once, body),
    }


async def _post(client: Any, entry: MockConfigEntry, body: Any, **headers: str) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", **headers}
    response = await client.post(f"/api/webhook/{entry.data['webhook_id']}", data=body, headers=headers)
    text = await response.text()
    return response.status, json.loads(text) if text.startswith("{") else text


async def _count(entry: MockConfigEntry, table: str) -> int:
    return int(
        await entry.runtime_data.store.async_call(
            lambda db: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        )
    )


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path) -> Any:
    entry = make_hub(
        hass, storage, [camera_subentry(Offline(), "Front door")], agency_blocklist=["Acme Police"]
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def footage(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=80)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


async def _pending(hass: HomeAssistant, entry: MockConfigEntry, start_s: float = 1, end_s: float = 20) -> str:
    base = entry.base  # type: ignore[attr-defined]
    result = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        _body(
            start=(base + timedelta(seconds=start_s)).isoformat(),
            end=(base + timedelta(seconds=end_s)).isoformat(),
        ),
        blocking=True,
        return_response=True,
    )
    assert result is not None
    assert result["status"] == "pending", result
    return str(result["request_id"])


# Finding 2 ---------------------------------------------------------------------------------------


async def test_only_admins_decide_only_chosen_phones_with_a_nonce_and_the_link_is_shown_once(
    hass: HomeAssistant,
    footage: MockConfigEntry,
    hass_admin_user: Any,
    hass_read_only_user: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id = await _pending(hass, footage)
    member = Context(user_id=hass_read_only_user.id)
    for service, data in (
        ("submit_request", _body()),
        ("decline_request", {"request_id": request_id}),
        ("share_request", {"request_id": request_id, "include_audio": True}),
        ("revoke_share", {"request_id": request_id}),
        ("export_audit", {}),
        ("transparency_report", {}),
        ("notification_actions", {"request_id": request_id}),
    ):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(
                DOMAIN, service, data, blocking=True, context=member, return_response=True
            )
    assert (await footage.runtime_data.lifecycle.async_get(request_id)).status == "pending"

    # A household member's phone: no phone chosen yet, then not one of the chosen.
    ids = await hass.services.async_call(
        DOMAIN, "notification_actions", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert ids is not None
    members_phone = add_phone(hass, hass_read_only_user.id, "Kid's phone")
    owners_phone = add_phone(hass, hass_admin_user.id, "Pixel 9")

    def fire(action: str, user: Any) -> None:
        hass.bus.async_fire(
            "mobile_app_notification_action", {"action": action}, context=Context(user_id=user.id)
        )

    fire(ids["share"], hass_read_only_user)
    await hass.async_block_till_done()
    assert "no phone may decide" in caplog.text
    hass.config_entries.async_update_entry(
        footage, options={**footage.options, "deciding_phones": [owners_phone]}
    )
    await hass.async_block_till_done()
    vault: DoorbellVault = footage.runtime_data
    fire(ids["share"], hass_read_only_user)
    fire(f"DOORBELL_VAULT_SHARE_{request_id}", hass_admin_user)  # the old action id, without a nonce
    fire(f"DOORBELL_VAULT_SHARE_{request_id}_{'0' * 32}", hass_admin_user)  # a guessed nonce
    await hass.async_block_till_done()
    assert "not from a phone chosen to decide" in caplog.text
    assert "nonce is missing or wrong" in caplog.text
    assert (await vault.lifecycle.async_get(request_id)).status == "pending"
    assert members_phone != owners_phone

    # The administrator shares: the link is in the answer, never in a notification every user sees.
    shared = await hass.services.async_call(
        DOMAIN,
        "share_request",
        {"request_id": request_id},
        blocking=True,
        return_response=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert shared is not None
    token = URL(str(shared["share_url"])).path.rsplit("/", 1)[1]
    notifications = hass.data["persistent_notification"]
    assert any("shared" in n["title"].lower() for n in notifications.values())
    assert token not in json.dumps(list(notifications.values()), default=str)


# Finding 3 ---------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
BLOCKED = Policy(agency_blocklist=("Acme Police",), require_case_number=False)


def _clean(**fields: Any) -> dict[str, Any]:
    raw = {
        "agency": "Springfield PD",
        "start": (NOW - timedelta(hours=3)).isoformat(),
        "end": (NOW - timedelta(hours=2)).isoformat(),
    }
    return validate(raw | fields)


@pytest.mark.parametrize(
    ("agency", "outcome"),
    [
        ("Acme\u200bPolice", "refused"),  # zero-width space
        ("Acme\u2060Police", "refused"),  # word joiner
        ("Acme Police\ufeff", "refused"),  # zero-width no-break space
        ("\u202eecilop emcA", "refused"),  # right-to-left override
        ("Acme\u2066 Police\u2069", "refused"),  # bidi isolates
        ("Acme\u0085Police", "refused"),  # C1 control (next line)
        ("Acme\u2028Police", "refused"),  # line separator
        ("\u0410cme Police", "blocked"),  # Cyrillic capital A
        ("\u0410\u0441m\u0435 \u0420\u043el\u0456\u0441\u0435", "blocked"),  # Cyrillic a, c, e, P, o, i
        ("Acme\u00a0Police", "blocked"),  # non-breaking space
        ("Acme  Police", "blocked"),  # double space
        ("Acme Police.", "blocked"),  # trailing dot
        ("ACME POLICE", "blocked"),  # case
        ("Ａｃｍｅ Ｐｏｌｉｃｅ", "blocked"),  # full-width (NFKC)
        ("Acme Po1ice", "blocked"),  # digit one for l
        ("Acmé Police", "blocked"),  # an accent does not dodge a block
        ("Springfield PD", "accepted"),
    ],
)
def test_agency_text_cannot_hide_or_dodge_the_block_list(agency: str, outcome: str) -> None:
    if outcome == "refused":
        with pytest.raises(RequestInvalid) as err:
            _clean(agency=agency)
        assert err.value.errors[0]["field"] == "agency"
        return
    fields = _clean(agency=agency)
    problems = check(BLOCKED, fields, NOW)
    assert ("agency_blocked" in problems) is (outcome == "blocked"), fields["agency"]


def test_allow_list_is_not_fooled_by_look_alikes() -> None:
    allowed = Policy(agency_allowlist=("Acme Police",), require_case_number=False)
    assert check(allowed, _clean(agency="Acme Police."), NOW) == []
    assert "agency_not_allowed" in check(allowed, _clean(agency="Acmé Police"), NOW)


@pytest.mark.parametrize("field", ["case_number", "requester_name", "requester_email"])
@pytest.mark.parametrize("trick", ["\n", "\r", "\t", "\u2029", "\u200d", "\u202e", "\x9b"])
def test_single_line_fields_refuse_line_breaks_and_invisible_characters(field: str, trick: str) -> None:
    value = f"a{trick}b@example.org" if field == "requester_email" else f"2026{trick}0042"
    with pytest.raises(RequestInvalid) as err:
        _clean(**{field: value})
    assert err.value.errors[0]["field"] == field


def test_custody_record_quotes_what_the_requester_wrote(tmp_path: Path) -> None:
    order = export.Order(
        storage=tmp_path,
        request_id="r1",
        request={
            "agency": 'Acme "PD"',
            "case_number": "1\nDecided by:     user (Judge Dredd)",  # stored before the fix
            "legal_basis": "warrant",
            "requester_name": "Smith\u202e",
            "received": "2026-11-25T12:00:00+00:00",
        },
        decision={"decided_by": "user", "decider_role": "household member", "decider": "Owner"},
        start_us=0,
        end_us=1,
        cameras=[],
        include_audio=False,
        audit_head={"entries": 1, "hash": "x"},
        software={"name": "Doorbell Vault", "version": "1"},
        terms={"text": ["Delete this footage."]},
        key_fingerprint={"hex": "ab", "words": "a b"},
        ffmpeg="ffmpeg",
        ffprobe="ffprobe",
    )
    text = export.custody_text(order, [], "now")
    assert [line for line in text.splitlines() if line.startswith("Decided by:")] == [
        'Decided by:     household member ("Owner")'
    ]
    assert 'Case number:    "1\\nDecided by:     user (Judge Dredd)"' in text
    assert 'Asked by:       "Acme \\"PD\\"" ("Smith\\u202e")' in text


async def test_notifications_escape_markdown_from_the_requester(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    agency = "![](https://tracker.example/p.png) [View warrant](https://phish.example) **urgent**"
    result = await hass.services.async_call(
        DOMAIN, "submit_request", _body(agency=agency), blocking=True, return_response=True
    )
    assert result is not None
    note = hass.data["persistent_notification"][f"doorbell_vault_{result['request_id']}"]["message"]
    assert "![](" not in note
    assert "[View warrant](" not in note
    assert "\\!\\[\\]\\(https://tracker" in note.replace("\\:", ":").replace("\\.", ".").replace("\\/", "/")


# Finding 4 ---------------------------------------------------------------------------------------


async def test_a_scanners_get_spends_nothing_and_an_ending_share_lets_a_running_download_finish(
    hass: HomeAssistant, footage: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator, tmp_path: Path
) -> None:
    vault: DoorbellVault = footage.runtime_data
    request_id = await _pending(hass, footage, 1, 470)
    shared = await hass.services.async_call(
        DOMAIN,
        "share_request",
        {"request_id": request_id, "max_downloads": 1},
        blocking=True,
        return_response=True,
    )
    assert shared is not None
    # Finding 7, files: each file of the package is owner-only by itself (0600 as ffmpeg or the
    # builder created it), not only behind its 0700 folder.
    package = vault.storage / "shares" / request_id
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in package.iterdir()}
    assert "front-door.mp4" in modes
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(package.stat().st_mode) == 0o700
    path = URL(str(shared["share_url"])).path
    client = await hass_client_no_auth()
    for _ in range(5):  # a mail scanner, a chat preview, the officer opening it twice
        page = await client.get(path)
        assert page.status == 200
        assert page.headers["Cache-Control"] == "no-store"
        text = await page.text()
        assert "front-door.mp4" in text
        assert '<form method="post"' in text
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert (share.downloads, share.attempts) == (0, 0)

    # The download starts; the share expires meanwhile; the download still completes.
    response = await client.post(path)
    assert response.status == 200
    first = await response.content.read(65536)
    assert first
    await vault.shares.async_end(request_id, "expired")
    assert (await client.get(path)).status == 404  # no new start
    body = first + await response.read()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(tmp_path / "package")
    assert verify_package(tmp_path / "package") == []
    await wait_for(lambda: not (vault.storage / "shares" / request_id).exists(), timeout=10, step=0.05)
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert (share.downloads, share.attempts, share.end_reason) == (1, 1, "expired")


async def test_download_attempts_have_their_own_cap(hass: HomeAssistant, footage: MockConfigEntry) -> None:
    vault: DoorbellVault = footage.runtime_data
    request_id = await _pending(hass, footage)
    shared = await hass.services.async_call(
        DOMAIN,
        "share_request",
        {"request_id": request_id, "max_downloads": 1},
        blocking=True,
        return_response=True,
    )
    assert shared is not None
    token = URL(str(shared["share_url"])).path.rsplit("/", 1)[1]
    claims = [await vault.shares.async_find(token, attempt=True) for _ in range(11)]
    assert [c is not None for c in claims] == [True] * 10 + [False]
    assert (await vault.shares.async_find(token)) is not None  # the page still shows; no download is spent


# Finding 5 ---------------------------------------------------------------------------------------


async def test_deadlines_pending_per_source_rates_per_source_and_replays_are_bounded(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path
) -> None:
    storage.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(write_secret, storage, SECRET.decode())
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")], max_pending_per_source=2)
    assert await hass.config_entries.async_setup(entry.entry_id)
    client = await hass_client_no_auth()

    # A deadline years ahead would hold every camera's footage for years: rejected, nothing held.
    far = json.dumps(_body(deadline="9999-12-31T00:00:00+00:00")).encode()
    status, answer = await _post(client, entry, far, **_signed(far))
    assert (status, answer["status"]) == (202, "rejected")
    request = await entry.runtime_data.lifecycle.async_get(answer["request_id"])
    assert "deadline_too_far" in request.problems
    assert await entry.runtime_data.store.async_call(holds.every) == []

    # Pending requests per source are capped.
    for _ in range(2):
        body = json.dumps(_body()).encode()
        assert (await _post(client, entry, body, **_signed(body)))[0] == 202
    body = json.dumps(_body()).encode()
    status, answer = await _post(client, entry, body, **_signed(body))
    assert status == 429
    assert "already pending" in answer["errors"][0]["message"]
    assert await _count(entry, "requests") == 3

    # A captured body cannot be replayed, not even after a restart; old and stale signatures are refused.
    withdraw = json.dumps({"action": "withdraw", "request_id": "nope"}).encode()
    headers = _signed(withdraw)
    assert (await _post(client, entry, withdraw, **headers))[0] == 400
    status, answer = await _post(client, entry, withdraw, **headers)
    assert (status, answer["errors"][0]["message"]) == (401, "this nonce was already used (a replay?)")
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert (await _post(client, entry, withdraw, **headers))[0] == 401
    stale = _signed(withdraw, timestamp=int(time.time()) - 301)
    assert "more than 300 s" in (await _post(client, entry, withdraw, **stale))[1]["errors"][0]["message"]
    import hashlib
    import hmac

    old = "sha256=" + hmac.new(SECRET, withdraw, hashlib.sha256).hexdigest()
    status, answer = await _post(client, entry, withdraw, **{"X-Doorbell-Vault-Signature": old})
    assert status == 401
    assert "no longer accepted" in answer["errors"][0]["message"]
    await hass.config_entries.async_unload(entry.entry_id)


def test_rate_limit_is_per_source() -> None:
    rate = RateLimit(3)
    assert [rate.allow("203.0.113.1") for _ in range(4)] == [True, True, True, False]
    assert rate.allow("203.0.113.2")  # one source cannot starve the rest


# Finding 6 ---------------------------------------------------------------------------------------


async def test_webhook_reads_chunked_bodies_and_checks_the_signature_before_size_and_type(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, hub: MockConfigEntry, storage: Path
) -> None:
    client = await hass_client_no_auth()
    body = json.dumps(_body(reason="x" * 1900)).encode()

    async def chunks(data: bytes, size: int = 97) -> Any:
        for at in range(0, len(data), size):
            yield data[at : at + size]

    status, answer = await _post(client, hub, chunks(body))
    assert status == 202, answer
    big = json.dumps(_body(reason="x" * 2000, agency="A" * 70_000)).encode()
    assert (await _post(client, hub, chunks(big)))[0] == 413

    await hass.async_add_executor_job(write_secret, storage, SECRET.decode())
    assert await hass.config_entries.async_reload(hub.entry_id)
    # Without a valid signature a caller learns nothing else: 401 before 413 and 415.
    assert (await _post(client, hub, b"agency=x", **{"Content-Type": "text/plain"}))[0] == 401
    assert (await _post(client, hub, chunks(big)))[0] == 401
    plain = b"agency=x"
    assert (await _post(client, hub, plain, **{**_signed(plain), "Content-Type": "text/plain"}))[0] == 415
    signed = json.dumps(_body()).encode()
    assert (await _post(client, hub, chunks(signed, 50), **_signed(signed)))[0] == 202


# Finding 7 ---------------------------------------------------------------------------------------


async def test_secret_is_strong_atomic_counts_at_once_and_an_unreadable_one_closes_the_webhook(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, hub: MockConfigEntry, storage: Path
) -> None:
    from homeassistant.components.webhook import _HANDLERS

    webhook_id = hub.data["webhook_id"]
    assert hass.data[_HANDLERS][webhook_id].local_only is True
    assert stat.S_IMODE(storage.stat().st_mode) == 0o700
    assert stat.S_IMODE((storage / "doorbell_vault.db").stat().st_mode) == 0o600

    async def options(**requests: Any) -> dict[str, Any]:
        now = dict(hub.options)
        init = ("continuous_days", "event_days", "max_size_gb", "min_free_gb", "offline_minutes")
        required = (
            "require_case_number",
            "max_window_hours",
            "max_radius_m",
            "min_legal_basis",
            "exigent_as",
            "max_deadline_days",
            "max_pending_per_source",
            "requests_per_minute",
        )
        flow = await hass.config_entries.options.async_init(hub.entry_id)
        flow = await hass.config_entries.options.async_configure(flow["flow_id"], {k: now[k] for k in init})
        return await hass.config_entries.options.async_configure(
            flow["flow_id"], {k: now[k] for k in required} | requests
        )

    weak = await options(webhook_secret="hunter2hunter2hunter2hunter2")
    assert weak["errors"] == {"webhook_secret": "secret_too_weak"}
    flow = await options(generate_webhook_secret=True)
    sharing = (
        "share_days",
        "share_max_downloads",
        "share_include_audio",
        "share_hold_grace_days",
        "share_recipient_retention_days",
        "share_include_decider_name",
    )
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"], {k: hub.options[k] for k in sharing}
    )
    assert flow["step_id"] == "secret"
    shown = flow["description_placeholders"]["secret"]
    assert len(shown) == 43  # 256 bits, URL-safe base64
    flow = await hass.config_entries.options.async_configure(flow["flow_id"], {})
    assert flow["type"] == "create_entry"
    await hass.async_block_till_done()
    # Only a file changed, yet the webhook now demands the signature: no restart needed.
    assert hass.data[_HANDLERS][webhook_id].local_only is False
    secret_file = storage / SECRET_FILE
    assert secret_file.read_text() == shown
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert [p.name for p in storage.iterdir() if p.name.startswith(SECRET_FILE)] == [SECRET_FILE]

    # A crash that leaves the file empty never opens the webhook: it refuses everything and says why.
    secret_file.write_text("")
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert hub.state is ConfigEntryState.LOADED
    client = await hass_client_no_auth()
    body = json.dumps(_body()).encode()
    status, answer = await _post(client, hub, body)
    assert status == 401
    assert "closed" in answer["errors"][0]["message"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, "webhook_secret_unreadable") is not None
    assert await _count(hub, "requests") == 0


# Finding 8 ---------------------------------------------------------------------------------------


async def test_share_answers_carry_safe_headers_404s_are_quiet_and_the_link_says_if_it_is_local(
    hass: HomeAssistant,
    footage: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    request_id = await _pending(hass, footage)
    shared = await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert shared is not None
    assert shared["link_scope"] == "local"
    assert "https://" in str(shared["link_warning"])
    path = URL(str(shared["share_url"])).path
    client = await hass_client_no_auth()
    typo = path[:-1] + ("A" if path[-1] != "A" else "B")
    for response in (
        await client.get(path),
        await client.get(f"{path}/manifest.json"),
        await client.get(typo),
        await client.get(f"{typo}/manifest.json"),
        await client.post(typo),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        await response.read()
    for _ in range(20):
        assert (await client.get(typo)).status == 404
    # A live token with a typo never lands in Home Assistant's log (the test server's own access log
    # aside); a scanner does not flood the log or the notifications.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert typo.rsplit("/", 1)[1][:20] not in logged
    assert "Login attempt" not in logged
    assert "http-login" not in hass.data["persistent_notification"]
    assert logged.count("Unknown or ended share link") == views.LOGGED_PER_MINUTE

    # With an https:// external URL the link is for the world.
    await hass.config.async_update(external_url="https://vault.example.org")
    second = await _pending(hass, footage)
    shared = await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": second}, blocking=True, return_response=True
    )
    assert shared is not None
    assert str(shared["share_url"]).startswith("https://vault.example.org/api/doorbell_vault/share/")
    assert (shared["link_scope"], shared["link_warning"]) == ("external", None)


async def test_404s_count_toward_the_ban_only_when_the_owner_enabled_it(hass: HomeAssistant) -> None:
    banned: list[Any] = []

    class Bans:
        async def async_add_ban(self, address: Any) -> None:
            banned.append(address)

    def request(threshold: int) -> Any:
        app: dict[Any, Any] = {
            KEY_HASS: hass,
            KEY_BAN_MANAGER: Bans(),
            KEY_LOGIN_THRESHOLD: threshold,
            KEY_FAILED_LOGIN_ATTEMPTS: defaultdict(int),
        }
        return SimpleNamespace(app=app, remote="203.0.113.7")

    off = request(-1)
    await views._count_toward_ban(off)
    assert off.app[KEY_FAILED_LOGIN_ATTEMPTS] == {}
    on = request(3)
    for _ in range(3):
        await views._count_toward_ban(on)
    assert on.app[KEY_FAILED_LOGIN_ATTEMPTS][ip_address("203.0.113.7")] == 3
    assert banned == [ip_address("203.0.113.7")]
    assert isinstance(views.HEADERS, dict)
    assert web  # aiohttp is what the view answers with


async def test_attempt_claims_are_atomic_in_the_store(hass: HomeAssistant, footage: MockConfigEntry) -> None:
    vault: DoorbellVault = footage.runtime_data
    request_id = await _pending(hass, footage)
    await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": request_id, "max_downloads": 2}, blocking=True
    )
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert share.max_attempts == 10
    counted = await vault.store.async_call(stored_shares.count_download, request_id)
    assert counted is not None
    assert counted.downloads == 1


# Finding 1, identity pinned: a camera added by ONVIF moves only to a device with the same ONVIF identity.


@pytest.mark.usefixtures("socket_enabled")
async def test_an_onvif_camera_moves_only_to_the_same_onvif_device(
    hass: HomeAssistant, hub_entry: MockConfigEntry, doorbell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from homeassistant.config_entries import SOURCE_DHCP
    from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

    from custom_components.doorbell_vault.recording import discovery

    from .test_camera_flow import _Responder, _start_camera_flow

    monkeypatch.setattr(discovery, "SCAN_SECONDS", 0.3)
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        _Responder, local_addr=("127.0.0.1", 0)
    )
    monkeypatch.setattr(discovery, "WSD_TARGET", transport.get_extra_info("sockname"))
    try:
        result = await _start_camera_flow(hass, hub_entry, "onvif")
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"device": "0"})
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Side Gate", "url": doorbell.url.replace("127.0.0.1", "localhost")}
        )
        camera = next(iter(hub_entry.subentries.values()))
        assert camera.data["onvif_endpoint"] == "urn:uuid:4a1b2c3d"

        async def moved_to(ip: str) -> dict[str, Any]:
            info = DhcpServiceInfo(ip=ip, hostname="reolink-side", macaddress="aabbcc001122")
            flow = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_DHCP}, data=info
            )
            assert flow["step_id"] == "discovery_moved"
            return await hass.config_entries.flow.async_configure(flow["flow_id"], {})

        # Nothing answers as that camera at 127.0.0.2: refused before any credential is sent.
        refused = await moved_to("127.0.0.2")
        assert refused["errors"] == {"base": "identity_changed"}
        hass.config_entries.flow.async_abort(refused["flow_id"])
        # 127.0.0.1 answers with the same endpoint and streams: the camera follows.
        assert (await moved_to("127.0.0.1"))["reason"] == "camera_moved"
    finally:
        transport.close()
    assert next(iter(hub_entry.subentries.values())).data["url"].startswith("rtsp://127.0.0.1:")


# Finding 1, identity pinned: an rtsps:// camera is pinned to the certificate it presented when added.


def _certificate(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A self-signed certificate and key (openssl req -x509) and its SHA-256 fingerprint."""
    import hashlib
    import ssl
    import subprocess

    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-days", "2", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return cert, key, ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


class _Impostor:
    """A TLS server on the camera's port with another certificate; it keeps every byte a client sends."""

    def __init__(self) -> None:
        self.handshakes = 0
        self.received = b""

    async def serve(self, reader: Any, writer: Any) -> None:
        import asyncio
        import contextlib

        self.handshakes += 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                while data := await reader.read(4096):
                    self.received += data
        writer.close()


@pytest.mark.usefixtures("socket_enabled")
async def test_an_rtsps_camera_records_only_from_its_pinned_certificate(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    storage: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import ssl

    from homeassistant.components.camera import async_get_stream_source
    from homeassistant.components.repairs import repairs_flow_manager
    from homeassistant.data_entry_flow import FlowResultType
    from homeassistant.helpers import entity_registry as er
    from homeassistant.setup import async_setup_component

    from custom_components.doorbell_vault.hub import certificate_issue_id
    from custom_components.doorbell_vault.recording import recorder as recorder_module
    from custom_components.doorbell_vault.store import segments as stored_segments
    from devkit import simulator

    from .test_camera_flow import _start_camera_flow

    monkeypatch.setattr(recorder_module, "SEGMENT_SECONDS", 2)
    monkeypatch.setattr(recorder_module, "BACKOFF_MAX", 1.0)
    cert_a, key_a, fingerprint_a = await hass.async_add_executor_job(_certificate, tmp_path, "camera-a")
    cert_b, key_b, fingerprint_b = await hass.async_add_executor_job(_certificate, tmp_path, "camera-b")
    assert await async_setup_component(hass, "repairs", {})
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    login = {"username": "door", "password": "s3cret"}
    camera = await hass.async_add_executor_job(
        lambda: simulator.start(cheap=True, audio="none", tls_cert=cert_a, tls_key=key_a, **login)
    )
    port = camera.port
    impostor_server: asyncio.Server | None = None
    try:
        assert camera.url.startswith("rtsps://")
        # Added by hand: the flow shows the certificate's fingerprint before the camera is saved.
        result = await _start_camera_flow(hass, hub_entry, "manual")
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Front door", "url": camera.url, **login}
        )
        assert result["step_id"] == "certificate"
        assert result["description_placeholders"]["fingerprint"] == fingerprint_a
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        subentry = next(iter(hub_entry.subentries.values()))
        assert subentry.data["tls_fingerprint"] == fingerprint_a

        # The same certificate: it records (Debian's ffmpeg over RTSPS); ffmpeg's files are born 0600.
        vault: DoorbellVault = hub_entry.runtime_data
        recorder = vault.recorders[subentry.subentry_id]
        incoming = recorder.incoming

        def incoming_modes() -> set[int]:
            return {stat.S_IMODE(p.stat().st_mode) for p in incoming.glob("*.mp4")}

        await wait_for(lambda: recorder.pid is not None and incoming_modes(), timeout=30, step=0.05)
        assert incoming_modes() == {0o600}
        assert stat.S_IMODE(recorder.pid_file.stat().st_mode) == 0o600
        await wait_for(lambda: recorder.last_segment is not None, timeout=30)
        camera_entity = next(
            e.entity_id
            for e in er.async_get(hass).entities.values()
            if e.platform == DOMAIN and e.domain == "camera" and e.config_subentry_id == subentry.subentry_id
        )
        assert str(await async_get_stream_source(hass, camera_entity)).startswith("rtsps://door:s3cret@")

        # Another device takes the camera's address with another certificate: refused before ffmpeg
        # starts, so the credentials never reach it; a repair shows old → new.
        await hass.async_add_executor_job(camera.stop)
        impostor = _Impostor()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        await hass.async_add_executor_job(context.load_cert_chain, cert_b, key_b)
        impostor_server = await asyncio.start_server(impostor.serve, "127.0.0.1", port, ssl=context)
        issues = ir.async_get(hass)
        issue_id = certificate_issue_id(subentry.subentry_id)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=30)
        recorded = await vault.store.async_call(stored_segments.in_window, subentry.subentry_id, 0, 2**62)
        await wait_for(lambda: impostor.handshakes >= 2, timeout=30)
        issue = issues.async_get_issue(DOMAIN, issue_id)
        assert issue is not None
        assert issue.is_fixable
        assert issue.translation_placeholders == {
            "camera": "Front door",
            "old": fingerprint_a,
            "new": fingerprint_b,
        }
        assert recorder.pid is None
        assert not recorder.online
        assert recorder.problem == "certificate_changed"
        # Nor does the live view hand the credentials to Home Assistant's stream.
        assert await async_get_stream_source(hass, camera_entity) is None
        assert impostor.received == b""  # not one byte of RTSP, so no credentials
        later = await vault.store.async_call(stored_segments.in_window, subentry.subentry_id, 0, 2**62)
        assert later == recorded

        # Probes are pinned too: new credentials at the same address are not sent to it either.
        result = await hass.config_entries.subentries.async_init(
            (hub_entry.entry_id, "camera"),
            context={"source": "reconfigure", "subentry_id": subentry.subentry_id},
        )
        form = {"mode": "continuous", "record_audio": True, "pre_roll": 10, "post_roll": 20}
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**form, "password": "n3w-secret"}
        )
        assert result["errors"] == {"base": "certificate_changed"}
        assert impostor.received == b""

        # The owner's camera now really has certificate B: still refused until the owner accepts it.
        impostor_server.close()
        await impostor_server.wait_closed()
        impostor_server = None
        camera = await hass.async_add_executor_job(
            lambda: simulator.start(
                port=port, cheap=True, audio="none", tls_cert=cert_b, tls_key=key_b, **login
            )
        )
        # Reconfigured to a new address (the same camera by its name), the new certificate is shown as
        # old → new before anything is saved; the owner leaves it there and uses the repair instead.
        result = await hass.config_entries.subentries.async_init(
            (hub_entry.entry_id, "camera"),
            context={"source": "reconfigure", "subentry_id": subentry.subentry_id},
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**form, "url": camera.url.replace("127.0.0.1", "localhost")}
        )
        assert result["step_id"] == "reconfigure_certificate"
        assert result["description_placeholders"]["old"] == fingerprint_a
        assert result["description_placeholders"]["fingerprint"] == fingerprint_b
        hass.config_entries.subentries.async_abort(result["flow_id"])
        assert hub_entry.subentries[subentry.subentry_id].data["tls_fingerprint"] == fingerprint_a

        flows = repairs_flow_manager(hass)
        assert flows is not None
        result = await flows.async_init(DOMAIN, context={"issue_id": issue_id})
        assert result["step_id"] == "confirm"
        assert result["description_placeholders"]["old"] == fingerprint_a
        assert result["description_placeholders"]["new"] == fingerprint_b
        result = await flows.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert hub_entry.subentries[subentry.subentry_id].data["tls_fingerprint"] == fingerprint_b
        assert issues.async_get_issue(DOMAIN, issue_id) is None
        vault = hub_entry.runtime_data
        recorder = vault.recorders[subentry.subentry_id]
        accepted_at = time.time()
        await wait_for(
            lambda: (
                recorder.last_segment is not None and recorder.last_segment.start_us / 1e6 > accepted_at - 3
            ),
            timeout=30,
        )

        # A discovered rtsps:// camera: its confirmation shows the fingerprint before it is pinned.
        from homeassistant.config_entries import SOURCE_DHCP
        from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

        info = DhcpServiceInfo(ip="127.0.0.1", hostname="reolink-porch", macaddress="ec71db001122")
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_DHCP}, data=info)
        assert result["step_id"] == "discovery_confirm"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"name": "Porch", "url": camera.url, **login}
        )
        assert result["step_id"] == "discovery_certificate"
        assert result["description_placeholders"]["fingerprint"] == fingerprint_b
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["reason"] == "camera_added"
        porch = next(s for s in hub_entry.subentries.values() if s.title == "Porch")
        assert porch.data["tls_fingerprint"] == fingerprint_b
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(hub_entry.entry_id)
    finally:
        if impostor_server is not None:
            impostor_server.close()
        await hass.async_add_executor_job(camera.stop)
    # Every footage file is owner-only by itself.
    footage = {p.name: stat.S_IMODE(p.stat().st_mode) for p in storage.rglob("*.mp4")}
    assert footage
    assert set(footage.values()) == {0o600}, footage


@pytest.mark.usefixtures("socket_enabled")
async def test_an_rtsps_camera_added_before_pinning_is_pinned_when_reconfigured(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    import asyncio
    import ssl

    cert, key, fingerprint = await hass.async_add_executor_job(_certificate, tmp_path, "old-camera")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    await hass.async_add_executor_job(context.load_cert_chain, cert, key)
    camera = _Impostor()
    server = await asyncio.start_server(camera.serve, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        old = SimpleNamespace(url=f"rtsps://127.0.0.1:{port}/stream", username="door", password="s3cret")
        entry = make_hub(hass, storage, [camera_subentry(old)])  # not set up: nothing records
        subentry = next(iter(entry.subentries.values()))
        assert "tls_fingerprint" not in subentry.data
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "camera"), context={"source": "reconfigure", "subentry_id": subentry.subentry_id}
        )
        form = {"mode": "events", "record_audio": True, "pre_roll": 10, "post_roll": 20}
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
        assert result["step_id"] == "reconfigure_certificate"
        assert result["description_placeholders"]["fingerprint"] == fingerprint
        assert result["description_placeholders"]["old"] == "none"
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
        assert result["reason"] == "reconfigure_successful"
        assert entry.subentries[subentry.subentry_id].data["tls_fingerprint"] == fingerprint
        assert entry.subentries[subentry.subentry_id].data["mode"] == "events"
        assert camera.received == b""  # a handshake only: no RTSP, no credentials
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.usefixtures("socket_enabled")
async def test_the_certificate_repair_accepts_only_the_certificate_the_owner_was_shown(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    import asyncio
    import ssl

    from homeassistant.components.repairs import repairs_flow_manager
    from homeassistant.data_entry_flow import FlowResultType
    from homeassistant.setup import async_setup_component

    from custom_components.doorbell_vault.hub import certificate_issue_id

    def tls(name: str) -> tuple[ssl.SSLContext, str]:
        cert, key, fingerprint = _certificate(tmp_path, name)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        return context, fingerprint

    (_, pinned), (shown, presented), (later, rotated) = [
        await hass.async_add_executor_job(tls, name) for name in ("pinned", "shown", "later")
    ]
    device = _Impostor()
    server = await asyncio.start_server(device.serve, "127.0.0.1", 0, ssl=shown)
    port = server.sockets[0].getsockname()[1]
    try:
        at = SimpleNamespace(url=f"rtsps://127.0.0.1:{port}/stream", username="door", password="s3cret")
        subentry = camera_subentry(at, tls_fingerprint=pinned, mac="ec:71:db:00:11:22")
        subentry["unique_id"] = "mac-ec:71:db:00:11:22"
        entry = make_hub(hass, storage, [subentry])
        camera_id = next(iter(entry.subentries))
        assert await async_setup_component(hass, "repairs", {})
        assert await hass.config_entries.async_setup(entry.entry_id)
        issues = ir.async_get(hass)
        issue_id = certificate_issue_id(camera_id)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=15, step=0.05)
        # The camera "moves" (a forged DHCP request) to an address with another certificate: the move is
        # refused before the credentials go there.
        import pytest_socket
        from homeassistant.config_entries import SOURCE_DHCP
        from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

        pytest_socket.socket_allow_hosts(["127.0.0.1", "127.0.0.2"])  # loopback only (reset per test)
        elsewhere = _Impostor()
        other = await asyncio.start_server(elsewhere.serve, "127.0.0.2", port, ssl=later)
        try:
            info = DhcpServiceInfo(ip="127.0.0.2", hostname="reolink-door", macaddress="ec71db001122")
            moved = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_DHCP}, data=info
            )
            assert moved["step_id"] == "discovery_moved"
            moved = await hass.config_entries.flow.async_configure(moved["flow_id"], {})
            assert moved["errors"] == {"base": "identity_changed"}
            hass.config_entries.flow.async_abort(moved["flow_id"])
        finally:
            other.close()
            await other.wait_closed()
        assert elsewhere.handshakes == 1
        assert elsewhere.received == b""
        assert entry.subentries[camera_id].data["url"] == at.url

        flows = repairs_flow_manager(hass)
        assert flows is not None
        result = await flows.async_init(DOMAIN, context={"issue_id": issue_id})
        assert (result["description_placeholders"]["old"], result["description_placeholders"]["new"]) == (
            pinned,
            presented,
        )
        # Nothing answers when the owner confirms: nothing is pinned.
        server.close()
        await server.wait_closed()
        result = await flows.async_configure(result["flow_id"], {})
        assert result["errors"] == {"base": "cannot_connect"}
        # The camera now presents yet another certificate: shown, not accepted unseen.
        server = await asyncio.start_server(device.serve, "127.0.0.1", port, ssl=later)
        result = await flows.async_configure(result["flow_id"], {})
        assert result["errors"] == {"base": "certificate_changed_again"}
        assert result["description_placeholders"]["new"] == rotated
        assert entry.subentries[camera_id].data["tls_fingerprint"] == pinned
        assert device.received == b""
        result = await flows.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert entry.subentries[camera_id].data["tls_fingerprint"] == rotated
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.close()
        await server.wait_closed()


async def test_a_phones_action_reaches_the_log_as_one_plain_line(
    hass: HomeAssistant, hub: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    forged = "DOORBELL_VAULT_SHARE\nERROR custom_components.doorbell_vault: shared everything_x_y"
    hass.bus.async_fire("mobile_app_notification_action", {"action": forged})
    await hass.async_block_till_done()
    (record,) = [r for r in caplog.records if "no phone may decide" in r.getMessage()]
    assert "\n" not in record.getMessage()
    assert record.getMessage().startswith("Ignored share error custom: no phone may decide")


# Issue 20, finding 5: the pin holds on the connection that carries the credentials.


class _MachineInTheMiddle:
    """Splices its first connection to the real camera; answers later ones itself, keeping their bytes."""

    def __init__(self, camera_port: int, own: Any) -> None:
        self.camera_port, self.own = camera_port, own
        self.connections = 0
        self.received: list[bytes] = []  # per terminated connection

    async def serve(self, reader: Any, writer: Any) -> None:
        import asyncio
        import contextlib

        self.connections += 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                if self.connections == 1:
                    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.camera_port)
                    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
                    return
                self.received.append(b"")
                await writer.start_tls(self.own)
                while data := await reader.read(4096):
                    self.received[-1] += data
                    # Plays the camera: options, then a login asked for (a client sends its credentials).
                    cseq = data.split(b"CSeq: ", 1)[-1].split(b"\r\n", 1)[0]
                    answer = (
                        b"200 OK"
                        if data.startswith(b"OPTIONS")
                        else b'401 Unauthorized\r\nWWW-Authenticate: Basic realm="cam"'
                    )
                    writer.write(b"RTSP/1.0 " + answer + b"\r\nCSeq: " + cseq + b"\r\n\r\n")
        writer.close()


async def _pipe(reader: Any, writer: Any) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


@pytest.mark.usefixtures("socket_enabled")
async def test_a_machine_in_the_middle_passing_the_pin_check_through_gets_no_credentials(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    import asyncio
    import ssl

    from custom_components.doorbell_vault.hub import certificate_issue_id
    from custom_components.doorbell_vault.store import segments as stored_segments
    from devkit import simulator

    cert_a, key_a, pinned = await hass.async_add_executor_job(_certificate, tmp_path, "camera")
    cert_b, key_b, forged = await hass.async_add_executor_job(_certificate, tmp_path, "forged")
    own = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    await hass.async_add_executor_job(own.load_cert_chain, cert_b, key_b)
    camera = await hass.async_add_executor_job(
        lambda: simulator.start(
            cheap=True, audio="none", tls_cert=cert_a, tls_key=key_a, username="door", password="s3cret"
        )
    )
    middle = _MachineInTheMiddle(camera.port, own)
    server = await asyncio.start_server(middle.serve, "127.0.0.1", 0)
    try:
        at = SimpleNamespace(
            url=camera.url.replace(f":{camera.port}/", f":{server.sockets[0].getsockname()[1]}/"),
            username="door",
            password="s3cret",
        )
        entry = make_hub(hass, storage, [camera_subentry(at, tls_fingerprint=pinned)])
        camera_id = next(iter(entry.subentries))
        assert await hass.config_entries.async_setup(entry.entry_id)
        issues = ir.async_get(hass)
        issue_id = certificate_issue_id(camera_id)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=30, step=0.05)
        await wait_for(lambda: middle.connections >= 3, timeout=15)
        # The recorder's own TLS session met the forged certificate and sent nothing on it.
        assert len(middle.received) >= 2
        assert [data for data in middle.received if b"DESCRIBE" in data or b"Authorization" in data] == []
        issue = issues.async_get_issue(DOMAIN, issue_id)
        assert issue is not None
        assert (issue.translation_placeholders["old"], issue.translation_placeholders["new"]) == (
            pinned,
            forged,
        )
        recorder = entry.runtime_data.recorders[camera_id]
        assert recorder.problem == "certificate_changed"
        assert not recorder.online
        assert await entry.runtime_data.store.async_call(stored_segments.in_window, camera_id, 0, 2**62) == []
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.close()
        await hass.async_add_executor_job(camera.stop)


@pytest.mark.usefixtures("socket_enabled")
async def test_a_pinned_cameras_probe_sends_no_credentials_to_a_machine_in_the_middle(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Issue 20, finding 5: the probe of a reconfigure, a reauth or a move checks the pin on its own
    connection (ffprobe 5.1 ignores the TLS options on RTSP): the machine in the middle gets nothing."""
    import asyncio
    import ssl

    from custom_components.doorbell_vault.recording.probe import ProbeError, probe_stream
    from devkit import simulator

    cert_a, key_a, pinned = await hass.async_add_executor_job(_certificate, tmp_path, "camera")
    cert_b, key_b, _ = await hass.async_add_executor_job(_certificate, tmp_path, "forged")
    own = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    await hass.async_add_executor_job(own.load_cert_chain, cert_b, key_b)
    camera = await hass.async_add_executor_job(
        lambda: simulator.start(
            cheap=True, audio="none", tls_cert=cert_a, tls_key=key_a, username="door", password="s3cret"
        )
    )
    middle = _MachineInTheMiddle(camera.port, own)
    server = await asyncio.start_server(middle.serve, "127.0.0.1", 0)
    try:
        # The camera itself passes the probe on the pinned connection.
        info = await probe_stream("ffprobe", camera.authenticated_url, pin=pinned)
        assert (info.video_codec, info.audio_codec) == ("h264", None)
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(ProbeError) as refused:
            await probe_stream(
                "ffprobe", camera.authenticated_url.replace(f":{camera.port}/", f":{port}/"), pin=pinned
            )
        assert refused.value.reason == "certificate_changed"
        # The pin check went through to the camera; the probe's own connection met the forged certificate.
        assert middle.connections == 2
        assert [data for data in middle.received if b"DESCRIBE" in data or b"Authorization" in data] == []
    finally:
        server.close()
        await hass.async_add_executor_job(camera.stop)


def test_the_recorder_checks_the_pinned_certificate_itself_or_records_nothing(tmp_path: Path) -> None:
    import ssl

    from custom_components.doorbell_vault.recording.pinning import CertificateUnverifiable, recorder_tls

    cert, _, _ = _certificate(tmp_path, "doorbell.local")
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    now = datetime.now(UTC)
    # Reached at an address its certificate does not name: checked against the name it does.
    tls = recorder_tls(der, "rtsps://192.0.2.7:322/live", now)
    assert (tls.host, ssl.PEM_cert_to_DER_cert(tls.pem)) == ("doorbell.local", der)
    assert recorder_tls(der, "rtsps://Doorbell.local/live", now).host is None
    # GnuTLS checks a trust anchor's dates: out of them, the camera is refused, never left unchecked.
    for moment, reason in ((now + timedelta(days=3), "expired"), (now - timedelta(days=1), "not_yet_valid")):
        with pytest.raises(CertificateUnverifiable) as refused:
            recorder_tls(der, "rtsps://192.0.2.7/live", moment)
        assert refused.value.reason == reason
