"""What the webhook takes: bounded deadlines, pending requests and rates per source, no replays (not even
after a restart), chunked bodies read in full, and the signature checked before size and type."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.intake import RateLimit
from custom_components.doorbell_vault.requests.secret import write_secret
from custom_components.doorbell_vault.store import holds

from .conftest import (
    WEBHOOK_SECRET,
    Offline,
    camera_subentry,
    count_rows,
    make_hub,
    post_webhook,
    request_fields,
    signed_headers,
)


@pytest.fixture
async def signed_hub(hass: HomeAssistant, storage: Path) -> AsyncIterator[MockConfigEntry]:
    """A set-up hub whose webhook demands the household's signature; two pending requests per source."""
    storage.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(write_secret, storage, WEBHOOK_SECRET.decode())
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")], max_pending_per_source=2)
    assert await hass.config_entries.async_setup(entry.entry_id)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_deadline_years_ahead_is_rejected_and_holds_nothing(
    hass_client_no_auth: ClientSessionGenerator, signed_hub: MockConfigEntry
) -> None:
    # It would hold every camera's footage for years.
    client, entry = await hass_client_no_auth(), signed_hub
    far = json.dumps(request_fields(deadline="9999-12-31T00:00:00+00:00")).encode()
    status, answer = await post_webhook(client, entry, far, **signed_headers(far))
    assert (status, answer["status"]) == (202, "rejected")
    request = await entry.runtime_data.lifecycle.async_get(answer["request_id"])
    assert "deadline_too_far" in request.problems
    assert await entry.runtime_data.store.async_call(holds.every) == []


async def test_pending_requests_per_source_are_capped(
    hass_client_no_auth: ClientSessionGenerator, signed_hub: MockConfigEntry
) -> None:
    client, entry = await hass_client_no_auth(), signed_hub
    for _ in range(2):
        body = json.dumps(request_fields()).encode()
        assert (await post_webhook(client, entry, body, **signed_headers(body)))[0] == 202
    body = json.dumps(request_fields()).encode()
    status, answer = await post_webhook(client, entry, body, **signed_headers(body))
    assert status == 429
    assert "already pending" in answer["errors"][0]["message"]
    assert await count_rows(entry, "requests") == 2


async def test_a_captured_body_is_not_replayed_even_after_a_restart_nor_old_or_stale_signatures_taken(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, signed_hub: MockConfigEntry
) -> None:
    client, entry = await hass_client_no_auth(), signed_hub
    withdraw = json.dumps({"action": "withdraw", "request_id": "nope"}).encode()
    headers = signed_headers(withdraw)
    assert (await post_webhook(client, entry, withdraw, **headers))[0] == 400
    status, answer = await post_webhook(client, entry, withdraw, **headers)
    assert (status, answer["errors"][0]["message"]) == (401, "this nonce was already used (a replay?)")
    assert await hass.config_entries.async_reload(entry.entry_id)
    assert (await post_webhook(client, entry, withdraw, **headers))[0] == 401
    stale = signed_headers(withdraw, timestamp=int(time.time()) - 301)
    status, answer = await post_webhook(client, entry, withdraw, **stale)
    assert "more than 300 s" in answer["errors"][0]["message"]
    old = "sha256=" + hmac.new(WEBHOOK_SECRET, withdraw, hashlib.sha256).hexdigest()
    status, answer = await post_webhook(client, entry, withdraw, **{"X-Doorbell-Vault-Signature": old})
    assert status == 401
    assert "no longer accepted" in answer["errors"][0]["message"]


def test_rate_limit_is_per_source() -> None:
    rate = RateLimit(3)
    assert [rate.allow("203.0.113.1") for _ in range(4)] == [True, True, True, False]
    assert rate.allow("203.0.113.2")  # one source cannot starve the rest


async def test_webhook_reads_chunked_bodies_and_checks_the_signature_before_size_and_type(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    offline_hub: MockConfigEntry,
    storage: Path,
) -> None:
    hub = offline_hub
    client = await hass_client_no_auth()
    body = json.dumps(request_fields(reason="x" * 1900)).encode()

    async def chunks(data: bytes, size: int = 97) -> Any:
        for at in range(0, len(data), size):
            yield data[at : at + size]

    status, answer = await post_webhook(client, hub, chunks(body))
    assert status == 202, answer
    big = json.dumps(request_fields(reason="x" * 2000, agency="A" * 70_000)).encode()
    assert (await post_webhook(client, hub, chunks(big)))[0] == 413

    await hass.async_add_executor_job(write_secret, storage, WEBHOOK_SECRET.decode())
    assert await hass.config_entries.async_reload(hub.entry_id)
    # Without a valid signature a caller learns nothing else: 401 before 413 and 415.
    assert (await post_webhook(client, hub, b"agency=x", **{"Content-Type": "text/plain"}))[0] == 401
    assert (await post_webhook(client, hub, chunks(big)))[0] == 401
    plain = b"agency=x"
    assert (
        await post_webhook(client, hub, plain, **{**signed_headers(plain), "Content-Type": "text/plain"})
    )[0] == 415
    signed = json.dumps(request_fields()).encode()
    assert (await post_webhook(client, hub, chunks(signed, 50), **signed_headers(signed)))[0] == 202
