"""The standing-policy blueprints: validated by Home Assistant, run as automations against real requests.

Only the phone is stood in for, at its notify service (`notify.mobile_app_<name>`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import Context, Event, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault import blueprints
from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.requests import agencies
from custom_components.doorbell_vault.requests.lifecycle import EVENT_DECIDED

from .conftest import SPRINGFIELD_KEY, SPRINGFIELD_SECRET, agency_subentry, footage_hub, springfield
from .mail import REQUEST, REQUEST_HTML, imap_event, request_mail

NAMES = sorted(p.name for p in blueprints.BUNDLED.glob("*.yaml"))


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """A hub with two cameras, 30 s of footage each an hour ago; its blueprints installed."""
    hass.config.latitude, hass.config.longitude = 52.37, 4.89
    entry = await footage_hub(hass, storage, sample_segment, ("Front door", "Garage"))
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def phones(hass: HomeAssistant, hass_admin_user: Any) -> dict[str, list[dict[str, Any]]]:
    """Two phones: devices of a mobile_app entry, and the notify services that would reach them."""
    entry = MockConfigEntry(domain="mobile_app", data={"user_id": hass_admin_user.id})
    entry.add_to_hass(hass)
    registry = dr.async_get(hass)
    sent: dict[str, list[dict[str, Any]]] = {}
    for name in ("Pixel 9", "iPhone"):
        registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={("mobile_app", name)}, name=name
        )
        service = f"mobile_app_{name.lower().replace(' ', '_')}"
        sent[service] = []

        @callback
        def record(call: ServiceCall, service: str = service) -> None:
            sent[service].append(dict(call.data))

        hass.services.async_register("notify", service, record)
    return sent


def _device_ids(hass: HomeAssistant) -> list[str]:
    return [d.id for d in dr.async_get(hass).devices if d.name in ("Pixel 9", "iPhone")]


async def _automation(hass: HomeAssistant, blueprint: str, **inputs: Any) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "alias": blueprint.removesuffix(".yaml"),
                    "use_blueprint": {"path": f"{DOMAIN}/{blueprint}", "input": inputs},
                }
            ]
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.{blueprint.removesuffix('.yaml')}")
    assert state is not None
    assert state.state == "on", state


def _fields(hub: MockConfigEntry, **overrides: Any) -> dict[str, Any]:
    """A request that passes the default policy, 12 s of the hub's footage; None drops a field."""
    base = hub.base  # type: ignore[attr-defined]
    fields = {
        "agency": "Springfield PD",
        "case_number": "2026-0042",
        "legal_basis": "warrant",
        "start": (base + timedelta(seconds=7)).isoformat(),
        "end": (base + timedelta(seconds=19)).isoformat(),
        **overrides,
    }
    return {k: v for k, v in fields.items() if v is not None}


async def _submit(hass: HomeAssistant, hub: MockConfigEntry, **overrides: Any) -> dict[str, Any]:
    result = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        _fields(hub, **overrides),
        blocking=True,
        return_response=True,
    )
    assert result is not None
    await hass.async_block_till_done()
    return dict(result)


async def _status(hub: MockConfigEntry, request_id: str) -> str:
    request = await hub.runtime_data.lifecycle.async_get(request_id)
    return str(request.status)


async def test_blueprints_are_installed_and_pass_home_assistants_validation(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    installed = blueprints.folder(Path(hass.config.config_dir))
    assert sorted(p.name for p in installed.glob("*.yaml")) == NAMES
    assert len(NAMES) == 5
    domain_blueprints = async_get_blueprints(hass)
    for name in NAMES:
        blueprint = await domain_blueprints.async_get_blueprint(f"{DOMAIN}/{name}")
        assert blueprint.domain == "automation"
        for key, spec in blueprint.inputs.items():
            assert spec.get("name"), f"{name}: input {key} has no name"
            assert spec.get("selector"), f"{name}: input {key} has no selector"
        assert blueprint.metadata.get("description")


def test_an_owners_changes_are_never_overwritten(tmp_path: Path) -> None:
    # A folder of its own: tmp_path is also the test Home Assistant's config folder, where the integration's
    # setup may already have installed the blueprints.
    tmp_path = tmp_path / "owner"
    assert blueprints.install(tmp_path) == NAMES
    folder = blueprints.folder(tmp_path)
    mine = folder / "auto_decline.yaml"
    mine.write_text(mine.read_text().replace("Doorbell Vault", "My house"))
    old = folder / "notify_request.yaml"
    old.write_text("blueprint: {name: an older version we shipped}\n")
    # Pretend we shipped that older version (its hash is on record), so it may be updated.
    data = json.loads((folder / blueprints.RECORD).read_text())
    data["notify_request.yaml"] = hashlib.sha256(old.read_bytes()).hexdigest()
    (folder / blueprints.RECORD).write_text(json.dumps(data))
    (folder / "deadline_reminder.yaml").unlink()

    assert blueprints.install(tmp_path) == ["deadline_reminder.yaml", "notify_request.yaml"]
    assert "My house" in mine.read_text()
    assert old.read_bytes() == (blueprints.BUNDLED / "notify_request.yaml").read_bytes()
    assert blueprints.install(tmp_path) == []


async def test_notify_on_request_sends_actions_and_clears_when_decided(
    hass: HomeAssistant, hub: MockConfigEntry, phones: dict[str, list[dict[str, Any]]], hass_admin_user: Any
) -> None:
    hass.config_entries.async_update_entry(hub, options={**hub.options, "deciding_phones": _device_ids(hass)})
    await hass.async_block_till_done()
    await _automation(
        hass, "notify_request.yaml", notify_devices=_device_ids(hass), outcomes=["rejected"], critical=True
    )
    request = await _submit(hass, hub)
    for sent in phones.values():
        assert len(sent) == 1
        message = sent[0]
        assert "Springfield" not in message["message"]
        assert "2026-0042" not in message["message"]
        assert message["data"]["tag"] == f"doorbell_vault_{request['request_id']}"
        actions = message["data"]["actions"]
        assert [
            actions[0]["action"].rsplit("_", 1)[0],
            actions[1]["action"],
            actions[2]["action"].rsplit("_", 1)[0],
        ] == [
            f"DOORBELL_VAULT_SHARE_{request['request_id']}",
            "URI",
            f"DOORBELL_VAULT_DECLINE_{request['request_id']}",
        ]
        assert actions[0]["action"].rsplit("_", 1)[1] == actions[2]["action"].rsplit("_", 1)[1]  # the nonce
        # Deciding from a locked phone asks to unlock it first.
        assert [a.get("authenticationRequired") for a in actions] == [True, None, True]
        # Review, and a tap on the notification, open the request in the Footage requests panel.
        review = f"/doorbell-vault/request/{request['request_id']}"
        assert actions[1]["uri"] == review
        assert message["data"]["url"] == message["data"]["clickAction"] == review
        assert message["data"]["push"]["interruption-level"] == "critical"

    # The old action id (no nonce) does nothing.
    context = Context(user_id=hass_admin_user.id)
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": f"DOORBELL_VAULT_DECLINE_{request['request_id']}"},
        context=context,
    )
    await hass.async_block_till_done()
    assert await _status(hub, request["request_id"]) == "pending"
    # Declined from the phone (the integration handles the action), then cleared on both phones.
    decline = next(iter(phones.values()))[0]["data"]["actions"][2]["action"]
    hass.bus.async_fire("mobile_app_notification_action", {"action": decline}, context=context)
    await hass.async_block_till_done()
    assert await _status(hub, request["request_id"]) == "declined"
    for sent in phones.values():
        assert sent[-1] == {
            "message": "clear_notification",
            "data": {"tag": f"doorbell_vault_{request['request_id']}"},
        }

    # A rejected request is an outcome asked about: told, without buttons.
    rejected = await _submit(hass, hub, case_number=None)
    assert rejected["status"] == "rejected"
    for sent in phones.values():
        assert "rejected" in sent[-1]["message"]
        assert "actions" not in sent[-1]["data"]


async def test_auto_decline_declines_what_the_policy_names_and_nothing_else(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    await hass.config_entries.async_unload(hub.entry_id)
    hass.config_entries.async_update_entry(hub, options={**hub.options, "require_case_number": False})
    assert await hass.config_entries.async_setup(hub.entry_id)
    await _automation(
        hass,
        "auto_decline.yaml",
        no_case_number=True,
        min_legal_basis="subpoena",
        agencies=["  county sheriff "],
        max_window_hours=0.005,  # 18 s
        outside_home_area=False,
        message="",
    )
    decided = async_capture_events(hass, EVENT_DECIDED)
    cases = {
        "no case": {"case_number": None},
        "weak basis": {"legal_basis": "voluntary"},
        "listed agency": {"agency": "County Sheriff"},
        "long window": {"end": (hub.base + timedelta(seconds=29)).isoformat()},  # type: ignore[attr-defined]
        "fine": {},
        "exigent counts as a warrant": {"legal_basis": "exigent"},
    }
    outcome = {}
    for label, overrides in cases.items():
        request = await _submit(hass, hub, **overrides)
        outcome[label] = await _status(hub, request["request_id"])
    assert outcome == {
        "no case": "declined",
        "weak basis": "declined",
        "listed agency": "declined",
        "long window": "declined",
        "fine": "pending",
        "exigent counts as a warrant": "pending",
    }
    assert {e.data["decided_by"] for e in decided} == {"automation"}
    declined = await hub.runtime_data.lifecycle.async_list("declined")
    assert {r.message for r in declined} >= {"Declined by standing policy: no case number"}


async def test_auto_decline_outside_the_home_area_and_always(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    await _automation(hass, "auto_decline.yaml", outside_home_area=True, message="We do not share footage.")
    no_area = await _submit(hass, hub)
    home = await _submit(hass, hub, latitude=52.37, longitude=4.89, radius_m=200)
    assert await _status(hub, no_area["request_id"]) == "declined"
    assert await _status(hub, home["request_id"]) == "pending"
    declined = await hub.runtime_data.lifecycle.async_get(no_area["request_id"])
    assert declined.message == "We do not share footage."


async def test_selective_share_shares_only_what_the_inputs_allow(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    await _automation(
        hass,
        "selective_share.yaml",
        trusted_agencies=["springfield pd"],
        min_legal_basis="warrant",
        allowed_cameras=["Garage", "Attic"],
        max_window_hours=1,
        include_audio=False,
        link_lifetime={"days": 2},
        max_downloads=1,
    )
    shared = await _submit(hass, hub)
    untrusted = await _submit(hass, hub, agency="Shelbyville PD")
    weak = await _submit(hass, hub, legal_basis="subpoena")
    base = hub.base  # type: ignore[attr-defined]
    too_long = await _submit(hass, hub, start=(base - timedelta(hours=2)).isoformat())
    await hass.async_block_till_done()
    assert await _status(hub, shared["request_id"]) == "shared"
    for other in (untrusted, weak, too_long):
        assert await _status(hub, other["request_id"]) == "pending"
    share = (await hub.runtime_data.lifecycle.async_shares())[0]
    assert [f["camera"] for f in share.manifest["files"]] == ["Garage"]
    assert share.manifest["include_audio"] is False
    assert share.manifest["decision"]["decided_by"] == "automation"
    assert share.max_downloads == 1
    assert timedelta(microseconds=share.expires_us - share.created_us) == timedelta(days=2)


async def test_deadline_reminder_reminds_once_before_the_deadline(
    hass: HomeAssistant, hub: MockConfigEntry, phones: dict[str, list[dict[str, Any]]]
) -> None:
    sensor = next(
        s.entity_id for s in hass.states.async_all("sensor") if s.entity_id.endswith("pending_requests")
    )
    await _automation(
        hass,
        "deadline_reminder.yaml",
        pending_sensor=sensor,
        hours_before=6,
        notify_devices=_device_ids(hass),
    )
    now = dt_util.utcnow()
    soon = await _submit(hass, hub, deadline=(now + timedelta(hours=6, minutes=-2)).isoformat())
    await _submit(hass, hub, deadline=(now + timedelta(hours=30)).isoformat())
    await _submit(hass, hub, deadline=(now + timedelta(hours=5)).isoformat())  # reminded earlier already

    async_fire_time_changed(
        hass, now.replace(second=0, microsecond=0) + timedelta(minutes=5 - now.minute % 5)
    )
    await hass.async_block_till_done()
    for sent in phones.values():
        assert len(sent) == 1
        assert sent[0]["data"]["tag"] == f"doorbell_vault_{soon['request_id']}"
        assert "6 hours" in sent[0]["message"]
        assert "Springfield" not in sent[0]["message"]
        share = sent[0]["data"]["actions"][0]
        assert share["action"].startswith(f"DOORBELL_VAULT_SHARE_{soon['request_id']}_")
        assert share["authenticationRequired"] is True
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)


def _mail(hass: HomeAssistant, sender: str, subject: str, text: str, **event: Any) -> None:
    """An `imap_content` event shaped exactly like the IMAP integration's (a datetime, parts, headers)."""
    html = event.pop("html", False)
    hass.bus.async_fire("imap_content", imap_event(request_mail(sender, subject, text, html=html), **event))


async def _assert_malformed_mail_is_named_to_the_owner(hass: HomeAssistant, received: list[Event]) -> None:
    """An agency's mail without a window, with a bad one, or without its text: nothing submitted, and a
    notification that says which."""
    agency = "records@springfield.example"
    _mail(hass, agency, "Footage request", "Agency: Springfield PD\nPlease send it all.", uid="2")
    _mail(hass, agency, "Footage request", REQUEST.format(start="yesterday", end="today"), uid="3")
    _mail(hass, agency, "Footage request", "x", message_data=(), uid="4")
    await hass.async_block_till_done()
    assert len(received) == 2
    messages = {
        n["title"]: n["message"]
        for n in hass.data["persistent_notification"].values()
        if "e-mail" in n["title"]
    }
    assert sorted(messages) == [
        "Footage request e-mail not understood",
        "Footage request e-mail refused",
        "Footage request e-mail without its text",
    ]
    assert "not complete: start (missing), end (missing)" in messages["Footage request e-mail not understood"]
    assert r"start\: not an ISO 8601 date and time" in messages["Footage request e-mail refused"]  # Markdown
    # Without an IMAP entry to fetch it from, the text cannot be fetched.
    assert "fetches it from the IMAP entry" in messages["Footage request e-mail without its text"]


async def test_email_intake_good_unknown_and_malformed_mail(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "persistent_notification", {})
    await _automation(hass, "email_intake.yaml", senders=["Records@Springfield.example"], mark_seen=False)
    received = async_capture_events(hass, "doorbell_vault_request_received")
    base = hub.base  # type: ignore[attr-defined]
    window = {
        "start": (base + timedelta(seconds=7)).isoformat(),
        "end": (base + timedelta(seconds=19)).isoformat(),
    }

    _mail(hass, "records@springfield.example", "Footage request 2026-0099", REQUEST.format(**window))
    await hass.async_block_till_done()
    assert len(received) == 1
    assert received[0].data["source"] == "email"
    assert received[0].data["sender"] == "records@springfield.example"
    assert received[0].data["verified"] is False
    request = await hub.runtime_data.lifecycle.async_get(received[0].data["request_id"])
    assert request.status == "pending"
    assert request.case_number == "2026-0099"
    assert request.legal_basis == "warrant"
    assert request.fields["requester_email"] == "records@springfield.example"
    assert (request.source, request.sender, request.verified) == (
        "email",
        "records@springfield.example",
        False,
    )

    _mail(
        hass, "records@springfield.example", "Footage request", REQUEST_HTML.format(**window), html=True,
        max_message_size=30000,
    )  # fmt: skip
    await hass.async_block_till_done()
    assert len(received) == 2
    html = await hub.runtime_data.lifecycle.async_get(received[1].data["request_id"])
    assert html.fields["reason"] == "burglary & theft nearby"
    assert html.status == "pending"

    _mail(hass, "someone@else.example", "Footage request", REQUEST.format(**window))
    _mail(hass, "records@springfield.example", "Lunch on Friday?", REQUEST.format(**window))
    await hass.async_block_till_done()
    assert len(received) == 2
    notifications = hass.data["persistent_notification"]
    assert not any("e-mail" in n["title"] for n in notifications.values())

    await _assert_malformed_mail_is_named_to_the_owner(hass, received)
    assert (
        await hub.runtime_data.store.async_call(
            lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
        )
        == 2
    )


async def test_auto_decline_always_answers_webhook_requests_too(
    hass: HomeAssistant, hub: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    await _automation(hass, "auto_decline.yaml", always=True, no_case_number=False)
    client = await hass_client_no_auth()
    response = await client.post(f"/api/webhook/{hub.data['webhook_id']}", json=_fields(hub))
    assert response.status == 202
    request_id = (await response.json())["request_id"]
    await hass.async_block_till_done()
    assert await _status(hub, request_id) == "declined"
    request = await hub.runtime_data.lifecycle.async_get(request_id)
    assert request.message == "Declined by standing policy: always"
    assert request.decided_by == "automation"


async def _add_springfield_with_its_key(hass: HomeAssistant, hub: MockConfigEntry) -> dr.DeviceEntry:
    """Springfield PD added as an agency with a generated key; its device."""
    await hass.async_add_executor_job(
        agencies.put_key, hub.runtime_data.storage, SPRINGFIELD_KEY, SPRINGFIELD_SECRET
    )
    data = agency_subentry("Springfield PD", "generated", SPRINGFIELD_KEY)
    subentry = ConfigSubentry(
        data=MappingProxyType(data["data"]), subentry_type="agency", title="Springfield PD", unique_id=None
    )
    hass.config_entries.async_add_subentry(hub, subentry)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        agencies.device_identifier(subentry.subentry_id), hub.entry_id
    )
    assert device is not None
    return device


async def test_agencies_are_chosen_by_device_and_their_requests_get_always_decline(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    phones: dict[str, list[dict[str, Any]]],
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    device = await _add_springfield_with_its_key(hass, hub)
    share_inputs = {
        "trusted_agency_devices": [device.id],
        "allowed_cameras": ["Garage"],
        "max_window_hours": 1,
        "include_audio": False,
        "link_lifetime": {"days": 2},
        "max_downloads": 1,
    }
    notify_inputs = {"notify_devices": _device_ids(hass), "outcomes": []}
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {"alias": name, "use_blueprint": {"path": f"{DOMAIN}/{name}.yaml", "input": inputs}}
                for name, inputs in (("selective_share", share_inputs), ("notify_request", notify_inputs))
            ]
        },
    )
    await hass.async_block_till_done()
    assert {s.state for s in hass.states.async_all("automation")} == {"on"}

    # Signed with the agency's key: its device matches, shared; the phones got Always decline.
    client = await hass_client_no_auth()
    body = json.dumps(_fields(hub)).encode()
    response = await client.post(
        f"/api/webhook/{hub.data['webhook_id']}",
        data=body,
        headers={"Content-Type": "application/json", **springfield(body)},
    )
    keyed = (await response.json())["request_id"]
    # The same name without a key: no device, not shared (the name list is empty).
    unkeyed = await _submit(hass, hub)
    await hass.async_block_till_done()
    assert await _status(hub, keyed) == "shared"
    assert await _status(hub, unkeyed["request_id"]) == "pending"
    for sent in phones.values():
        first, second = (m for m in sent if "actions" in m["data"])
        assert "signed with the key of an agency you added" in first["message"]
        titles = [a["title"] for a in first["data"]["actions"]]
        assert titles == ["Share", "Decline", "Always decline this agency", "Review"]
        assert first["data"]["actions"][2]["action"].startswith(f"DOORBELL_VAULT_ALWAYSDECLINE_{keyed}_")
        assert "sender not verified" in second["message"]
        assert [a["title"] for a in second["data"]["actions"]] == ["Share", "Review", "Decline"]
