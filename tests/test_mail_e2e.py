"""Requests by e-mail end to end: dovecot (IMAPS on loopback), Home Assistant's own IMAP integration set up
through its config flow, an automation from the e-mail blueprint, and mail delivered into the maildir.

The IMAP integration waits on IDLE: dovecot announces each delivery and the integration fires one
`imap_content` event for the newest unread mail, so each mail is delivered after the previous one was handled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.doorbell_vault.const import DOMAIN
from devkit.imap_server import ImapServer

from .conftest import footage_hub, wait_for
from .mail import REQUEST, REQUEST_HTML, request_mail

AGENCY = "detective@springfield.example"


@pytest.fixture
async def hub(hass: HomeAssistant, storage: Path, sample_segment: Path, imap_server: ImapServer) -> Any:
    """A hub with a camera holding 30 s of footage an hour ago.

    The IMAP entries are unloaded while dovecot still runs (against a stopped server that takes 10 s).
    """
    assert await async_setup_component(hass, "persistent_notification", {})
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    yield entry
    for imap in hass.config_entries.async_entries("imap"):
        await hass.config_entries.async_unload(imap.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def _add_imap(hass: HomeAssistant, server: ImapServer) -> ConfigEntry:
    """The IMAP integration as a new owner adds it: its defaults, the certificate check off."""
    flow = await hass.config_entries.flow.async_init(
        "imap", context={"source": "user", "show_advanced_options": True}
    )
    assert flow["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"],
        {
            "username": server.username,
            "password": server.password,
            "server": server.host,
            "port": server.port,
            "verify_ssl": False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def _include_text(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """IMAP → Configure, as docs/email.md says: message data text and headers, size 20000, the search."""
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    assert flow["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            "folder": "INBOX",
            "search": 'UnSeen UnDeleted SUBJECT "Footage request"',
            "event_message_data": ["text", "headers"],
            "max_message_size": 20000,
            "enable_push": True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def _blueprint(hass: HomeAssistant) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "alias": "Requests by e-mail",
                    "use_blueprint": {
                        "path": f"{DOMAIN}/email_intake.yaml",
                        "input": {"senders": ["Detective@Springfield.example"]},
                    },
                }
            ]
        },
    )
    await hass.async_block_till_done()


class Mailbox:
    """Delivers one mail and waits until the IMAP integration has announced it and everything ran."""

    def __init__(self, hass: HomeAssistant, server: ImapServer) -> None:
        self.hass = hass
        self.server = server
        self.events = async_capture_events(hass, "imap_content")

    async def deliver(self, raw: bytes, *, expect_event: bool = True) -> dict[str, Any]:
        seen = len(self.events)
        await self.hass.async_add_executor_job(self.server.deliver, raw)
        try:
            await wait_for(lambda: len(self.events) > seen, 30, 0.05)
        except TimeoutError:
            raise AssertionError(f"no imap_content event; dovecot's log:\n{self.server.log()}") from None
        await self.hass.async_block_till_done()
        return dict(self.events[-1].data)

    def read(self) -> list[str]:
        """The files of the mails marked read (maildir flag S)."""
        return [
            p.name for p in (self.server.maildir / "cur").iterdir() if p.name.rpartition(",")[2].count("S")
        ]


def _window(hub: MockConfigEntry) -> dict[str, str]:
    base = hub.base  # type: ignore[attr-defined]
    return {
        "start": (base + timedelta(seconds=7)).isoformat(),
        "end": (base + timedelta(seconds=19)).isoformat(),
    }


def _titled(hass: HomeAssistant, title: str) -> list[str]:
    return [n["message"] for n in hass.data["persistent_notification"].values() if n["title"] == title]


async def _assert_the_request_names_its_sender_everywhere(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    request: Any,
    received: list[Event],
    window: dict[str, str],
) -> None:
    """The request from a plain-text mail: its fields, and its source and sender in the event, the sensor
    and the panel's detail."""
    assert request.fields["requester_name"] == "Det. Smith"
    assert request.fields["requester_email"] == AGENCY
    assert request.fields["start"] == window["start"]
    assert request.fields["end"] == window["end"]
    assert (request.source, request.sender, request.verified) == ("email", AGENCY, False)
    assert received[0].data["source"] == "email"
    assert received[0].data["sender"] == AGENCY
    sensor = next(s for s in hass.states.async_all("sensor") if s.entity_id.endswith("pending_requests"))
    assert sensor.attributes["requests"][0]["source"] == "email"
    assert sensor.attributes["requests"][0]["sender"] == AGENCY
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "doorbell_vault/requests/get", "request_id": request.id})
    answer = await client.receive_json()
    assert answer["success"], answer
    assert {k: answer["result"][k] for k in ("source", "sender", "verified")} == {
        "source": "email",
        "sender": AGENCY,
        "verified": False,
    }


async def _assert_several_at_once_come_one_after_another(
    hass: HomeAssistant,
    imap_server: ImapServer,
    mailbox: Mailbox,
    received: list[Event],
    window: dict[str, str],
) -> None:
    # Several at once, the agencies' first: the IMAP integration announces only the newest unread mail its
    # search matches; once that is marked read (a stranger's too), the one before it is next. Other mail
    # does not match the search.
    together = [
        request_mail(AGENCY, "Footage request", REQUEST.format(**window).replace("2026-0099", case))
        for case in ("2026-0100", "2026-0101")
    ]
    together.append(request_mail("someone@else.example", "Footage request", REQUEST.format(**window)))
    together.append(request_mail(AGENCY, "Lunch on Friday?", REQUEST.format(**window)))
    for raw in together:
        await hass.async_add_executor_job(imap_server.deliver, raw)
    await wait_for(lambda: len(received) == 4, 30, 0.05)
    await hass.async_block_till_done()
    assert sorted(e.data["case_number"] for e in received[2:]) == ["2026-0100", "2026-0101"]
    assert not [e for e in mailbox.events if e.data["subject"] == "Lunch on Friday?"]


async def test_mail_from_an_agency_becomes_a_pending_request(
    hass: HomeAssistant, hub: MockConfigEntry, imap_server: ImapServer, hass_ws_client: WebSocketGenerator
) -> None:
    imap = await _add_imap(hass, imap_server)
    await _include_text(hass, imap)
    await _blueprint(hass)
    mailbox = Mailbox(hass, imap_server)
    received = async_capture_events(hass, "doorbell_vault_request_received")
    window = _window(hub)
    desk = hub.runtime_data.lifecycle

    # Plain text.
    event = await mailbox.deliver(request_mail(AGENCY, "Footage request 2026-0099", REQUEST.format(**window)))
    assert event["sender"] == AGENCY
    assert isinstance(event["date"], datetime)  # what a template cannot hand on as part of the whole event
    assert len(received) == 1
    request = await desk.async_get(received[0].data["request_id"])
    assert request.status == "pending"
    assert (request.agency, request.case_number, request.legal_basis) == (
        "Springfield PD",
        "2026-0099",
        "warrant",
    )
    await _assert_the_request_names_its_sender_everywhere(hass, hass_ws_client, request, received, window)

    # The same request, as HTML only.
    html = REQUEST_HTML.format(**window)
    event = await mailbox.deliver(request_mail(AGENCY, "Footage request", html, html=True))
    assert "parts" in event
    assert event["text"].lstrip().startswith("<!DOCTYPE html>")
    assert len(received) == 2
    request = await desk.async_get(received[1].data["request_id"])
    assert request.status == "pending"
    assert (request.agency, request.case_number, request.legal_basis) == (
        "Springfield PD",
        "2026-0099",
        "warrant",
    )
    assert request.fields["reason"] == "burglary & theft nearby"

    # A stranger's mail does nothing.
    await mailbox.deliver(request_mail("someone@else.example", "Footage request", REQUEST.format(**window)))
    assert len(received) == 2
    assert not [n for n in hass.data["persistent_notification"].values() if "e-mail" in n["title"]]

    # A missing field: nothing submitted, and the owner is told which.
    await mailbox.deliver(request_mail(AGENCY, "Footage request", "Agency: Springfield PD\nCase number: 7\n"))
    assert len(received) == 2
    (message,) = _titled(hass, "Footage request e-mail not understood")
    assert "not complete: start (missing), end (missing)" in message
    assert len(mailbox.read()) == 4  # every request mail was marked read, the stranger's too

    count = await hub.runtime_data.store.async_call(
        lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
    )
    assert count == 2

    await _assert_several_at_once_come_one_after_another(hass, imap_server, mailbox, received, window)


async def test_a_new_owners_imap_entry_turns_plain_and_html_mail_into_requests(
    hass: HomeAssistant, hub: MockConfigEntry, imap_server: ImapServer
) -> None:
    """The IMAP entry as its config flow makes it (no message text in the event): the blueprint fetches it."""
    imap = await _add_imap(hass, imap_server)
    assert imap.data["event_message_data"] == []  # the IMAP integration's default for new entries
    await _blueprint(hass)
    mailbox = Mailbox(hass, imap_server)
    received = async_capture_events(hass, "doorbell_vault_request_received")
    window = _window(hub)

    event = await mailbox.deliver(request_mail(AGENCY, "Footage request", REQUEST.format(**window)))
    assert "text" not in event
    await wait_for(lambda: len(received) == 1, 30, 0.05)
    disclaimer = "<p>This message is confidential.</p>" * 100  # past the event's 2,048 characters
    html = REQUEST_HTML.format(**window).replace("<body>", "<body>" + disclaimer)
    event = await mailbox.deliver(request_mail(AGENCY, "Footage request", html, html=True))
    assert "text" not in event
    await wait_for(lambda: len(received) == 2, 30, 0.05)
    await hass.async_block_till_done()

    plain, rich = [await hub.runtime_data.lifecycle.async_get(e.data["request_id"]) for e in received]
    assert (plain.status, plain.agency, plain.case_number) == ("pending", "Springfield PD", "2026-0099")
    assert (rich.status, rich.fields["reason"]) == ("pending", "burglary & theft nearby")
    assert not [n for n in hass.data["persistent_notification"].values() if "e-mail" in n["title"]]
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"imap_message_data_{imap.entry_id}") is None
    assert len(mailbox.read()) == 2


async def test_mail_that_fails_dkim_is_refused_when_the_owner_requires_it(
    hass: HomeAssistant, hub: MockConfigEntry, imap_server: ImapServer
) -> None:
    await hass.config_entries.async_unload(hub.entry_id)
    hass.config_entries.async_update_entry(
        hub,
        options={
            **hub.options,
            "mail_authentication": "dkim",
            "mail_trusted_domains": ["springfield.example"],
            "mail_authserv_id": "mx.home.example",
        },
    )
    assert await hass.config_entries.async_setup(hub.entry_id)
    imap = await _add_imap(hass, imap_server)
    await _include_text(hass, imap)
    await _blueprint(hass)
    mailbox = Mailbox(hass, imap_server)
    received = async_capture_events(hass, "doorbell_vault_request_received")
    body = REQUEST.format(**_window(hub))

    failed = "mx.home.example; dkim=fail (signature did not verify) header.d=springfield.example"
    await mailbox.deliver(request_mail(AGENCY, "Footage request", body, authentication_results=[failed]))
    assert received == []
    (message,) = _titled(hass, "Footage request e-mail not authenticated")
    assert r"does not say dkim=pass for springfield\.example" in message  # the domain as Markdown text

    # A forged verdict below the receiving server's counts for nothing.
    forged = "mx.home.example; dkim=pass header.d=springfield.example"
    await mailbox.deliver(
        request_mail(
            AGENCY, "Footage request", body, authentication_results=["mx.home.example; dkim=none", forged]
        )
    )
    assert received == []

    await mailbox.deliver(request_mail(AGENCY, "Footage request", body, authentication_results=[forged]))
    assert len(received) == 1
    assert received[0].data["verified"] is True
    request = await hub.runtime_data.lifecycle.async_get(received[0].data["request_id"])
    assert (request.status, request.source, request.verified) == ("pending", "email", True)
