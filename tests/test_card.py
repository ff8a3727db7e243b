"""The Footage requests dashboard card: its bundle added for every user, and its subscription — live
snapshots for administrators with the right to decide, read-only for household members (never a link or a
requester's details), or nothing when the owner hid the card. The card in a real browser is in
tests/test_panel_e2e.py."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.doorbell_vault.card import CARD_KEYS
from custom_components.doorbell_vault.const import CARD_HIDDEN, CONF_CARD_HOUSEHOLD, DOMAIN
from custom_components.doorbell_vault.panel import CARD_BUNDLE

from .conftest import footage_hub


async def _hub(hass: HomeAssistant, storage: Path, sample: Path) -> MockConfigEntry:
    return await footage_hub(hass, storage, sample, ("Front door", "Garage"))


async def _submit(hass: HomeAssistant, entry: MockConfigEntry, agency: str = "Springfield PD") -> str:
    base: datetime = entry.base  # type: ignore[attr-defined]
    body = {
        "agency": agency,
        "case_number": "2026-0042",
        "legal_basis": "warrant",
        "start": base.isoformat(),
        "end": (base + timedelta(seconds=20)).isoformat(),
        "requester_name": "Det. Smith",
        "requester_email": "smith@springfield.example",
        "reason": "A parcel was taken.",
    }
    result = await hass.services.async_call(
        DOMAIN, "submit_request", body, blocking=True, return_response=True
    )
    assert result is not None
    return str(result["request_id"])


class Card:
    """A card's websocket: snapshots set aside while a command waits for its answer."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.snapshots: list[dict[str, Any]] = []

    async def call(self, message: dict[str, Any]) -> dict[str, Any]:
        await self.socket.send_json_auto_id(message)
        while (answer := await self.socket.receive_json())["type"] == "event":
            self.snapshots.append(answer["event"])
        return dict(answer)

    async def subscribe(self, **options: Any) -> dict[str, Any]:
        assert (await self.call({"type": f"{DOMAIN}/card/subscribe", **options}))["success"]
        return await self.snapshot()

    async def snapshot(self, until: Any = None, timeout: float = 10) -> dict[str, Any]:
        """The next snapshot (that satisfies `until`)."""
        async with asyncio.timeout(timeout):
            while True:
                if self.snapshots:
                    event = self.snapshots.pop(0)
                else:
                    message = await self.socket.receive_json()
                    assert message["type"] == "event", message
                    event = message["event"]
                if until is None or until(event):
                    return dict(event)


async def test_the_card_bundle_is_added_for_every_user_cache_busted(
    hass: HomeAssistant, storage: Path, sample_segment: Path, hass_client: ClientSessionGenerator
) -> None:
    await _hub(hass, storage, sample_segment)
    digest = hashlib.sha256(CARD_BUNDLE.read_bytes()).hexdigest()[:16]
    url = f"/doorbell_vault_panel/doorbell-vault-card.js?v={digest}"
    assert url in hass.data[DATA_EXTRA_MODULE_URL].urls
    response = await (await hass_client()).get(url)
    assert response.status == 200
    assert await response.read() == CARD_BUNDLE.read_bytes()


async def test_admins_decide_household_members_read_only_without_links_or_contacts(
    hass: HomeAssistant,
    storage: Path,
    sample_segment: Path,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    entry = await _hub(hass, storage, sample_segment)
    first = await _submit(hass, entry)
    admin = Card(await hass_ws_client(hass))
    household = Card(await hass_ws_client(hass, hass_read_only_access_token))
    mine = await admin.subscribe()
    theirs = await household.subscribe()
    assert (mine["can_decide"], theirs["can_decide"]) == (True, False)
    assert mine["cameras"] == theirs["cameras"] == ["Front door", "Garage"]
    [shown] = theirs["pending"]
    assert set(shown) == set(CARD_KEYS)
    assert (shown["request_id"], shown["verified"], shown["cameras_with_footage"]) == (
        first,
        False,
        ["Front door", "Garage"],
    )
    assert theirs["pending_total"] == 1

    # A new request arrives live; the admin shares it with the defaults (as the card's button does).
    second = await _submit(hass, entry, "County Sheriff")
    theirs = await household.snapshot(lambda s: s["pending_total"] == 2)
    shared = await admin.call(
        {"type": f"{DOMAIN}/requests/decide", "request_id": second, "decision": "share"}
    )
    link = shared["result"]["share"]["share_url"]
    mine = await admin.snapshot(lambda s: s["decided"])
    theirs = await household.snapshot(lambda s: s["decided"] and s["decided"][0]["status"] == "shared")
    assert [r["request_id"] for r in theirs["decided"]] == [second]
    assert mine["decided"][0]["request_id"] == second
    text = json.dumps(theirs)
    for private in (link, link.rsplit("/", 1)[-1], "Det. Smith", "smith@springfield.example", "parcel"):
        assert private not in text

    # Household members cannot decide: the card's buttons call the admin-only command.
    refused = await household.call(
        {"type": f"{DOMAIN}/requests/decide", "request_id": first, "decision": "decline"}
    )
    assert refused["error"]["code"] == "unauthorized"
    assert (await entry.runtime_data.lifecycle.async_get(first)).status == "pending"


async def test_the_owner_hides_the_card_from_household_members(
    hass: HomeAssistant,
    storage: Path,
    sample_segment: Path,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    entry = await _hub(hass, storage, sample_segment)
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_CARD_HOUSEHOLD: CARD_HIDDEN})
    await hass.async_block_till_done()
    await _submit(hass, entry)
    household = Card(await hass_ws_client(hass, hass_read_only_access_token))
    assert await household.subscribe() == {"visible": False}
    admin = Card(await hass_ws_client(hass))
    assert (await admin.subscribe())["pending_total"] == 1
    await _submit(hass, entry, "County Sheriff")
    assert await household.snapshot() == {"visible": False}  # a change tells them nothing either


async def test_the_options_say_what_household_members_see(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    """Sharing offers the card's option, read-only by default; the owner may hide the card."""
    entry = await _hub(hass, storage, sample_segment)
    result = await hass.config_entries.options.async_init(entry.entry_id)

    def as_shown(result: Any) -> dict[str, Any]:
        keys = [str(key) for key in result["data_schema"].schema]
        return {k: entry.options[k] for k in keys if entry.options.get(k) not in (None, "", [])}

    while result["step_id"] != "sharing":
        result = await hass.config_entries.options.async_configure(result["flow_id"], as_shown(result))
    assert entry.options[CONF_CARD_HOUSEHOLD] == "read_only"
    assert CONF_CARD_HOUSEHOLD in as_shown(result)
    answer = as_shown(result) | {CONF_CARD_HOUSEHOLD: CARD_HIDDEN}
    result = await hass.config_entries.options.async_configure(result["flow_id"], answer)
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert entry.options[CONF_CARD_HOUSEHOLD] == CARD_HIDDEN
