"""Reading a footage request out of a mail, what the receiving server vouches for, and the mail services."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import homeassistant.components.imap
import probatio
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from markdown_it import MarkdownIt
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN, MAIL_AUTHENTICATIONS
from custom_components.doorbell_vault.requests import mail, mail_intake

from .mail import REQUEST, REQUEST_HTML, imap_event, request_mail

AGENCY = "detective@springfield.example"
WINDOW = {"start": "2026-11-24T08:00:00+00:00", "end": "2026-11-24T09:00:00+00:00"}
EXPECTED = {
    "agency": "Springfield PD",
    "case_number": "2026-0099",
    "legal_basis": "warrant",
    "start": WINDOW["start"],
    "end": WINDOW["end"],
    "requester_name": "Det. Smith",
}


def _parsed(event: dict[str, object]) -> mail.ParsedMail:
    text = str(event["text"])
    html = mail.is_html(text, event.get("headers"), event.get("parts"))  # type: ignore[arg-type]
    return mail.parse_fields(text, html=html)


def test_a_plain_text_mail_as_the_imap_integration_sends_it() -> None:
    event = imap_event(
        request_mail("Detective@Springfield.example", "Footage request", REQUEST.format(**WINDOW))
    )
    assert isinstance(event["date"], datetime)
    assert event["parts"] == {}
    parsed = _parsed(event)
    assert not parsed.html
    assert parsed.fields == EXPECTED | {"reason": "burglary nearby"}
    assert parsed.problems == []


def test_an_html_only_mail_reads_like_its_text() -> None:
    event = imap_event(
        request_mail(
            "detective@springfield.example", "Footage request", REQUEST_HTML.format(**WINDOW), html=True
        ),
        max_message_size=30000,
    )
    assert event["text"].lstrip().startswith("<!DOCTYPE html>")
    parsed = _parsed(event)
    assert parsed.html
    assert parsed.fields == EXPECTED | {"reason": "burglary & theft nearby"}
    assert parsed.problems == []


def test_html_is_recognised_without_headers_and_in_multipart_mail() -> None:
    html = REQUEST_HTML.format(**WINDOW)
    assert mail.is_html(html)
    assert not mail.is_html(REQUEST.format(**WINDOW))
    assert mail.is_html("x", parts={"0": {"content_type": "text/html"}})
    assert not mail.is_html(
        html, parts={"0": {"content_type": "text/plain"}, "1": {"content_type": "text/html"}}
    )
    assert mail.is_html("x", headers={"Content-Type": ("text/html; charset=utf-8",)})


def test_html_text_breaks_lines_only_at_blocks() -> None:
    assert mail.html_text("<p>Agency:\n Springfield\tPD</p><p>Case: 1<br>Start: x</p>") == (
        "Agency: Springfield PD\nCase: 1\nStart: x"
    )
    assert mail.html_text("<style>Agency: no</style><ul><li>Agency: yes</li></ul>") == "Agency: yes"
    assert mail.html_text("a &lt;b&gt; &amp; c<br/>d") == "a <b> & c\nd"


def test_field_names_are_read_loosely_and_the_first_one_wins() -> None:
    parsed = mail.parse_fields(
        "**Agency:** Springfield PD\nCASE-NUMBER: 7\nRadius (m): 300\nlatitude: 52,37\nLongitude: 4.89\n"
        "Start: a\nEnd: b\n> Agency: Shelbyville PD\nNo colon here\nUnknown: field\nReason:\n"
    )
    assert parsed.fields == {
        "agency": "Springfield PD",
        "case_number": "7",
        "radius_m": 300.0,
        "latitude": 52.37,
        "longitude": 4.89,
        "start": "a",
        "end": "b",
    }
    assert parsed.problems == []


def test_missing_fields_and_bad_numbers_are_named() -> None:
    parsed = mail.parse_fields("Agency: Springfield PD\nRadius: wide\nPlease send it all.")
    assert parsed.problems == [
        {"field": "radius_m", "message": "not a number"},
        {"field": "start", "message": "missing"},
        {"field": "end", "message": "missing"},
    ]
    assert parsed.missing == ["start", "end"]
    assert mail.parse_fields("").missing == ["agency", "start", "end"]


@pytest.mark.parametrize(
    ("headers", "dkim", "dmarc"),
    [
        (
            [
                "mx.home.example; dkim=pass header.d=springfield.example header.s=s1;"
                " dmarc=pass header.from=springfield.example"
            ],
            True,
            True,
        ),
        (["mx.home.example; dkim=pass (good signature) header.i=@pd.springfield.example"], False, False),
        (
            [
                "mx.home.example;\r\n dkim=fail (bad signature) header.d=springfield.example;"
                " dmarc=fail header.from=springfield.example"
            ],
            False,
            False,
        ),
        (
            ["mx.home.example; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=springfield.example"],
            False,
            False,
        ),
        # The sender's own header below the receiving server's counts for nothing.
        (
            ["mx.home.example; dkim=none", "mx.home.example; dkim=pass header.d=springfield.example"],
            False,
            False,
        ),
        # The server's dkim=fail on top, a forged pass below with the server's own name.
        (
            [
                "mx.home.example; dkim=fail header.d=springfield.example",
                "mx.home.example; dkim=pass header.d=springfield.example",
            ],
            False,
            False,
        ),
        # A quoted value keeps its `;`: no dkim=pass is read out of the reason.
        (
            [
                'mx.home.example; dkim=fail reason="no key; dkim=pass header.d=springfield.example"'
                " header.d=springfield.example"
            ],
            False,
            False,
        ),
        ([], False, False),
    ],
)
def test_only_the_receiving_servers_verdict_counts(headers: list[str], dkim: bool, dmarc: bool) -> None:
    event = imap_event(
        request_mail("detective@springfield.example", "Footage request", "x", authentication_results=headers)
    )
    verdict = mail.authenticate(event["sender"], event["headers"], "mx.home.example")
    assert (verdict.dkim, verdict.dmarc) == (dkim, dmarc)
    assert verdict.domain == "springfield.example"
    assert verdict.header_found == bool(headers)
    assert verdict.passes("dkim") is dkim
    assert verdict.passes("dmarc") is dmarc
    assert verdict.passes("off")


def test_without_the_servers_own_header_nothing_counts() -> None:
    # A server that writes no header of its own: the sender's forged one, whatever name it carries.
    forged = {"Authentication-Results": ("mx.home.example; dkim=pass header.d=springfield.example",)}
    assert not mail.authenticate("a@springfield.example", forged, "").dkim
    assert not mail.authenticate("a@springfield.example", forged, "mx.other.example").header_found
    other = {"Authentication-Results": ("forged.example; dkim=pass header.d=springfield.example",)}
    assert not mail.authenticate("a@springfield.example", other, "mx.home.example").dkim


def test_a_named_authserv_id_picks_the_servers_own_headers() -> None:
    headers = {
        "Authentication-Results": (
            "forged.example; dkim=pass header.d=springfield.example",
            "mx.home.example; dkim=pass header.d=springfield.example",
        )
    }
    assert mail.authenticate("a@springfield.example", headers, "mx.home.example").dkim
    assert not mail.authenticate("a@springfield.example", headers, "other.example").dkim
    # A parent domain's signature is aligned (relaxed), another domain's is not.
    assert mail.authenticate("a@pd.springfield.example", headers, "MX.home.example").dkim
    assert not mail.authenticate("a@springfield.example.evil", headers, "mx.home.example").dkim


def test_listed_domains_match_themselves_and_below() -> None:
    assert mail.domain_listed("springfield.example", ["  @Springfield.Example "])
    assert mail.domain_listed("pd.springfield.example", ["springfield.example"])
    assert not mail.domain_listed("notspringfield.example", ["springfield.example"])
    assert not mail.domain_listed("springfield.example", ["", " "])
    assert mail.sender_domain("no-domain") == ""


# The services (a real Home Assistant with the hub) ------------------------------------------------


@pytest.fixture
async def hub(hass: HomeAssistant, hub_entry: MockConfigEntry) -> MockConfigEntry:
    """A loaded hub that requires DKIM and trusts one agency domain."""
    hass.config_entries.async_update_entry(
        hub_entry,
        options={
            **hub_entry.options,
            "mail_authentication": "dkim",
            "mail_trusted_domains": ["springfield.example"],
            "mail_authserv_id": "mx.home.example",
        },
    )
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    return hub_entry


async def test_parse_request_mail_answers_what_it_reads_and_submits_nothing(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    event = imap_event(
        request_mail(
            "detective@springfield.example",
            "Footage request",
            REQUEST_HTML.format(**WINDOW),
            html=True,
            authentication_results=["mx.home.example; dkim=pass header.d=springfield.example"],
        ),
        max_message_size=30000,
    )
    data = {k: event[k] for k in ("sender", "subject", "text", "headers", "parts")}
    answer = await hass.services.async_call(
        DOMAIN, "parse_request_mail", data, blocking=True, return_response=True
    )
    assert answer == {
        "fields": EXPECTED | {"reason": "burglary & theft nearby"},
        "problems": [],
        "html": True,
        "has_text": True,
        "authentication": {
            "domain": "springfield.example",
            "dkim": True,
            "dmarc": False,
            "header_found": True,
            "accepted": True,
            "verified": True,
        },
    }
    assert await hub.runtime_data.lifecycle.async_list() == []


async def test_mail_services_refuse_malformed_input_with_a_clear_error(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    for data, message in (
        ({"subject": "x"}, "required key not provided"),
        ({"sender": "a@b.example", "headers": ["not", "a", "mapping"]}, "expected a mapping"),
        ({"sender": "a@b.example", "headers": {"From": 5}}, "expected text or a list of texts"),
        ({"sender": "a@b.example", "parts": "x"}, "expected a mapping of at most 200 parts"),
        ({"sender": "a@b.example", "text": "x" * (mail.MAX_TEXT + 1)}, "not a valid value at .text."),
    ):
        with pytest.raises(probatio.Invalid, match=message):
            await hass.services.async_call(
                DOMAIN, "submit_request_mail", data, blocking=True, return_response=True
            )
    assert await hub.runtime_data.lifecycle.async_list() == []


async def test_submit_request_mail_without_authentication_is_refused_and_named(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    event = imap_event(
        request_mail("detective@springfield.example", "Footage request", REQUEST.format(**WINDOW))
    )
    data = {k: event[k] for k in ("sender", "subject", "text", "headers", "parts")}
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "submit_request_mail", data, blocking=True, return_response=True
        )
    assert refused.value.translation_key == "mail_not_authenticated"
    assert refused.value.translation_placeholders == {
        "sender": "detective@springfield.example",
        "method": "DKIM",
    }
    (notification,) = hass.data["persistent_notification"].values()
    assert "the mail carries no Authentication-Results header" in notification["message"]

    data["headers"] = {}
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "submit_request_mail", data, blocking=True, return_response=True
        )
    messages = [n["message"] for n in hass.data["persistent_notification"].values()]
    assert any("passes on no headers" in m for m in messages)
    assert await hub.runtime_data.lifecycle.async_list() == []


async def test_a_mail_cut_short_by_the_imap_entry_says_to_raise_its_size(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    imap = MockConfigEntry(
        domain="imap",
        title="vault@example.test",
        data={"event_message_data": ["text", "headers"], "max_message_size": 2048},
    )
    imap.add_to_hass(hass)
    disclaimer = "This message is confidential. " * 80 + "\n\n"
    event = imap_event(
        request_mail(
            "detective@springfield.example",
            "Footage request",
            disclaimer + REQUEST.format(**WINDOW),
            authentication_results=["mx.home.example; dkim=pass header.d=springfield.example"],
        ),
        entry_id=imap.entry_id,
        uid="9",
    )
    assert len(event["text"]) == 2048
    data = {k: event[k] for k in ("sender", "subject", "text", "headers", "parts", "entry_id", "uid")}
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "submit_request_mail", data, blocking=True, return_response=True
        )
    assert refused.value.translation_key == "mail_not_understood"
    notification = hass.data["persistent_notification"][f"{DOMAIN}_mail_{imap.entry_id}_9"]
    assert "agency (missing), start (missing), end (missing)" in notification["message"]
    assert (
        r"cut at 2048 characters: raise *IMAP (vault\@example\.test) → Configure → Max message size* to 20000"
        in (notification["message"])
    )
    # The entry passes on text and headers: no repair issue.
    assert ir.async_get(hass).async_get_issue(DOMAIN, mail_intake.issue_id(imap.entry_id)) is None

    # The full text (as with a larger maximum) is a request, verified by the listed domain's DKIM.
    data["text"] = disclaimer + REQUEST.format(**WINDOW)
    answer = await hass.services.async_call(
        DOMAIN, "submit_request_mail", data, blocking=True, return_response=True
    )
    assert answer is not None
    assert answer["verified"] is True
    request = await hub.runtime_data.lifecycle.async_get(answer["request_id"])
    assert (request.source, request.sender, request.verified) == (
        "email",
        "detective@springfield.example",
        True,
    )
    entries = [json.loads(line) for line in await hub.runtime_data.lifecycle.async_export_audit()]
    (received,) = [e for e in entries if e["kind"] == "request_received"]
    assert received["data"]["sender"] == "detective@springfield.example"
    assert received["data"]["verified"] is True


def test_the_options_flow_offers_every_authentication_the_intake_knows() -> None:
    assert tuple(mail.Authentication) == MAIL_AUTHENTICATIONS


@pytest.mark.parametrize(
    ("results", "verified"),
    [
        # The receiving server wrote no header of its own: the sender's, under any name, counts for nothing.
        (["forged.example; dkim=pass header.d=springfield.example"], False),
        # The server's dkim=fail on top; the sender's pass below it, under the server's own name.
        (
            [
                "mx.home.example; dkim=fail header.d=springfield.example",
                "mx.home.example; dkim=pass header.d=springfield.example",
            ],
            False,
        ),
        # A `;` inside a quoted value does not start a new result.
        (['mx.home.example; dkim=fail reason="x; dkim=pass header.d=springfield.example"'], False),
        # The server's real pass, above whatever the sender wrote.
        (["mx.home.example; dkim=pass header.d=springfield.example", "x.example; dkim=fail"], True),
    ],
)
async def test_only_the_servers_topmost_verdict_makes_a_mail_verified(
    hass: HomeAssistant, hub: MockConfigEntry, results: list[str], verified: bool
) -> None:
    event = imap_event(
        request_mail(AGENCY, "Footage request", REQUEST.format(**WINDOW), authentication_results=results)
    )
    data = {k: event[k] for k in ("sender", "subject", "text", "headers", "parts")}
    answer = await hass.services.async_call(
        DOMAIN, "parse_request_mail", data, blocking=True, return_response=True
    )
    assert answer is not None
    assert answer["authentication"]["accepted"] is verified
    assert answer["authentication"]["verified"] is verified


async def test_dkim_without_the_servers_name_submits_nothing_and_says_what_to_enter(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    """Options saved before the authserv-id was required: no header can be trusted, the owner is told."""
    hass.config_entries.async_update_entry(hub, options={**hub.options, "mail_authserv_id": ""})
    await hass.async_block_till_done()
    passed = ["mx.home.example; dkim=pass header.d=springfield.example"]
    event = imap_event(
        request_mail(AGENCY, "Footage request", REQUEST.format(**WINDOW), authentication_results=passed)
    )
    data = {k: event[k] for k in ("sender", "subject", "text", "headers", "parts")}
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "submit_request_mail", data, blocking=True)
    (notification,) = hass.data["persistent_notification"].values()
    assert "does not know your mail server's name" in notification["message"]
    assert "E-mail: your mail server's name in Authentication-Results" in notification["message"]
    assert await hass.config_entries.async_get_entry(hub.entry_id).runtime_data.lifecycle.async_list() == []


async def test_dkim_names_the_imap_option_that_passes_on_the_headers(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    imap = MockConfigEntry(domain="imap", title="vault@example.test", data={"event_message_data": []})
    imap.add_to_hass(hass)
    event = imap_event(
        request_mail(AGENCY, "Footage request", REQUEST.format(**WINDOW)),
        message_data=(),
        entry_id=imap.entry_id,
    )
    data = {k: event[k] for k in ("sender", "subject", "parts", "entry_id", "uid")}
    data["text"] = REQUEST.format(**WINDOW)  # as the e-mail blueprint fetches it
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "submit_request_mail", data, blocking=True)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, mail_intake.issue_id(imap.entry_id))
    assert issue is not None
    assert issue.translation_placeholders == {"entry": r"vault\@example\.test"}
    (notification,) = hass.data["persistent_notification"].values()
    assert (
        "Configure → Message data to be included in the `imap_content` event data*: tick **Message headers**"
        in notification["message"]
    )
    imap_strings = json.loads(
        (Path(homeassistant.components.imap.__file__).parent / "strings.json").read_text(encoding="utf-8")
    )
    assert imap_strings["selector"]["event_message_data"]["options"]["headers"] == "Message headers"


async def test_a_mails_subject_and_sender_reach_the_household_as_plain_text(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    subject = (
        "Footage request ![](https://t.example/px.png) [Open the request](https://evil.example)\x1b[2J\u202e"
    )
    sender = "[Open the request](https://evil.example)\n@springfield.example"
    data = {"sender": sender, "subject": subject, "text": REQUEST.format(**WINDOW), "headers": {}}
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "submit_request_mail", data, blocking=True)
    (notification,) = hass.data["persistent_notification"].values()
    message = notification["message"]
    html = MarkdownIt("commonmark").render(message)
    assert "<a" not in html
    assert "<img" not in html
    assert "https://" not in message
    assert not [c for c in message if unicodedata.category(c) in ("Cc", "Cf")]
    assert "Open the request" in message
    assert "Footage request" in html
