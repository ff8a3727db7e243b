"""Footage requests: intake by service and webhook, validation, policy, lifecycle, audit chain."""

from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.recording.segment_filing import segment_folder
from custom_components.doorbell_vault.requests.lifecycle import EVENT_DECIDED, EVENT_RECEIVED
from custom_components.doorbell_vault.requests.secret import sign, write_secret
from custom_components.doorbell_vault.store import holds, segments

from .conftest import Offline, camera_subentry, make_hub
from .phones import add_phone


def _window(hours_ago: float = 3, length: float = 1) -> tuple[str, str]:
    start = dt_util.utcnow() - timedelta(hours=hours_ago)
    return start.isoformat(), (start + timedelta(hours=length)).isoformat()


def _body(**overrides: Any) -> dict[str, Any]:
    start, end = _window()
    body = {
        "agency": "Springfield PD",
        "case_number": "2026-1234",
        "legal_basis": "warrant",
        "start": start,
        "end": end,
        "requester_name": "Det. Smith",
        "requester_email": "smith@springfield.example",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path) -> MockConfigEntry:
    hass.config.latitude, hass.config.longitude = 52.37, 4.89
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    yield entry  # type: ignore[misc]
    await hass.config_entries.async_unload(entry.entry_id)


async def _submit(hass: HomeAssistant, **fields: Any) -> dict[str, Any]:
    result = await hass.services.async_call(
        DOMAIN, "submit_request", _body(**fields), blocking=True, return_response=True
    )
    assert result is not None
    return dict(result)


async def _count(entry: MockConfigEntry, table: str) -> int:
    store = entry.runtime_data.store
    return await store.async_call(lambda db: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def _assert_the_audit_chain_holds_a_received_and_declined_request(hass: HomeAssistant) -> None:
    """The services verify and export the chain: received, held, declined, released, each linked."""
    audit = await hass.services.async_call(DOMAIN, "verify_audit", {}, blocking=True, return_response=True)
    assert audit["ok"] is True
    assert audit["entries"] == 4
    exported = await hass.services.async_call(DOMAIN, "export_audit", {}, blocking=True, return_response=True)
    assert Path(exported["path"]).stat().st_mode & 0o777 == 0o600
    lines = Path(exported["path"]).read_text().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == [
        "request_received",
        "hold_placed",
        "request_declined",
        "hold_released",
    ]
    assert json.loads(lines[-1])["hash"] == exported["head"] == audit["head"]
    assert json.loads(lines[1])["prev"] == json.loads(lines[0])["hash"]


async def test_service_request_is_pending_held_announced_and_declined(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    vault = hub.runtime_data
    camera = next(iter(vault.cameras))
    start, end = _window()
    begin = int(dt_util.parse_datetime(start).timestamp() * 1e6) + 60_000_000
    await vault.store.async_call(
        segments.add, camera, begin, begin + 10_000_000, 1, f"{segment_folder(camera, begin)}/a.mp4"
    )
    received = async_capture_events(hass, EVENT_RECEIVED)
    decided = async_capture_events(hass, EVENT_DECIDED)

    result = await _submit(hass, start=start, end=end)

    assert result["status"] == "pending"
    assert result["problems"] == []
    request_id = result["request_id"]
    event = received[0].data
    assert event["request_id"] == request_id
    assert event["agency"] == "Springfield PD"
    assert event["legal_basis"] == "warrant"
    assert event["cameras_with_footage"] == ["Front door"]
    held = await vault.store.async_call(holds.every)
    assert [(h.camera, h.ref, h.reason) for h in held] == [(None, request_id, "request")]
    from homeassistant.components.persistent_notification import _async_get_or_create_notifications

    notes = _async_get_or_create_notifications(hass)
    assert f"doorbell_vault_{request_id}" in notes
    assert "Springfield PD" in notes[f"doorbell_vault_{request_id}"]["message"]
    # It opens the request in the Footage requests panel.
    assert (
        f"[Review the request](/doorbell-vault/request/{request_id})"
        in notes[f"doorbell_vault_{request_id}"]["message"]
    )

    response = await hass.services.async_call(
        DOMAIN,
        "decline_request",
        {"request_id": request_id, "message": "Please get a warrant for the right address."},
        blocking=True,
        return_response=True,
    )
    assert response == {"request_id": request_id, "status": "declined"}
    assert decided[0].data == {"request_id": request_id, "decision": "declined", "decided_by": "user"}
    assert await vault.store.async_call(holds.every) == []
    assert f"doorbell_vault_{request_id}" not in _async_get_or_create_notifications(hass)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "decline_request", {"request_id": request_id}, blocking=True)
    await _assert_the_audit_chain_holds_a_received_and_declined_request(hass)


@pytest.mark.parametrize(
    ("fields", "options", "problem"),
    [
        ({"case_number": ""}, {}, "case_number_missing"),
        (
            {
                "end": (dt_util.utcnow() - timedelta(minutes=1)).isoformat(),
                "start": (dt_util.utcnow() - timedelta(hours=13)).isoformat(),
            },
            {},
            "window_too_long",
        ),
        ({"end": (dt_util.utcnow() + timedelta(hours=1)).isoformat()}, {}, "window_in_future"),
        (
            {
                "start": (dt_util.utcnow() - timedelta(days=40)).isoformat(),
                "end": (dt_util.utcnow() - timedelta(days=40) + timedelta(hours=1)).isoformat(),
            },
            {},
            "window_before_footage",
        ),
        ({"latitude": 52.37, "longitude": 4.89, "radius_m": 2000}, {}, "area_too_large"),
        ({"latitude": 52.40, "longitude": 4.89, "radius_m": 500}, {}, "area_excludes_home"),
        ({"agency": "Example PD"}, {"agency_blocklist": ["example pd"]}, "agency_blocked"),
        ({}, {"agency_allowlist": ["Shelbyville PD"]}, "agency_not_allowed"),
        ({"legal_basis": "voluntary"}, {"min_legal_basis": "warrant"}, "legal_basis_too_weak"),
        (
            {"legal_basis": "exigent"},
            {"min_legal_basis": "warrant", "exigent_as": "voluntary"},
            "legal_basis_too_weak",
        ),
    ],
)
async def test_policy_rejects_with_named_problems(
    hass: HomeAssistant, storage: Path, fields: dict[str, Any], options: dict[str, Any], problem: str
) -> None:
    hass.config.latitude, hass.config.longitude = 52.37, 4.89
    entry = make_hub(hass, storage, [], **options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await _submit(hass, **fields)
    assert result["status"] == "rejected"
    assert result["problems"] == [problem]
    stored = await entry.runtime_data.lifecycle.async_get(result["request_id"])
    assert stored.decided_by == "policy"
    assert await entry.runtime_data.store.async_call(holds.every) == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_decline_from_an_automation_says_so(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    from homeassistant.core import Context

    decided = async_capture_events(hass, EVENT_DECIDED)
    request_id = (await _submit(hass))["request_id"]
    await hass.services.async_call(
        DOMAIN,
        "decline_request",
        {"request_id": request_id},
        blocking=True,
        context=Context(parent_id="automation-run"),
    )
    assert decided[0].data["decided_by"] == "automation"


async def test_opt_out_rejects_everything(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    await hub.runtime_data.async_set_accept_requests(False)
    assert (await _submit(hass))["problems"] == ["requests_paused"]
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert (await _submit(hass))["problems"] == ["requests_paused"]  # kept across restarts


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"agency": None}, "agency: required"),
        ({"start": "yesterday"}, "start: not an ISO 8601"),
        ({"end": _window(5)[0]}, "end: must be after start"),
        ({"legal_basis": "because"}, "legal_basis: one of"),
        ({"requester_email": "not-an-address"}, "requester_email: not an e-mail"),
        ({"reason": "x" * 2001}, "reason: longer than 2000"),
        ({"radius_m": 100}, "radius_m: latitude, longitude and radius_m go together"),
        ({"color": "blue"}, "color: unknown field"),
    ],
)
async def test_malformed_service_call_stores_nothing(
    hass: HomeAssistant, hub: MockConfigEntry, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await _submit(hass, **fields)
    assert message in str(caught.value.translation_placeholders["errors"])
    assert await _count(hub, "requests") == 0
    assert await _count(hub, "audit") == 0


async def test_deadline_expires_the_request_even_after_a_restart(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    decided = async_capture_events(hass, EVENT_DECIDED)
    deadline = dt_util.utcnow() + timedelta(hours=2)
    first = await _submit(hass, deadline=deadline.isoformat())
    second = await _submit(hass)  # default deadline: 72 h
    assert await hass.config_entries.async_reload(hub.entry_id)
    async_fire_time_changed(hass, deadline + timedelta(seconds=1))
    await hass.async_block_till_done()
    assert [e.data for e in decided] == [
        {"request_id": first["request_id"], "decision": "expired", "decided_by": "deadline"}
    ]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=73))
    await hass.async_block_till_done()
    assert decided[-1].data["request_id"] == second["request_id"]
    assert await hub.runtime_data.store.async_call(holds.every) == []


async def test_notification_actions(
    hass: HomeAssistant, hub: MockConfigEntry, caplog: pytest.LogCaptureFixture, hass_admin_user: Any
) -> None:
    phone = add_phone(hass, hass_admin_user.id, "Pixel 9")
    hass.config_entries.async_update_entry(hub, options={**hub.options, "deciding_phones": [phone]})
    await hass.async_block_till_done()
    decided = async_capture_events(hass, EVENT_DECIDED)
    request_id = (await _submit(hass))["request_id"]
    ids = await hass.services.async_call(
        DOMAIN, "notification_actions", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert ids is not None
    assert str(ids["decline"]).startswith(f"DOORBELL_VAULT_DECLINE_{request_id}_")
    context = Context(user_id=hass_admin_user.id)

    def fire(action: str) -> None:
        hass.bus.async_fire("mobile_app_notification_action", {"action": action}, context=context)

    fire(str(ids["review"]))
    fire(f"DOORBELL_VAULT_DECLINE_unknown_{str(ids['decline']).rsplit('_', 1)[1]}")
    fire("SOMETHING_ELSE")
    await hass.async_block_till_done()
    assert decided == []
    assert "nonce is missing or wrong" in caplog.text
    fire(str(ids["decline"]))
    await hass.async_block_till_done()
    assert decided[0].data == {"request_id": request_id, "decision": "declined", "decided_by": "user"}
    fire(str(ids["decline"]))
    await hass.async_block_till_done()
    assert len(decided) == 1


async def test_audit_chain_names_an_edited_or_deleted_entry(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    await _submit(hass)
    await _submit(hass, case_number="")
    store = hub.runtime_data.store
    desk = hub.runtime_data.lifecycle
    assert (await desk.async_verify_audit()).ok
    await store.async_call(
        lambda db: db.execute('UPDATE audit SET data = \'{"agency":"nobody"}\' WHERE seq = 2')
    )
    result = await desk.async_verify_audit()
    assert (result.ok, result.problem) == (False, "entry 2 was altered")
    await store.async_call(lambda db: db.execute("DELETE FROM audit WHERE seq = 2"))
    assert (await desk.async_verify_audit()).problem == "entry 2 is missing"


# Webhook -------------------------------------------------------------------------------------------


async def _post(client: Any, entry: MockConfigEntry, body: Any, **headers: str) -> tuple[int, Any]:
    data = body.encode() if isinstance(body, str) else body
    response = await client.post(
        f"/api/webhook/{entry.data['webhook_id']}",
        data=data,
        headers={"Content-Type": "application/json", **headers},
    )
    text = await response.text()
    return response.status, json.loads(text) if text else None


async def test_webhook_accepts_and_refuses(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, hub: MockConfigEntry
) -> None:
    client = await hass_client_no_auth()
    status, answer = await _post(client, hub, json.dumps(_body()))
    assert status == 202
    assert answer["status"] == "pending"
    request_id = answer["request_id"]

    assert (await _post(client, hub, "agency=x", **{"Content-Type": "text/plain"}))[0] == 415
    assert (await _post(client, hub, json.dumps({"reason": "x" * 70_000})))[0] == 413
    status, answer = await _post(client, hub, "{not json")
    assert (status, answer) == (
        400,
        {"errors": [{"field": "", "message": "body is not JSON (or nested too deeply)"}]},
    )
    status, answer = await _post(client, hub, json.dumps({"start": "2026-11-24T10:00:00", "colour": 1}))
    assert status == 400
    assert {e["field"] for e in answer["errors"]} == {"colour", "agency", "start", "end"}
    assert any("time zone" in e["message"] for e in answer["errors"])

    # A request without a key is nobody's to withdraw through the webhook: the household ends it.
    status, answer = await _post(client, hub, json.dumps({"action": "withdraw", "request_id": request_id}))
    assert status == 403
    assert (await _post(client, hub, json.dumps({"action": "withdraw", "request_id": "nope"})))[0] == 400
    assert await _count(hub, "requests") == 1


def signed(
    secret: bytes, body: bytes, *, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    """The three headers of a signed body (now, with a fresh nonce unless given)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    once = nonce or secrets.token_urlsafe(18)
    return {
        "X-Doorbell-Vault-Timestamp": str(stamp),
        "X-Doorbell-Vault-Nonce": once,
        "X-Doorbell-Vault-Signature": sign(secret, stamp, once, body),
    }


async def test_webhook_with_a_secret_needs_the_signature(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, hub: MockConfigEntry, storage: Path
) -> None:
    from homeassistant.components.webhook import _HANDLERS

    webhook_id = hub.data["webhook_id"]
    assert hass.data[_HANDLERS][webhook_id].local_only is True  # no secret: local network only
    await hass.async_add_executor_job(write_secret, storage, "shared-s3cret")
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert hass.data[_HANDLERS][webhook_id].local_only is False  # the signature is the gate
    client = await hass_client_no_auth()
    body = json.dumps(_body()).encode()
    assert (await _post(client, hub, body))[0] == 401
    wrong = signed(b"other", body)
    assert (await _post(client, hub, body, **wrong))[0] == 401
    tampered = body.replace(b"Springfield", b"Shelbyville")
    good = signed(b"shared-s3cret", body)
    assert (await _post(client, hub, tampered, **good))[0] == 401
    assert await _count(hub, "requests") == 0
    assert (await _post(client, hub, body, **good))[0] == 202


async def test_webhook_rate_limit(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path
) -> None:
    entry = make_hub(hass, storage, [], requests_per_minute=3)
    assert await hass.config_entries.async_setup(entry.entry_id)
    client = await hass_client_no_auth()
    statuses = [(await _post(client, entry, json.dumps(_body())))[0] for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    await hass.config_entries.async_unload(entry.entry_id)


# Bodies that must all be refused: not JSON, not an object, or an object with a field we do not know.
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
_malformed = st.one_of(
    st.binary(max_size=200).filter(lambda b: not b.strip().startswith(b"{")),
    _json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(
        st.sampled_from(["agency", "start", "end", "case_number", "legal_basis", "radius_m", "deadline"]),
        _json_values,
        max_size=6,
    )
    .flatmap(lambda d: st.builds(lambda extra, v: {**d, f"x_{extra}": v}, st.text(max_size=8), _json_values))
    .map(lambda d: json.dumps(d).encode()),
)
# Well-formed requests but for one trick: invisible, direction-changing, line-breaking or lone-surrogate
# characters in a field, a number no float can hold, or nesting deep enough to exhaust a parser.
_TRICKS = ("\u200b", "\u202e", "\u2066", "\u2028", "\ufeff", "\x85", "\x00", "\ud800", "\n")


def _with_number(field: str, digits: int) -> bytes:
    numbers = {"latitude": "0", "longitude": "0", "radius_m": "1"} | {field: "9" * digits}
    extra = ", ".join(f'"{k}": {v}' for k, v in numbers.items())
    return (json.dumps(_body())[:-1] + ", " + extra + "}").encode()


def _nested(depth: int, array: bool) -> bytes:
    inner = b"[" * depth + b"1" + b"]" * depth if array else b'{"a": ' * depth + b"1" + b"}" * depth
    return b'{"agency": ' + inner + b"}"


_tricky = st.one_of(
    st.builds(
        lambda field, trick: json.dumps({**_body(), field: f"Acme{trick}Police"}).encode(),
        st.sampled_from(["agency", "case_number", "requester_name", "requester_email"]),
        st.sampled_from(_TRICKS),
    ),
    st.builds(_with_number, st.sampled_from(["latitude", "longitude", "radius_m"]), st.integers(310, 6000)),
    st.builds(_nested, st.integers(100, 50_000), st.booleans()),
    st.integers(1000, 60_000).map(lambda n: b"[" * n + b"]" * n),
)


async def test_fuzzed_webhook_bodies_get_4xx_and_store_nothing(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path
) -> None:
    bodies: list[bytes] = []

    @settings(max_examples=1000, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(_malformed)
    def collect(body: bytes) -> None:
        bodies.append(body)

    @settings(max_examples=300, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(_tricky)
    def collect_tricks(body: bytes) -> None:
        bodies.append(body)

    collect()
    collect_tricks()
    assert len(bodies) >= 1300
    entry = make_hub(hass, storage, [], requests_per_minute=100_000)
    assert await hass.config_entries.async_setup(entry.entry_id)
    client = await hass_client_no_auth()
    statuses = set()

    async def chunked(data: bytes) -> Any:
        for at in range(0, len(data), 61):
            yield data[at : at + 61]

    for number, body in enumerate(bodies):
        # Every third body arrives chunked (no Content-Length), in small pieces.
        statuses.add((await _post(client, entry, chunked(body) if number % 3 == 0 else body))[0])
    assert statuses <= {400, 413, 415}
    assert await _count(entry, "requests") == 0
    assert await _count(entry, "audit") == 0
    await hass.config_entries.async_unload(entry.entry_id)


async def test_request_entities_and_websocket(
    hass: HomeAssistant, hass_ws_client: Any, hub: MockConfigEntry
) -> None:
    from homeassistant.helpers import entity_registry as er

    registry = er.async_get(hass)

    def entity(domain: str, key: str) -> str:
        return next(
            e.entity_id
            for e in registry.entities.values()
            if e.domain == domain and e.unique_id == f"{hub.entry_id}_{key}"
        )

    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "doorbell_vault/requests/subscribe"})
    assert (await client.receive_json())["success"]

    request_id = (await _submit(hass))["request_id"]
    await hass.async_block_till_done()
    pushed = await client.receive_json()
    assert pushed["event"]["request_id"] == request_id
    pending = hass.states.get(entity("sensor", "pending_requests"))
    assert pending.state == "1"
    assert pending.attributes["requests"][0]["agency"] == "Springfield PD"
    assert "requester_email" not in json.dumps(pending.attributes)
    requests_event = hass.states.get(entity("event", "requests"))
    assert requests_event.attributes["event_type"] == "received"

    await client.send_json_auto_id({"type": "doorbell_vault/requests/list", "status": "pending"})
    listed = await client.receive_json()
    assert [r["request_id"] for r in listed["result"]["requests"]] == [request_id]
    await client.send_json_auto_id({"type": "doorbell_vault/requests/get", "request_id": "nope"})
    assert (await client.receive_json())["error"]["code"] == "not_found"
    await client.send_json_auto_id(
        {"type": "doorbell_vault/requests/decide", "request_id": request_id, "decision": "decline"}
    )
    # The subscription's event and the command's result may arrive in either order.
    messages = [await client.receive_json(), await client.receive_json()]
    by_type = {m["type"]: m for m in messages}
    assert by_type["result"]["result"]["status"] == "declined"
    assert by_type["event"]["event"]["status"] == "declined"
    await hass.async_block_till_done()
    assert hass.states.get(entity("sensor", "pending_requests")).state == "0"
    assert hass.states.get(entity("event", "requests")).attributes["event_type"] == "declined"

    # The opt-out switch.
    switch = entity("switch", "accept_requests")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    assert hass.states.get(switch).state == "off"
    assert (await _submit(hass))["problems"] == ["requests_paused"]
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    assert (await _submit(hass))["status"] == "pending"


async def test_diagnostics_show_the_webhook_but_never_its_secret(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, hub: MockConfigEntry, storage: Path
) -> None:
    from pytest_homeassistant_custom_component.components.diagnostics import (
        get_diagnostics_for_config_entry,
    )

    await hass.async_add_executor_job(write_secret, storage, "diag-s3cret")
    await _submit(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, hub)
    assert diagnostics["webhook"] == {"registered": True, "shared_secret_set": True}
    assert "diag-s3cret" not in json.dumps(diagnostics)
    assert hub.data["webhook_id"] not in json.dumps(diagnostics)
    assert diagnostics["requests"]["pending"] == 1
    assert diagnostics["requests"]["audit"]["ok"] is True
