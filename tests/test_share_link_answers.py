"""What a share link answers: safe headers on every answer, quiet 404s that count toward Home Assistant's ban
only when the owner enabled it, and a link that says whether it works beyond the home network."""

from __future__ import annotations

import logging
from collections import defaultdict
from ipaddress import ip_address
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from homeassistant.components.http.ban import (
    KEY_BAN_MANAGER,
    KEY_FAILED_LOGIN_ATTEMPTS,
    KEY_LOGIN_THRESHOLD,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.evidence import views

from .conftest import submit_request


async def test_share_answers_carry_safe_headers_404s_are_quiet_and_the_link_says_if_it_is_local(
    hass: HomeAssistant,
    front_door_footage: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    request_id = await submit_request(hass, front_door_footage, 1, 20)
    shared = await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert shared is not None
    assert shared["link_scope"] == "local"
    assert "https://" in str(shared["link_warning"])
    path = URL(str(shared["share_url"])).path
    client = await hass_client_no_auth()
    typo = path[:-1] + ("A" if path[-1] != "A" else "B")
    for response in (
        await client.get(path),
        await client.get(f"{path}/manifest.json"),
        await client.get(typo),
        await client.get(f"{typo}/manifest.json"),
        await client.post(typo),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        await response.read()
    for _ in range(20):
        assert (await client.get(typo)).status == 404
    # A live token with a typo never lands in Home Assistant's log (the test server's own access log
    # aside); a scanner does not flood the log or the notifications.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert typo.rsplit("/", 1)[1][:20] not in logged
    assert "Login attempt" not in logged
    assert "http-login" not in hass.data["persistent_notification"]
    assert logged.count("Unknown or ended share link") == views.LOGGED_PER_MINUTE

    # With an https:// external URL the link is for the world.
    await hass.config.async_update(external_url="https://vault.example.org")
    second = await submit_request(hass, front_door_footage, 1, 20)
    shared = await hass.services.async_call(
        DOMAIN, "share_request", {"request_id": second}, blocking=True, return_response=True
    )
    assert shared is not None
    assert str(shared["share_url"]).startswith("https://vault.example.org/api/doorbell_vault/share/")
    assert (shared["link_scope"], shared["link_warning"]) == ("external", None)


async def test_404s_count_toward_the_ban_only_when_the_owner_enabled_it(hass: HomeAssistant) -> None:
    banned: list[Any] = []

    class Bans:
        async def async_add_ban(self, address: Any) -> None:
            banned.append(address)

    def request(threshold: int) -> Any:
        app: dict[Any, Any] = {
            KEY_HASS: hass,
            KEY_BAN_MANAGER: Bans(),
            KEY_LOGIN_THRESHOLD: threshold,
            KEY_FAILED_LOGIN_ATTEMPTS: defaultdict(int),
        }
        return SimpleNamespace(app=app, remote="203.0.113.7")

    off = request(-1)
    await views._count_toward_ban(off)
    assert off.app[KEY_FAILED_LOGIN_ATTEMPTS] == {}
    on = request(3)
    for _ in range(3):
        await views._count_toward_ban(on)
    assert on.app[KEY_FAILED_LOGIN_ATTEMPTS][ip_address("203.0.113.7")] == 3
    assert banned == [ip_address("203.0.113.7")]
    assert isinstance(views.HEADERS, dict)
    assert web  # aiohttp is what the view answers with
