"""The webhook's secret: the webhook is local-only until there is one; a secret is strong, shown once, written
owner-only and at once (no restart); a secret file left empty by a crash closes the webhook instead of
opening it. The vault's folder and index are owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from homeassistant.components.webhook import _HANDLERS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.requests.secret import SECRET_FILE, write_secret

from .conftest import WEBHOOK_SECRET, count_rows, post_webhook, request_fields

INIT = ("continuous_days", "event_days", "max_size_gb", "min_free_gb", "offline_minutes")
REQUESTS = (
    "require_case_number",
    "max_window_hours",
    "max_radius_m",
    "min_legal_basis",
    "exigent_as",
    "max_deadline_days",
    "max_pending_per_source",
    "requests_per_minute",
)
SHARING = (
    "share_days",
    "share_max_downloads",
    "share_include_audio",
    "share_hold_grace_days",
    "share_recipient_retention_days",
    "share_include_decider_name",
)


async def _options_requests_step(
    hass: HomeAssistant, hub: MockConfigEntry, **requests: Any
) -> dict[str, Any]:
    """The options flow up to its requests step, answered with the hub's options and `requests`."""
    now = dict(hub.options)
    flow = await hass.config_entries.options.async_init(hub.entry_id)
    flow = await hass.config_entries.options.async_configure(flow["flow_id"], {k: now[k] for k in INIT})
    return dict(
        await hass.config_entries.options.async_configure(
            flow["flow_id"], {k: now[k] for k in REQUESTS} | requests
        )
    )


async def test_the_vault_is_owner_only_and_its_webhook_local_only_without_a_secret(
    hass: HomeAssistant, offline_hub: MockConfigEntry, storage: Path
) -> None:
    assert hass.data[_HANDLERS][offline_hub.data["webhook_id"]].local_only is True
    assert stat.S_IMODE(storage.stat().st_mode) == 0o700
    assert stat.S_IMODE((storage / "doorbell_vault.db").stat().st_mode) == 0o600


async def test_a_weak_secret_is_refused_and_a_generated_one_is_shown_once_and_demanded_at_once(
    hass: HomeAssistant, offline_hub: MockConfigEntry, storage: Path
) -> None:
    hub = offline_hub
    weak = await _options_requests_step(hass, hub, webhook_secret="hunter2hunter2hunter2hunter2")
    assert weak["errors"] == {"webhook_secret": "secret_too_weak"}
    flow = await _options_requests_step(hass, hub, generate_webhook_secret=True)
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"], {k: hub.options[k] for k in SHARING}
    )
    assert flow["step_id"] == "secret"
    shown = flow["description_placeholders"]["secret"]
    assert len(shown) == 43  # 256 bits, URL-safe base64
    flow = await hass.config_entries.options.async_configure(flow["flow_id"], {})
    assert flow["type"] == "create_entry"
    await hass.async_block_till_done()
    # Only a file changed, yet the webhook now demands the signature: no restart needed.
    assert hass.data[_HANDLERS][hub.data["webhook_id"]].local_only is False
    secret_file = storage / SECRET_FILE
    assert secret_file.read_text() == shown
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert [p.name for p in storage.iterdir() if p.name.startswith(SECRET_FILE)] == [SECRET_FILE]


async def test_an_empty_secret_file_closes_the_webhook_and_says_why(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    offline_hub: MockConfigEntry,
    storage: Path,
) -> None:
    # A crash that leaves the file empty never opens the webhook: it refuses everything.
    hub = offline_hub
    await hass.async_add_executor_job(write_secret, storage, WEBHOOK_SECRET.decode())
    (storage / SECRET_FILE).write_text("")
    assert await hass.config_entries.async_reload(hub.entry_id)
    assert hub.state is ConfigEntryState.LOADED
    client = await hass_client_no_auth()
    status, answer = await post_webhook(client, hub, json.dumps(request_fields()).encode())
    assert status == 401
    assert "closed" in answer["errors"][0]["message"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, "webhook_secret_unreadable") is not None
    assert await count_rows(hub, "requests") == 0
