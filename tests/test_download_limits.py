"""Downloads spend only what they should: a page view (a mail scanner, a chat preview) spends nothing, a
download that started finishes though its share ends, attempts have a cap of their own, claimed atomically;
and a package's files are owner-only by themselves."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.evidence.export import package_problems
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.store import shares

from .conftest import footage_hub, share_request, submit_request, unzip, wait_for


@pytest.fixture
async def footage(hass: HomeAssistant, storage: Path, sample_segment: Path) -> Any:
    """A hub with one offline camera and 8 minutes of its footage (a package big enough to stream)."""
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=80)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_scanners_get_spends_nothing_and_an_ending_share_lets_a_running_download_finish(
    hass: HomeAssistant, footage: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator, tmp_path: Path
) -> None:
    vault: DoorbellVault = footage.runtime_data
    request_id = await submit_request(hass, footage, 1, 470)
    shared = await share_request(hass, request_id, max_downloads=1)  # asserts an answer
    # Each file of the package is owner-only by itself (0600 as ffmpeg or the
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
    assert package_problems(unzip(body, tmp_path / "package")) == []
    await wait_for(lambda: not (vault.storage / "shares" / request_id).exists(), timeout=10, step=0.05)
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert (share.downloads, share.attempts, share.end_reason) == (1, 1, "expired")


async def test_download_attempts_have_their_own_cap(
    hass: HomeAssistant, front_door_footage: MockConfigEntry
) -> None:
    vault: DoorbellVault = front_door_footage.runtime_data
    request_id = await submit_request(hass, front_door_footage, 1, 20)
    shared = await share_request(hass, request_id, max_downloads=1)  # asserts an answer
    token = URL(str(shared["share_url"])).path.rsplit("/", 1)[1]
    claims = []
    for _ in range(11):  # each one cut off at once: its slot comes back, its attempt does not
        claims.append(claim := await vault.shares.downloads.async_find(token, attempt=True))
        if claim is not None:
            await vault.shares.downloads.async_downloaded(claim, {"bytes": 0, "completed": False})
    assert [c is not None for c in claims] == [True] * 10 + [False]
    assert (
        await vault.shares.downloads.async_find(token)
    ) is not None  # the page still shows; no download is spent


async def test_attempt_claims_are_atomic_in_the_store(
    hass: HomeAssistant, front_door_footage: MockConfigEntry
) -> None:
    vault: DoorbellVault = front_door_footage.runtime_data
    request_id = await submit_request(hass, front_door_footage, 1, 20)
    await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": request_id, "max_downloads": 2}, blocking=True
    )
    share = await vault.lifecycle.async_share_of(request_id)
    assert share is not None
    assert share.max_attempts == 10
    counted = await vault.store.async_call(shares.count_download, request_id)
    assert counted is not None
    assert counted.downloads == 1
