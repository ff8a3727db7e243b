"""The Footage requests panel: registered for admins only, its bundle served cache-busted, its strings."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.doorbell_vault.panel import BUNDLE, CATALOGUE, PANEL_URL_PATH, request_path

from .conftest import Offline, camera_subentry, make_hub

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "frontend" / "src"


async def _loaded(hass: HomeAssistant, storage: Path) -> MockConfigEntry:
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def test_panel_registered_for_admins(
    hass: HomeAssistant,
    storage: Path,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    await _loaded(hass, storage)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "get_panels"})
    panels = (await client.receive_json())["result"]
    panel = panels[PANEL_URL_PATH]
    assert panel["component_name"] == "custom"
    assert panel["title"] == "Footage requests"
    assert panel["icon"] == "mdi:doorbell-video"
    assert panel["require_admin"] is True
    custom = panel["config"]["_panel_custom"]
    assert custom["name"] == "doorbell-vault-panel"
    assert custom["embed_iframe"] is False
    digest = hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:16]
    assert custom["module_url"] == f"/doorbell_vault_panel/doorbell-vault-panel.js?v={digest}"

    # The module is served as committed, to anyone (it holds no data: every call is authenticated).
    http = await hass_client()
    response = await http.get(custom["module_url"])
    assert response.status == 200
    assert await response.read() == BUNDLE.read_bytes()
    assert "javascript" in response.headers["Content-Type"]

    assert request_path("abc") == "/doorbell-vault/request/abc"


async def test_panel_hidden_and_commands_refused_for_non_admins(
    hass: HomeAssistant,
    storage: Path,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    await _loaded(hass, storage)
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json({"id": 1, "type": "get_panels"})
    panels = (await client.receive_json())["result"]
    assert PANEL_URL_PATH not in panels
    assert "lovelace" in panels  # the user does get the panels meant for everyone
    commands: list[dict[str, Any]] = [
        {"type": "doorbell_vault/requests/list"},
        {"type": "doorbell_vault/requests/get", "request_id": "x"},
        {"type": "doorbell_vault/requests/decide", "request_id": "x", "decision": "decline"},
        {"type": "doorbell_vault/requests/subscribe"},
        {"type": "doorbell_vault/requests/preview", "request_id": "x"},
        {"type": "doorbell_vault/audit/verify"},
        {"type": "doorbell_vault/audit/export"},
        {"type": "doorbell_vault/audit/fingerprint"},
        {"type": "doorbell_vault/report"},
    ]
    for number, command in enumerate(commands, start=2):
        await client.send_json({"id": number, **command})
        answer = await client.receive_json()
        assert answer["success"] is False, command
        assert answer["error"]["code"] == "unauthorized", command


async def test_panel_strings_are_served_and_complete(
    hass: HomeAssistant, storage: Path, hass_ws_client: WebSocketGenerator
) -> None:
    """Every string the panel asks for exists in its catalogue, served to any signed-in user."""
    await _loaded(hass, storage)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "doorbell_vault/strings", "language": "en"})
    panel = json.loads((CATALOGUE / "en.json").read_text())
    assert (await client.receive_json())["result"]["strings"] == panel

    used: set[str] = set()
    prefixes: set[str] = set()
    for source in SOURCES.glob("*.ts"):
        text = source.read_text()
        used.update(re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"", text))
        prefixes.update(re.findall(r"\bt\(\s*`([a-z0-9_]+)\$\{", text))
    assert used, "no strings found in the panel sources"
    assert sorted(used - panel.keys()) == []
    # Keys built from values: every value the backend can send has its string.
    from custom_components.doorbell_vault.redaction.regions import ACTIONS, MODES
    from custom_components.doorbell_vault.requests.validation import LEGAL_BASES
    from custom_components.doorbell_vault.store.inbox import DecidedBy, Status

    values = {
        "status_": [s.value for s in Status],
        "decided_by_": [d.value for d in DecidedBy],
        "legal_basis_": list(LEGAL_BASES),
        "source_": ["webhook", "service", "email"],
        "end_reason_": ["revoked", "expired", "exhausted"],
        "mode_": list(MODES),
        "mode_short_": list(MODES),
        "action_": list(ACTIONS),
        "shape_": ["rect", "polygon"],
    }
    assert prefixes <= {*values, "problem_"}
    for prefix, options in values.items():
        assert sorted(f"{prefix}{v}" for v in options if f"{prefix}{v}" not in panel) == []
    problems = set(
        re.findall(
            r"problems\.append\(\"([a-z_]+)\"\)",
            (ROOT / "custom_components" / "doorbell_vault" / "requests" / "policy.py").read_text(),
        )
    )
    assert problems
    assert sorted(p for p in problems if f"problem_{p}" not in panel) == []


async def test_panel_strings_fall_back_to_english_for_everyone(
    hass: HomeAssistant,
    storage: Path,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """A household member's tablet in German gets English; a language tag that is not one is refused."""
    await _loaded(hass, storage)
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json({"id": 1, "type": "doorbell_vault/strings", "language": "de-CH"})
    strings = (await client.receive_json())["result"]["strings"]
    assert strings["title"] == "Footage requests"
    await client.send_json({"id": 2, "type": "doorbell_vault/strings", "language": "../../secrets"})
    answer = await client.receive_json()
    assert answer["success"] is False
    assert answer["error"]["code"] == "invalid_format"


async def test_no_panel_without_its_bundle(
    hass: HomeAssistant,
    storage: Path,
    hass_ws_client: WebSocketGenerator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A copy without the built bundle still sets up; it says what is missing and shows no broken panel."""
    from custom_components.doorbell_vault import panel

    monkeypatch.setattr(panel, "BUNDLE", storage / "missing" / "doorbell-vault-panel.js")
    entry = await _loaded(hass, storage)
    assert entry.state.value == "loaded"
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "get_panels"})
    assert PANEL_URL_PATH not in (await client.receive_json())["result"]
    assert "missing its bundle" in caplog.text
