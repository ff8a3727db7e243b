"""The webhook secret's strength: every random secret of 128 bits is taken, text a person made is not."""

from __future__ import annotations

import base64
import secrets
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import CONF_STORAGE_PATH
from custom_components.doorbell_vault.requests.secret import SECRET_FILE, strong_enough

RANDOM_128_BITS: dict[str, Callable[[], str]] = {
    "token_hex(16)": lambda: secrets.token_hex(16),
    "base64, padded": lambda: base64.b64encode(secrets.token_bytes(16)).decode(),
    "base64, unpadded": lambda: base64.b64encode(secrets.token_bytes(16)).decode().rstrip("="),
    "token_urlsafe(16)": lambda: secrets.token_urlsafe(16),
    "token_hex(32)": lambda: secrets.token_hex(32),
}
WEAK = (
    "a" * 40,
    "ab" * 20,
    "0123456789abcdef" * 2,
    "12345678901234567890123456789012",
    "correct horse battery staple",
    "correct-horse-battery-staple",
    "correcthorsebatterystaple",
    "password1234password1234",
    "password12345678901234567890",
    "password1234567890abcdefgh",
    "hunter2hunter2hunter2hunter2",
)


def _openssl(*args: str) -> str:
    printed = subprocess.run(["openssl", "rand", *args], capture_output=True, text=True, check=True)
    return printed.stdout.strip()


@pytest.mark.parametrize("kind", RANDOM_128_BITS)
def test_every_random_secret_of_128_bits_is_strong_enough(kind: str) -> None:
    made = [RANDOM_128_BITS[kind]() for _ in range(2000)]
    assert [s for s in made if not strong_enough(s)] == []


def test_what_openssl_prints_is_strong_enough_and_120_bits_are_not() -> None:
    printed = [_openssl(kind, "16") for kind in ("-hex", "-base64") for _ in range(5)]
    assert [s for s in printed if not strong_enough(s)] == []
    assert not any(strong_enough(secrets.token_hex(15)) for _ in range(1000))
    assert not any(strong_enough(secrets.token_urlsafe(15)) for _ in range(1000))


async def test_the_options_flow_refuses_weak_text_and_takes_openssl_hex(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    options = hub_entry.options
    flow = await hass.config_entries.options.async_init(hub_entry.entry_id)
    retention = ("continuous_days", "event_days", "max_size_gb", "min_free_gb", "offline_minutes")
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"], {k: options[k] for k in retention}
    )
    checks = (
        "require_case_number",
        "max_window_hours",
        "max_radius_m",
        "min_legal_basis",
        "exigent_as",
        "max_deadline_days",
        "max_pending_per_source",
        "requests_per_minute",
    )
    kept = {k: options[k] for k in checks}
    for weak in WEAK:
        flow = await hass.config_entries.options.async_configure(
            flow["flow_id"], {**kept, "webhook_secret": weak}
        )
        assert flow["errors"] == {"webhook_secret": "secret_too_weak"}, weak
    secret = await hass.async_add_executor_job(_openssl, "-hex", "16")
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"], {**kept, "webhook_secret": secret}
    )
    assert flow["step_id"] == "sharing"
    sharing = [k for k in options if k.startswith("share_")]
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"], {k: options[k] for k in sharing}
    )
    assert flow["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    written = Path(hub_entry.data[CONF_STORAGE_PATH]) / SECRET_FILE
    assert await hass.async_add_executor_job(written.read_text) == secret
    await hass.config_entries.async_unload(hub_entry.entry_id)
