"""Issue 13 (agencies) and issue 12 (a rate limit per key): agencies with keys, verified requests, policies.

Every agency test goes through the real webhook (signed as docs/agencies.md says), the real subentry flow and
the real registries of an in-process Home Assistant.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import secrets
import sqlite3
import stat
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.components.webhook import _HANDLERS
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence.export import package_problems
from custom_components.doorbell_vault.requests import agencies
from custom_components.doorbell_vault.requests.secret import signed_string, write_secret

from .conftest import (
    IDENTITY_POINT,
    SMALL_ORDER_KEYS,
    SPRINGFIELD_KEY,
    SPRINGFIELD_SECRET,
    UNSAFE_ED25519_KEYS,
    Offline,
    agency_subentry,
    camera_subentry,
    hmac_headers,
    index_footage,
    make_hub,
    raw_post,
    springfield,
    wait_for,
)
from .phones import add_phone

SHELBYVILLE_KEY = "dvk_" + "2" * 16
SHELBYVILLE = Ed25519PrivateKey.generate()
POLICY_DEFAULTS = {
    "auto_max_window_hours": 1,
    "auto_include_audio": False,
    "auto_share_days": 7,
    "auto_max_downloads": 3,
}


def _public(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _body(hours_ago: float = 3, length: float = 1, **overrides: Any) -> bytes:
    start = dt_util.utcnow() - timedelta(hours=hours_ago)
    body = {
        "agency": "Springfield PD",
        "case_number": "2026-7",
        "legal_basis": "warrant",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=length)).isoformat(),
    } | overrides
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


def _ed25519_headers(key_id: str, key: Ed25519PrivateKey, body: bytes) -> dict[str, str]:
    stamp, once = str(int(time.time())), secrets.token_urlsafe(18)
    signature = base64.b64encode(key.sign(signed_string(stamp, once, body))).decode()
    return {
        "X-Doorbell-Vault-Key": key_id,
        "X-Doorbell-Vault-Timestamp": stamp,
        "X-Doorbell-Vault-Nonce": once,
        "X-Doorbell-Vault-Signature": f"ed25519={signature}",
    }


def shelbyville(body: bytes) -> dict[str, str]:
    return _ed25519_headers(SHELBYVILLE_KEY, SHELBYVILLE, body)


async def _post(client: Any, entry: MockConfigEntry, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    response = await client.post(
        f"/api/webhook/{entry.data['webhook_id']}",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    text = await response.text()
    return response.status, json.loads(text) if text.startswith("{") else text


async def _count(entry: MockConfigEntry) -> int:
    return int(
        await entry.runtime_data.store.async_call(
            lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
        )
    )


async def _hub(
    hass: HomeAssistant,
    storage: Path,
    *,
    springfield_policy: dict[str, Any] | None = None,
    cameras: tuple[str, ...] = ("Front door",),
    **options: Any,
) -> MockConfigEntry:
    storage.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(agencies.put_key, storage, SPRINGFIELD_KEY, SPRINGFIELD_SECRET)
    entry = make_hub(
        hass,
        storage,
        [
            *(camera_subentry(Offline(), name) for name in cameras),
            agency_subentry("Springfield PD", "generated", SPRINGFIELD_KEY, **(springfield_policy or {})),
            agency_subentry(
                "Shelbyville Police", "ed25519", SHELBYVILLE_KEY, public_key=_public(SHELBYVILLE)
            ),
        ],
        **options,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


def _agency_id(entry: MockConfigEntry, name: str) -> str:
    return next(s.subentry_id for s in entry.subentries.values() if s.title == name)


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path) -> Any:
    entry = await _hub(hass, storage)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


async def _add_springfield_with_a_generated_key(
    hass: HomeAssistant, entry: MockConfigEntry
) -> tuple[dict[str, str], ConfigSubentry]:
    """The agency flow for Springfield PD (a generated key): what its key step showed, and the subentry."""
    manager = hass.config_entries.subentries
    result = await manager.async_init((entry.entry_id, "agency"), context={"source": "user"})
    assert result["type"] is FlowResultType.FORM
    result = await manager.async_configure(
        result["flow_id"], {"name": "Springfield  PD", "contact": "Lt. Lou", "key_type": "generated"}
    )
    assert result["step_id"] == "policy"
    result = await manager.async_configure(result["flow_id"], {"policy": "ask", **POLICY_DEFAULTS})
    assert result["step_id"] == "key"
    shown = result["description_placeholders"]
    assert agencies.KEY_ID.fullmatch(shown["key_id"])
    assert len(shown["secret"]) == 43  # 256 bits
    assert shown["fingerprint"] == "{hex} ({words})".format(**entry.runtime_data.shares.fingerprint)
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()  # the entry's update listener
    subentry = next(s for s in entry.subentries.values() if s.subentry_type == "agency")
    assert subentry.title == "Springfield PD"
    return dict(shown), subentry


async def _assert_its_device_and_diagnostics_keep_no_secret(
    hass: HomeAssistant, entry: MockConfigEntry, subentry: ConfigSubentry, shown: dict[str, str]
) -> None:
    # Its own device (blueprints pick agencies by device), added without reloading the hub.
    device = dr.async_get(hass).async_get_device_by_identifier(
        agencies.device_identifier(subentry.subentry_id), entry.entry_id
    )
    assert device is not None
    assert device.model == "Agency"
    assert (device.config_entry_id, device.config_subentry_id) == (entry.entry_id, subentry.subentry_id)
    # Diagnostics name the agency, its key type and policy; never the key, its id or the contact.
    diagnostics = json.dumps(await async_get_config_entry_diagnostics(hass, entry))
    assert '"key_type": "generated"' in diagnostics
    for secret in (shown["secret"], shown["key_id"], "Lt. Lou"):
        assert secret not in diagnostics


async def _assert_its_policy_is_edited_in_place(
    hass: HomeAssistant, entry: MockConfigEntry, subentry: ConfigSubentry, shown: dict[str, str]
) -> None:
    """Its standing policy is edited in place, without a reload."""
    manager = hass.config_entries.subentries
    vault = entry.runtime_data
    camera_id = next(iter(vault.cameras))
    result = await manager.async_init(
        (entry.entry_id, "agency"), context={"source": "reconfigure", "subentry_id": subentry.subentry_id}
    )
    assert result["description_placeholders"]["fingerprint"] == shown["fingerprint"]
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "edit"})
    result = await manager.async_configure(
        result["flow_id"],
        {
            "policy": "share",
            "auto_cameras": [camera_id],
            "auto_max_window_hours": 2,
            "auto_include_audio": True,
            "auto_share_days": 3,
            "auto_max_downloads": 2,
            "contact": "Sgt. Sue",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    agency = agencies.Agency.from_subentry(entry.subentries[subentry.subentry_id])
    assert (agency.policy, agency.cameras, agency.max_window_hours, agency.contact) == (
        "share",
        (camera_id,),
        2.0,
        "Sgt. Sue",
    )
    assert agency.key_id == shown["key_id"]
    await hass.async_block_till_done()
    assert entry.runtime_data is vault


async def _assert_an_ed25519_agency_keeps_only_its_public_key(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The agency's own Ed25519 key, as PEM: only its public half is kept, no secret is shown."""
    manager = hass.config_entries.subentries
    pem = SHELBYVILLE.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    result = await manager.async_init((entry.entry_id, "agency"), context={"source": "user"})
    result = await manager.async_configure(
        result["flow_id"], {"name": "Shelbyville Police", "key_type": "ed25519", "public_key": pem.decode()}
    )
    result = await manager.async_configure(result["flow_id"], {"policy": "ask", **POLICY_DEFAULTS})
    assert result["description_placeholders"]["secret"] == "-"
    result = await manager.async_configure(result["flow_id"], {})
    shelbyville_agency = agencies.Agency.from_subentry(
        next(s for s in entry.subentries.values() if s.title == "Shelbyville Police")
    )
    assert (shelbyville_agency.key_type, shelbyville_agency.public_key) == ("ed25519", _public(SHELBYVILLE))


async def _assert_a_look_alike_and_a_bad_key_are_refused(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A look-alike of a known agency is refused; a bad Ed25519 key is named."""
    manager = hass.config_entries.subentries
    result = await manager.async_init((entry.entry_id, "agency"), context={"source": "user"})
    same = await manager.async_configure(
        result["flow_id"], {"name": "Springfie1d PD", "key_type": "generated"}
    )
    assert same["reason"] == "already_configured"
    result = await manager.async_init((entry.entry_id, "agency"), context={"source": "user"})
    bad = await manager.async_configure(
        result["flow_id"], {"name": "Ogdenville Police", "key_type": "ed25519", "public_key": "c2hvcnQ="}
    )
    assert bad["errors"] == {"public_key": "public_key_invalid"}


async def test_adding_an_agency_shows_its_generated_key_once_and_keeps_it_out_of_the_entry(
    hass: HomeAssistant, storage: Path
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert hass.data[_HANDLERS][entry.data["webhook_id"]].local_only is True  # no secret, no agency yet
    shown, subentry = await _add_springfield_with_a_generated_key(hass, entry)
    # The agency must reach the webhook from outside: it is registered again, open (signatures are the gate).
    assert hass.data[_HANDLERS][entry.data["webhook_id"]].local_only is False
    assert shown["secret"] not in json.dumps(dict(subentry.data))
    keys = storage / agencies.KEYS_FILE
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert json.loads(keys.read_text()) == {shown["key_id"]: shown["secret"]}
    await _assert_its_device_and_diagnostics_keep_no_secret(hass, entry, subentry, shown)
    await _assert_its_policy_is_edited_in_place(hass, entry, subentry, shown)
    await _assert_an_ed25519_agency_keeps_only_its_public_key(hass, entry)
    await _assert_a_look_alike_and_a_bad_key_are_refused(hass, entry)
    await hass.config_entries.async_unload(entry.entry_id)


async def _assert_crossed_forged_and_unknown_keys_are_refused(client: Any, hub: MockConfigEntry) -> None:
    # One agency's key id with the other's signature, or a key id nobody holds: refused, nothing stored.
    body = _body()
    crossed = hmac_headers(SHELBYVILLE_KEY, SPRINGFIELD_SECRET, body)
    status, answer = await _post(client, hub, body, crossed)
    assert status == 401
    assert "ed25519=" in answer["errors"][0]["message"]
    forged = _ed25519_headers(SHELBYVILLE_KEY, Ed25519PrivateKey.generate(), body)
    assert (await _post(client, hub, body, forged))[1]["errors"][0]["message"] == "wrong signature"
    for key_id in (
        "dvk_" + "9" * 16,
        "",
        "dvk_",
        "../" * 40,
        SPRINGFIELD_SECRET,
    ):
        unknown = hmac_headers(key_id, SPRINGFIELD_SECRET, body)
        status, answer = await _post(client, hub, body, unknown)
        assert status == 401
        assert "unknown or revoked key" in answer["errors"][0]["message"]
    invisible = hmac_headers("dvk_1111111111111111\u200b", SPRINGFIELD_SECRET, body)
    status, answer = await _post(client, hub, body, invisible)
    assert (status, answer["errors"][0]["message"]) == (401, "X-Doorbell-Vault-Key: only ASCII is taken")


async def test_two_agencies_with_different_keys_are_verified_and_are_the_keys_agencies(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    client = await hass_client_no_auth()
    received: list[Event] = []
    hass.bus.async_listen("doorbell_vault_request_received", received.append)
    vault = hub.runtime_data

    body = _body()
    status, answer = await _post(client, hub, body, springfield(body))
    assert (status, answer["status"]) == (202, "pending")
    body = _body(agency="Shelbyville Police")
    status, answer = await _post(client, hub, body, shelbyville(body))
    assert (status, answer["status"]) == (202, "pending")
    await hass.async_block_till_done()

    devices = dr.async_get(hass)
    for event, name in zip(received, ("Springfield PD", "Shelbyville Police"), strict=True):
        assert event.data["verified"] is True
        assert event.data["agency"] == name
        assert event.data["agency_id"] == _agency_id(hub, name)
        device = devices.async_get(event.data["agency_device_id"])
        assert device is not None
        assert device.name == name
    request = await vault.lifecycle.async_get(received[0].data["request_id"])
    assert (request.verified, request.key_id, request.problems) == (True, SPRINGFIELD_KEY, [])
    note = hass.data["persistent_notification"][f"doorbell_vault_{request.id}"]["message"]
    assert "Identity verified" in note

    await _assert_crossed_forged_and_unknown_keys_are_refused(client, hub)
    assert await _count(hub) == 2

    # The panel lists the agencies, without key material.
    ws = await hass_ws_client(hass)
    await ws.send_json_auto_id({"type": "doorbell_vault/agencies/list"})
    listed = (await ws.receive_json())["result"]["agencies"]
    assert [(a["name"], a["key_type"], a["has_key"], a["policy"]) for a in listed] == [
        ("Springfield PD", "generated", True, "ask"),
        ("Shelbyville Police", "ed25519", True, "ask"),
    ]
    assert SPRINGFIELD_KEY not in json.dumps(listed)


async def test_a_body_naming_another_agency_is_flagged_for_the_owner(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    client = await hass_client_no_auth()
    body = _body(agency="Shelbyville Police")
    status, answer = await _post(client, hub, body, springfield(body))
    assert (status, answer["status"]) == (202, "pending")
    request = await hub.runtime_data.lifecycle.async_get(answer["request_id"])
    assert request.agency == "Springfield PD"  # the key's agency, whatever the body says
    assert request.problems == ["agency_name_differs"]
    assert request.fields["agency_as_written"] == "Shelbyville Police"
    note = hass.data["persistent_notification"][f"doorbell_vault_{request.id}"]["message"]
    assert "names another agency" in note

    # Its own name in another case or with a look-alike letter is no other agency.
    for written in ("SPRINGFIELD pd", "Springfie1d PD"):
        body = _body(agency=written)
        status, answer = await _post(client, hub, body, springfield(body))
        assert (await hub.runtime_data.lifecycle.async_get(answer["request_id"])).problems == []


async def test_only_the_submitting_key_withdraws_and_a_replay_is_refused(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    client = await hass_client_no_auth()
    body = _body()
    headers = springfield(body)
    request_id = (await _post(client, hub, body, headers))[1]["request_id"]

    # The same signed body again: a replay, refused; nothing stored.
    status, answer = await _post(client, hub, body, headers)
    assert (status, answer["errors"][0]["message"]) == (401, "this nonce was already used (a replay?)")
    assert await _count(hub) == 1

    withdraw = json.dumps({"action": "withdraw", "request_id": request_id}).encode()
    for headers in (shelbyville(withdraw), {}):  # another agency's key; no key (local, unsigned)
        status, answer = await _post(client, hub, withdraw, headers)
        assert status == 403
        assert "only the key that submitted" in answer["errors"][0]["message"]
    assert (await hub.runtime_data.lifecycle.async_get(request_id)).status == "pending"
    status, answer = await _post(client, hub, withdraw, springfield(withdraw))
    assert (status, answer["status"]) == (202, "withdrawn")


async def test_a_revoked_or_deleted_key_is_refused_at_once_without_a_reload(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    client = await hass_client_no_auth()
    vault = hub.runtime_data
    manager = hass.config_entries.subentries
    springfield_id = _agency_id(hub, "Springfield PD")

    # Revoked in the subentry's reconfigure flow.
    result = await manager.async_init(
        (hub.entry_id, "agency"), context={"source": "reconfigure", "subentry_id": springfield_id}
    )
    assert result["type"] is FlowResultType.MENU
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "revoke"})
    result = await manager.async_configure(result["flow_id"], {})
    assert result["reason"] == "key_revoked"
    body = _body()
    status, answer = await _post(client, hub, body, springfield(body))
    assert status == 401
    assert "unknown or revoked key" in answer["errors"][0]["message"]
    assert SPRINGFIELD_KEY not in (storage_keys := (vault.storage / agencies.KEYS_FILE).read_text())
    assert storage_keys == "{}"

    # Deleted: its key is refused the moment the subentry is gone.
    body = _body(agency="Shelbyville Police")
    assert (await _post(client, hub, body, shelbyville(body)))[0] == 202
    assert hass.config_entries.async_remove_subentry(hub, _agency_id(hub, "Shelbyville Police"))
    status, answer = await _post(client, hub, body, shelbyville(body))
    assert status == 401
    assert await _count(hub) == 1
    await hass.async_block_till_done()
    assert hub.runtime_data is vault  # never reloaded

    # A rotated key: the new one works, the old one is refused.
    result = await manager.async_init(
        (hub.entry_id, "agency"), context={"source": "reconfigure", "subentry_id": springfield_id}
    )
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "rotate"})
    result = await manager.async_configure(result["flow_id"], {"key_type": "generated"})
    new_id, new_secret = (
        result["description_placeholders"]["key_id"],
        result["description_placeholders"]["secret"],
    )
    result = await manager.async_configure(result["flow_id"], {})
    assert result["reason"] == "key_rotated"
    body = _body()
    assert (await _post(client, hub, body, hmac_headers(new_id, new_secret, body)))[0] == 202
    assert (await _post(client, hub, body, springfield(body)))[0] == 401
    await hass.async_block_till_done()
    assert hub.runtime_data is vault


async def test_unkeyed_requests_are_unverified_in_event_sensor_and_notification(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    received: list[Event] = []
    hass.bus.async_listen("doorbell_vault_request_received", received.append)
    client = await hass_client_no_auth()
    body = _body()
    status, answer = await _post(client, hub, body, {})  # no hub secret: local and unsigned
    assert status == 202
    await hass.async_block_till_done()
    assert received[0].data["verified"] is False
    assert received[0].data["agency_id"] is None
    request_id = answer["request_id"]
    note = hass.data["persistent_notification"][f"doorbell_vault_{request_id}"]["message"]
    assert "Identity not verified" in note
    pending = hass.states.get("sensor.doorbell_vault_pending_requests")
    assert pending is not None
    assert pending.attributes["requests"][0]["verified"] is False
    event = hass.states.get("event.doorbell_vault_footage_requests")
    assert event is not None
    assert (event.attributes["request_id"], event.attributes["verified"]) == (request_id, False)

    # With agency keys the webhook is open beyond the local network, but an unsigned body is not.
    handler = hass.data[_HANDLERS][hub.data["webhook_id"]]
    assert handler.local_only is False
    intake = handler.handler.__self__
    assert intake._from_outside(hass, SimpleNamespace(remote="203.0.113.5"))
    assert not intake._from_outside(hass, SimpleNamespace(remote="192.168.1.20"))


async def test_always_decline_an_agency_from_the_phone_and_by_its_standing_policy(
    hass: HomeAssistant, storage: Path, hass_admin_user: Any, hass_client_no_auth: ClientSessionGenerator
) -> None:
    phone = add_phone(hass, hass_admin_user.id, "Pixel 9")
    entry = await _hub(hass, storage, deciding_phones=[phone])
    client = await hass_client_no_auth()
    vault = entry.runtime_data
    body = _body()
    request_id = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    ids = await hass.services.async_call(
        DOMAIN, "notification_actions", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert ids is not None
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": ids["always_decline"]},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert (await vault.lifecycle.async_get(request_id)).status == "declined"
    springfield_id = _agency_id(entry, "Springfield PD")
    assert entry.subentries[springfield_id].data["policy"] == "decline"
    assert entry.options["agency_blocklist"] == []  # the agency, not a name anyone can write
    assert entry.runtime_data is vault  # no reload

    # Its next request is rejected by its standing policy; another agency still asks the owner.
    body = _body()
    status, answer = await _post(client, entry, body, springfield(body))
    assert (status, answer["status"]) == (202, "rejected")
    assert (await vault.lifecycle.async_get(answer["request_id"])).problems == ["agency_blocked"]
    body = _body(agency="Shelbyville Police")
    assert (await _post(client, entry, body, shelbyville(body)))[1]["status"] == "pending"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_agency_sharing_automatically_gets_only_what_its_limits_allow(
    hass: HomeAssistant, storage: Path, sample_segment: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry = await _hub(hass, storage, cameras=("Front door", "Garage"))
    vault = entry.runtime_data
    base = dt_util.utcnow().replace(microsecond=0) - timedelta(hours=1)
    await index_footage(vault, sample_segment, int(base.timestamp() * 1_000_000), 5)
    camera_id = next(c.id for c in vault.cameras.values() if c.name == "Garage")
    springfield_id = _agency_id(entry, "Springfield PD")
    limits = {
        "policy": "share",
        "auto_cameras": [camera_id],
        "auto_max_window_hours": 1.0,
        "auto_include_audio": False,
        "auto_share_days": 2,
        "auto_max_downloads": 1,
    }
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[springfield_id], data={**entry.subentries[springfield_id].data, **limits}
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is vault
    client = await hass_client_no_auth()
    decided: list[Event] = []
    hass.bus.async_listen("doorbell_vault_request_decided", decided.append)

    # Within the limits: shared by the policy, as an automation, with the agency's limits.
    start = base + timedelta(seconds=1)
    body = _body(start=start.isoformat(), end=(start + timedelta(seconds=20)).isoformat())
    request_id = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    await hass.async_block_till_done(wait_background_tasks=True)
    request = await vault.lifecycle.async_get(request_id)
    assert (request.status, request.decided_by) == ("shared", "automation")
    assert decided[0].data == {"request_id": request_id, "decision": "shared", "decided_by": "automation"}
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert (share.manifest["include_audio"], share.max_downloads) == (False, 1)
    assert [f["camera"] for f in share.manifest["files"]] == ["Garage"]  # not the Front door
    assert share.expires_us - share.created_us == 2 * 86_400_000_000
    # The link goes to the agency's key, once, when it asks after its request.
    ask = json.dumps({"action": "status", "request_id": request_id}).encode()
    status, answer = await _post(client, entry, ask, springfield(ask))
    assert (status, answer["status"]) == (200, "shared")
    assert URL(answer["share_url"]).path.startswith("/api/doorbell_vault/share/")
    assert "share_url" not in (await _post(client, entry, ask, springfield(ask)))[1]
    assert (await _post(client, entry, ask, shelbyville(ask)))[0] == 403

    # Over the longest window: it waits for the owner, and the problem list says why.
    body = _body(
        start=(base - timedelta(hours=1)).isoformat(), end=(base + timedelta(seconds=30)).isoformat()
    )
    request_id = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    await hass.async_block_till_done(wait_background_tasks=True)
    request = await vault.lifecycle.async_get(request_id)
    assert (request.status, request.problems) == ("pending", ["auto_share_window_too_long"])
    note = hass.data["persistent_notification"][f"doorbell_vault_{request_id}"]["message"]
    assert "longer than this agency may receive automatically" in note
    await hass.config_entries.async_unload(entry.entry_id)


async def test_rate_limit_per_key(
    hass: HomeAssistant, storage: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry = await _hub(hass, storage, requests_per_minute=2)
    client = await hass_client_no_auth()
    withdraw = json.dumps({"action": "withdraw", "request_id": "none"}).encode()
    assert [(await _post(client, entry, withdraw, springfield(withdraw)))[0] for _ in range(2)] == [400, 400]
    status, answer = await _post(client, entry, withdraw, springfield(withdraw))
    assert status == 429
    assert answer["errors"][0]["message"] == "too many requests with this key; try again in a minute"
    await hass.config_entries.async_unload(entry.entry_id)


def _pem(raw: bytes) -> str:
    """A PEM SubjectPublicKeyInfo for 32 raw bytes (any bytes: `cryptography` would not build one)."""
    der = bytes.fromhex("302a300506032b6570032100") + raw
    return f"-----BEGIN PUBLIC KEY-----\n{base64.b64encode(der).decode()}\n-----END PUBLIC KEY-----\n"


async def test_small_order_and_unsafe_ed25519_keys_are_refused_when_added_or_rotated(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    manager = hass.config_entries.subentries
    assert base64.b64encode(IDENTITY_POINT).decode() == "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    for raw in UNSAFE_ED25519_KEYS:
        for text in (base64.b64encode(raw).decode(), raw.hex(), _pem(raw)):
            result = await manager.async_init((hub.entry_id, "agency"), context={"source": "user"})
            result = await manager.async_configure(
                result["flow_id"], {"name": "Ogdenville Police", "key_type": "ed25519", "public_key": text}
            )
            assert (result["step_id"], result["errors"]) == ("user", {"public_key": "public_key_unsafe"})

    # Rotating to such a key is refused too; the agency keeps its key.
    shelbyville_id = _agency_id(hub, "Shelbyville Police")
    before = dict(hub.subentries[shelbyville_id].data)
    result = await manager.async_init(
        (hub.entry_id, "agency"), context={"source": "reconfigure", "subentry_id": shelbyville_id}
    )
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "rotate"})
    for raw in UNSAFE_ED25519_KEYS:
        public_key = base64.b64encode(raw).decode()
        result = await manager.async_configure(
            result["flow_id"], {"key_type": "ed25519", "public_key": public_key}
        )
        assert (result["step_id"], result["errors"]) == ("rotate", {"public_key": "public_key_unsafe"})
    assert dict(hub.subentries[shelbyville_id].data) == before
    # A real key still rotates.
    result = await manager.async_configure(
        result["flow_id"], {"key_type": "ed25519", "public_key": _public(Ed25519PrivateKey.generate())}
    )
    assert result["step_id"] == "rotated"


async def test_a_small_order_key_stored_before_verifies_no_forged_request(
    hass: HomeAssistant, storage: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    # An install from before keys were checked stored the identity point as an agency's key.
    ogdenville = agency_subentry(
        "Ogdenville Police",
        "ed25519",
        "dvk_" + "3" * 16,
        public_key=base64.b64encode(IDENTITY_POINT).decode(),
    )
    shelbyville_agency = agency_subentry(
        "Shelbyville Police", "ed25519", SHELBYVILLE_KEY, public_key=_public(SHELBYVILLE)
    )
    entry = make_hub(hass, storage, [ogdenville, shelbyville_agency])
    assert await hass.config_entries.async_setup(entry.entry_id)
    client = await hass_client_no_auth()
    body = _body(agency="Ogdenville Police")
    headers = _ed25519_headers("dvk_" + "3" * 16, SHELBYVILLE, body)
    forged = base64.b64encode(IDENTITY_POINT + bytes(32)).decode()  # R = identity, S = 0
    status, answer = await _post(
        client, entry, body, headers | {"X-Doorbell-Vault-Signature": f"ed25519={forged}"}
    )
    assert status == 401
    assert "public key is unsafe" in answer["errors"][0]["message"]

    # With a sound key: an R of small order, or S + L (the same signature, not reduced), is refused.
    group_order = 2**252 + 27742317777372353535851937790883648493
    headers = shelbyville(body := _body(agency="Shelbyville Police"))
    signature = base64.b64decode(headers["X-Doorbell-Vault-Signature"].removeprefix("ed25519="))
    s_plus_l = (int.from_bytes(signature[32:], "little") + group_order).to_bytes(32, "little")
    for bad in (
        SMALL_ORDER_KEYS[0] + bytes(32),
        SMALL_ORDER_KEYS[6] + signature[32:],
        signature[:32] + s_plus_l,
    ):
        sent = {"X-Doorbell-Vault-Signature": f"ed25519={base64.b64encode(bad).decode()}"}
        assert (await _post(client, entry, body, headers | sent))[1]["errors"][0][
            "message"
        ] == "wrong signature"
    assert await _count(entry) == 0
    await hass.config_entries.async_unload(entry.entry_id)


SHARED_SECRET = secrets.token_urlsafe(32)


def _shared(body: bytes) -> dict[str, str]:
    """Signed with the hub's shared secret (no key: the request is nobody's in particular)."""
    return {k: v for k, v in hmac_headers("", SHARED_SECRET, body).items() if k != "X-Doorbell-Vault-Key"}


async def test_unkeyed_requests_are_withdrawn_and_read_by_the_household_only(
    hass: HomeAssistant, storage: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry = await _hub(hass, storage, requests_per_minute=1000)
    client = await hass_client_no_auth()
    by_service = await hass.services.async_call(
        DOMAIN, "submit_request", json.loads(_body()), blocking=True, return_response=True
    )
    assert by_service is not None
    by_mail = await entry.runtime_data.lifecycle.async_submit(
        json.loads(_body()), "email", naive_ok=True, sender="smith@springfield.example"
    )
    ids = [str(by_service["request_id"]), by_mail.id]

    async def refused(signers: tuple[Any, ...]) -> None:
        for request_id in ids:
            for action in ("withdraw", "status"):
                follow_up = json.dumps({"action": action, "request_id": request_id}).encode()
                for headers in signers:
                    status, answer = await _post(client, entry, follow_up, headers(follow_up))
                    assert (status, request_id, action) == (403, request_id, action), answer

    # On the local network without a secret: neither an unsigned caller nor an agency's key.
    await refused((lambda _: {}, springfield, shelbyville))
    # With a shared secret: whoever holds it could claim any unkeyed request, so it withdraws none.
    await hass.async_add_executor_job(write_secret, storage, SHARED_SECRET)
    assert await hass.config_entries.async_reload(entry.entry_id)
    body = _body()
    ids.append((await _post(client, entry, body, _shared(body)))[1]["request_id"])
    await refused((_shared, springfield, shelbyville))
    lifecycle = entry.runtime_data.lifecycle
    assert [(await lifecycle.async_get(i)).status for i in ids] == ["pending"] * 3

    # The household ends them; the key that submitted a request still withdraws it.
    await hass.services.async_call(DOMAIN, "decline_request", {"request_id": ids[0]}, blocking=True)
    assert (await lifecycle.async_get(ids[0])).status == "declined"
    body = _body()
    own = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    withdraw = json.dumps({"action": "withdraw", "request_id": own}).encode()
    assert (await _post(client, entry, withdraw, springfield(withdraw)))[1]["status"] == "withdrawn"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_signature_headers_that_are_not_ascii_get_401_without_a_traceback(
    hass: HomeAssistant,
    storage: Path,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await _hub(hass, storage, requests_per_minute=3)
    client = await hass_client_no_auth()
    body = _body()
    # Raw bytes on the wire: 0xe9 (latin-1 é) and 0xff are no UTF-8; "é" in UTF-8 is not ASCII either.
    cases = [
        (
            "X-Doorbell-Vault-Signature",
            springfield(body)["X-Doorbell-Vault-Signature"].encode()[:-1] + b"\xe9",
        ),
        ("X-Doorbell-Vault-Key", SPRINGFIELD_KEY.encode() + b"\xff"),
        ("X-Doorbell-Vault-Nonce", "é".encode() * 16),
        ("X-Doorbell-Vault-Timestamp", b"\xe9"),
    ]
    answers = []
    for name, value in cases:
        headers = [(k, v.encode()) for k, v in springfield(body).items() if k != name] + [(name, value)]
        status, answer, _ = await raw_post(client, f"/api/webhook/{entry.data['webhook_id']}", body, headers)
        answers.append((status, answer and answer["errors"][0]["message"]))
    # Each is counted by the address's rate limit: the fourth is one too many.
    assert answers == [
        *((401, f"{name}: only ASCII is taken") for name, _ in cases[:3]),
        (429, "too many requests; try again in a minute"),
    ]
    assert await _count(entry) == 0
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def _shared_by_policy(
    hass: HomeAssistant, storage: Path, sample_segment: Path, clients: ClientSessionGenerator, downloads: int
) -> tuple[MockConfigEntry, Any, str]:
    """Springfield PD's standing policy shares automatically: one request it shared, its link not asked."""
    storage.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(write_secret, storage, SHARED_SECRET)
    entry = await _hub(hass, storage)
    vault, client = entry.runtime_data, await clients()
    base = dt_util.utcnow().replace(microsecond=0) - timedelta(hours=1)
    await index_footage(vault, sample_segment, int(base.timestamp() * 1_000_000), 2)
    springfield_id = _agency_id(entry, "Springfield PD")
    limits = {"policy": "share", "auto_cameras": list(vault.cameras), **POLICY_DEFAULTS}
    hass.config_entries.async_update_subentry(
        entry,
        entry.subentries[springfield_id],
        data={**entry.subentries[springfield_id].data, **limits, "auto_max_downloads": downloads},
    )
    start = base + timedelta(seconds=1)
    body = _body(start=start.isoformat(), end=(start + timedelta(seconds=9)).isoformat())
    request_id = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (await vault.lifecycle.async_get(request_id)).status == "shared"
    return entry, client, request_id


def _ask(request_id: str, **extra: Any) -> bytes:
    return json.dumps({"action": "status", "request_id": request_id} | extra).encode()


async def _reissued(entry: MockConfigEntry) -> list[dict[str, Any]]:
    rows = await entry.runtime_data.store.async_call(
        lambda db: db.execute(
            "SELECT data FROM audit WHERE kind = 'share_link_reissued' ORDER BY seq"
        ).fetchall()
    )
    return [json.loads(data) for (data,) in rows]


async def test_a_restart_keeps_the_link_an_agencys_standing_policy_owes_it(
    hass: HomeAssistant,
    storage: Path,
    sample_segment: Path,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    entry, client, request_id = await _shared_by_policy(
        hass, storage, sample_segment, hass_client_no_auth, downloads=2
    )
    vault = entry.runtime_data
    # Home Assistant restarts before the agency asks: the entry is unloaded and set up again.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.runtime_data is not vault
    ask = _ask(request_id)

    # Another agency's key, the shared secret and an unsigned caller get nothing, and mint nothing.
    assert (await _post(client, entry, ask, shelbyville(ask)))[0] == 403
    assert (await _post(client, entry, ask, _shared(ask)))[0] == 403
    assert (await _post(client, entry, ask, {}))[0] == 401
    assert await _reissued(entry) == []

    # The key that submitted the request asks: a new link, minted now, handed over once.
    headers = springfield(ask)
    status, answer = await _post(client, entry, ask, headers)
    assert (status, answer["status"]) == (200, "shared")
    link = URL(answer["share_url"]).path
    token = link.rsplit("/", 1)[1]
    assert (await _post(client, entry, ask, headers))[0] == 401  # the same signed body, replayed
    assert "share_url" not in (await _post(client, entry, ask, springfield(ask)))[1]
    reissued = await _reissued(entry)
    assert [(r["agency"], r["key_id"], r["replaces_handed_link"]) for r in reissued] == [
        ("Springfield PD", SPRINGFIELD_KEY, False)
    ]

    # The index keeps only the token's hash.
    def stored() -> tuple[list[tuple[str]], bytes]:
        with contextlib.closing(sqlite3.connect(storage / "doorbell_vault.db")) as db:
            hashes = db.execute("SELECT token_hash FROM shares").fetchall()
        files = sorted(storage.glob("doorbell_vault.db*"))
        return hashes, b"".join(f.read_bytes() for f in files)

    hashes, raw = await hass.async_add_executor_job(stored)
    assert hashes == [(hashlib.sha256(token.encode()).hexdigest(),)]
    assert token.encode() not in raw

    # The link works: the zip comes through the real view and verifies.
    response = await client.post(link)
    assert response.status == 200
    with zipfile.ZipFile(io.BytesIO(await response.read())) as archive:
        archive.extractall(tmp_path / "package")
    assert package_problems(tmp_path / "package") == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_lost_link_is_replaced_on_request_and_an_ended_share_mints_none(
    hass: HomeAssistant, storage: Path, sample_segment: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry, client, request_id = await _shared_by_policy(
        hass, storage, sample_segment, hass_client_no_auth, downloads=1
    )
    vault = entry.runtime_data
    before = await vault.lifecycle.async_share_of(request_id)
    first = URL((await _post(client, entry, ask := _ask(request_id), springfield(ask)))[1]["share_url"])
    again = _ask(request_id, new_link=True)
    assert (await _post(client, entry, bad := _ask(request_id, new_link="yes"), springfield(bad)))[0] == 400
    assert (await _post(client, entry, again, shelbyville(again)))[0] == 403

    # The agency lost its link and asks for a new one: the old one stops working; the limits stay.
    second = URL((await _post(client, entry, again, springfield(again)))[1]["share_url"])
    assert second != first
    assert (await client.get(first.path)).status == 404
    assert (await client.get(second.path)).status == 200
    assert await vault.lifecycle.async_share_of(request_id) == before
    assert [r["replaces_handed_link"] for r in await _reissued(entry)] == [False, True]

    # Its one download used, the share has ended: no link is minted any more.
    assert (await (await client.post(second.path)).read())[:2] == b"PK"

    async def exhausted() -> bool:
        share = await vault.lifecycle.async_share_of(request_id)
        return share is not None and share.end_reason == "exhausted"

    await wait_for(exhausted, timeout=10, step=0.05)
    status, answer = await _post(client, entry, again, springfield(again))
    assert (status, answer) == (200, {"request_id": request_id, "status": "shared"})
    assert len(await _reissued(entry)) == 2
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_link_the_owner_shared_is_not_the_agencys_to_mint(
    hass: HomeAssistant, storage: Path, sample_segment: Path, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry, client, _ = await _shared_by_policy(hass, storage, sample_segment, hass_client_no_auth, 3)
    # Over the policy's longest window: it waits for the owner, who shares it and hands the link on.
    now = dt_util.utcnow()
    body = _body(start=(now - timedelta(hours=2)).isoformat(), end=now.isoformat())
    request_id = (await _post(client, entry, body, springfield(body)))[1]["request_id"]
    shared = await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert shared is not None
    owners = URL(str(shared["share_url"])).path

    # The submitting key learns the status, but mints no link that would end the owner's.
    for ask in (_ask(request_id), _ask(request_id, new_link=True)):
        status, answer = await _post(client, entry, ask, springfield(ask))
        assert (status, answer) == (200, {"request_id": request_id, "status": "shared"})
    assert (await client.get(owners)).status == 200
    assert await _reissued(entry) == []
    await hass.config_entries.async_unload(entry.entry_id)
