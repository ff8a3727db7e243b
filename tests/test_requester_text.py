"""What a requester writes cannot mislead the household: look-alike and invisible characters neither hide
from nor dodge the agency lists, single-line fields stay single lines, and the custody record and the
notifications quote the requester's text instead of obeying it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.evidence.custody_record import custody_text
from custom_components.doorbell_vault.evidence.order import Order
from custom_components.doorbell_vault.requests.policy import Policy, check
from custom_components.doorbell_vault.requests.validation import RequestInvalid, validate

from .conftest import request_fields

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
    order = Order(
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
    text = custody_text(order, [], "now")
    assert [line for line in text.splitlines() if line.startswith("Decided by:")] == [
        'Decided by:     household member ("Owner")'
    ]
    assert 'Case number:    "1\\nDecided by:     user (Judge Dredd)"' in text
    assert 'Asked by:       "Acme \\"PD\\"" ("Smith\\u202e")' in text


async def test_notifications_escape_markdown_from_the_requester(
    hass: HomeAssistant, offline_hub: MockConfigEntry
) -> None:
    agency = "![](https://tracker.example/p.png) [View warrant](https://phish.example) **urgent**"
    result = await hass.services.async_call(
        DOMAIN, "submit_request", request_fields(agency=agency), blocking=True, return_response=True
    )
    assert result is not None
    note = hass.data["persistent_notification"][f"doorbell_vault_{result['request_id']}"]["message"]
    assert "![](" not in note
    assert "[View warrant](" not in note
    assert "\\!\\[\\]\\(https://tracker" in note.replace("\\:", ":").replace("\\.", ".").replace("\\/", "/")
