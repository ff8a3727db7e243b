"""A share's download limit holds against parallel downloads: a running download holds a slot."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.hub import DoorbellVault

from .conftest import footage_hub, wait_for


async def _shared(hass: HomeAssistant, entry: MockConfigEntry, max_downloads: int) -> tuple[str, str]:
    """A request for the hub's footage, shared with `max_downloads`: its id and the link's path."""
    base = entry.base  # type: ignore[attr-defined]
    asked = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {
            "agency": "Springfield PD",
            "case_number": "2026-0042",
            "legal_basis": "warrant",
            "start": (base + timedelta(seconds=1)).isoformat(),
            "end": (base + timedelta(seconds=470)).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert asked is not None
    request_id = str(asked["request_id"])
    shared = await hass.services.async_call(
        DOMAIN,
        "share_request",
        {"request_id": request_id, "max_downloads": max_downloads},
        blocking=True,
        return_response=True,
    )
    assert shared is not None
    return request_id, URL(str(shared["share_url"])).path


async def _downloads(vault: DoorbellVault) -> list[dict[str, Any]]:
    rows = await vault.store.async_call(
        lambda db: db.execute(
            "SELECT data FROM audit WHERE kind = 'share_downloaded' ORDER BY seq"
        ).fetchall()
    )
    return [json.loads(row[0]) for row in rows]


async def test_parallel_downloads_get_exactly_the_limit_and_a_cut_off_one_gives_its_slot_back(
    hass: HomeAssistant,
    storage: Path,
    sample_segment: Path,
    aiohttp_client: Callable[..., Any],
    socket_enabled: None,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=80)
    vault: DoorbellVault = entry.runtime_data
    request_id, path = await _shared(hass, entry, max_downloads=2)
    # Home Assistant's own server cancels a handler whose client went; so does this one.
    client = await aiohttp_client(hass.http.app, server_kwargs={"handler_cancellation": True})

    # Cut off after the first chunk: the download is logged as incomplete and its slot is free again.
    cut = await client.post(path)
    assert cut.status == 200
    assert await cut.content.read(65536)
    cut.close()
    await wait_for(lambda: _downloads(vault), timeout=10, step=0.05)

    async def download() -> tuple[int, bytes]:
        response = await client.post(path)
        return response.status, await response.read()

    answers = await asyncio.gather(*(download() for _ in range(2 + 10)))
    zips = [body for status, body in answers if status == 200]
    assert sorted(status for status, _ in answers) == [200] * 2 + [404] * 10
    assert all(body == b"404: Not Found" for status, body in answers if status == 404)
    for body in zips:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.testzip() is None

    async def ended() -> str | None:
        share = await vault.lifecycle.async_share_of(request_id)
        return share.end_reason if share else None

    await wait_for(ended, timeout=10, step=0.05)  # the second download's log and end follow its last byte
    assert await ended() == "exhausted"
    logged = await _downloads(vault)
    assert sorted((d["completed"], d["download"]) for d in logged) == [(False, 0), (True, 1), (True, 2)]
    assert logged[0]["bytes"] < len(zips[0])
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_download_cancelled_while_it_claims_its_slot_gives_the_slot_back(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    vault: DoorbellVault = entry.runtime_data
    _request_id, path = await _shared(hass, entry, max_downloads=1)
    token = path.rsplit("/", 1)[1]
    # The client goes while the store takes the slot: its handler is cancelled mid-claim.
    claiming = asyncio.ensure_future(vault.shares.downloads.async_find(token, attempt=True))
    await asyncio.sleep(0)
    claiming.cancel()
    with pytest.raises(asyncio.CancelledError):
        await claiming
    await wait_for(lambda: _downloads(vault), timeout=10, step=0.05)
    assert [d["completed"] for d in await _downloads(vault)] == [False]
    assert await vault.shares.downloads.async_find(token, attempt=True) is not None
    await hass.config_entries.async_unload(entry.entry_id)
