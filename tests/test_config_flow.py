"""The hub flow: a footage folder that exists or can be made, is writable, and shows its free space; the
vault's state in the configuration folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import (
    CONF_CONTINUOUS_DAYS,
    CONF_EVENT_DAYS,
    CONF_FOOTAGE_PATH,
    CONF_MAX_SIZE_GB,
    CONF_MIN_FREE_GB,
    CONF_OFFLINE_MINUTES,
    CONF_STORAGE_PATH,
    DEFAULT_OPTIONS,
    DOMAIN,
)


async def test_user_flow_creates_hub(hass: HomeAssistant, storage: Path) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    state = Path(hass.config.path("doorbell_vault"))
    assert result["description_placeholders"]["state"] == str(state)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_FOOTAGE_PATH: str(storage)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["path"] == str(storage)
    assert result["description_placeholders"]["free"].endswith(" GiB")
    assert result["description_placeholders"]["state"] == str(state)
    assert "no footage" in result["description_placeholders"]["backups"]
    assert storage.is_dir()

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_STORAGE_PATH: str(state),
        CONF_FOOTAGE_PATH: str(storage),
        "webhook_id": result["data"]["webhook_id"],
    }
    assert len(result["data"]["webhook_id"]) == 64  # made with the entry, not while it sets up
    assert result["options"] == DEFAULT_OPTIONS
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.state is ConfigEntryState.LOADED
    # The index and the keys in the configuration folder (every backup holds them), no footage there.
    assert (state / "doorbell_vault.db").is_file()
    assert not (storage / "doorbell_vault.db").exists()


async def test_footage_goes_to_the_media_folder_by_default(hass: HomeAssistant, tmp_path: Path) -> None:
    hass.config.media_dirs = {"local": str(tmp_path / "media")}
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    schema = result["data_schema"].schema
    key = next(k for k in schema if k == CONF_FOOTAGE_PATH)
    assert key.default() == str(tmp_path / "media" / "doorbell_vault")


async def test_footage_inside_the_configuration_folder_is_said_to_be_in_every_backup(
    hass: HomeAssistant,
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_FOOTAGE_PATH: hass.config.path("footage")}
    )
    assert "Every backup" in result["description_placeholders"]["backups"]


@pytest.mark.parametrize(
    ("make_path", "error"),
    [
        (lambda tmp: "relative/folder", "not_absolute"),
        (lambda tmp: str(_file(tmp / "a-file")), "not_a_folder"),
        (lambda tmp: str(_file(tmp / "blocker") / "child"), "cannot_create"),
        (lambda tmp: str(_read_only(tmp / "ro")), "not_writable"),
    ],
)
async def test_user_flow_rejects_unusable_folder(
    hass: HomeAssistant, tmp_path: Path, make_path: object, error: str
) -> None:
    path = make_path(tmp_path)  # type: ignore[operator]
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_FOOTAGE_PATH: path})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_FOOTAGE_PATH: error}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_single_instance(hass: HomeAssistant, hub_entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


RETENTION = {
    CONF_CONTINUOUS_DAYS: 3.0,
    CONF_EVENT_DAYS: 14.0,
    CONF_MAX_SIZE_GB: 50,
    CONF_MIN_FREE_GB: 1,
    CONF_OFFLINE_MINUTES: 2.0,
}
REQUESTS = {
    "require_case_number": False,
    "max_window_hours": 6.0,
    "max_radius_m": 500.0,
    "min_legal_basis": "subpoena",
    "exigent_as": "warrant",
    "agency_blocklist": [" Example PD ", ""],
    "requests_per_minute": 10.0,
    "max_deadline_days": 7.0,
    "max_pending_per_source": 3.0,
    "webhook_secret": "Kq3-vX9_mT2wLr8ZpN5sYb",  # 22 random base64url characters: 132 bits
    "mail_authentication": "dkim",
    "mail_trusted_domains": [" @Springfield.Example ", ""],
    "mail_authserv_id": " mx.home.example ",
}
SHARING = {
    "share_days": 3.0,
    "share_max_downloads": 2.0,
    "share_include_audio": False,
    "share_hold_grace_days": 10.0,
    "share_recipient_retention_days": 45.0,
    "share_include_decider_name": True,
}


async def _options_at_requests(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """The options flow of a set-up hub, its retention step answered with `RETENTION`."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(result["flow_id"], RETENTION)
    assert result["step_id"] == "requests"
    return dict(result)


async def test_options_flow_keeps_event_footage_at_least_as_long_as_continuous(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    result = await hass.config_entries.options.async_init(hub_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], RETENTION | {CONF_CONTINUOUS_DAYS: 10, CONF_EVENT_DAYS: 5, CONF_MAX_SIZE_GB: 0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EVENT_DAYS: "event_days_too_short"}


async def test_options_flow_needs_the_mail_servers_name_for_dkim_and_real_agency_domains(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    result = await _options_at_requests(hass, hub_entry)
    assert result["description_placeholders"]["secret_state"] == "not set"
    without_name = {k: v for k, v in REQUESTS.items() if k != "mail_authserv_id"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], without_name | {"mail_trusted_domains": ["not a domain"]}
    )
    assert result["step_id"] == "requests"
    # DKIM (and agency domains) without the mail server's authserv-id: no header could be trusted.
    assert result["errors"] == {
        "mail_trusted_domains": "invalid_mail_domain",
        "mail_authserv_id": "authserv_id_required",
    }


async def test_options_flow_sets_retention_requests_and_sharing_and_reloads(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    result = await _options_at_requests(hass, hub_entry)
    store_before = hub_entry.runtime_data.store
    result = await hass.config_entries.options.async_configure(result["flow_id"], REQUESTS)
    assert result["step_id"] == "sharing"
    result = await hass.config_entries.options.async_configure(result["flow_id"], SHARING)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = dict(hub_entry.options)
    assert {k: options[k] for k in (CONF_CONTINUOUS_DAYS, CONF_EVENT_DAYS, CONF_OFFLINE_MINUTES)} == {
        CONF_CONTINUOUS_DAYS: 3,
        CONF_EVENT_DAYS: 14,
        CONF_OFFLINE_MINUTES: 2,
    }
    assert options["max_window_hours"] == 6
    assert (options["share_days"], options["share_max_downloads"], options["share_hold_grace_days"]) == (
        3,
        2,
        10,
    )
    assert (options["share_recipient_retention_days"], options["share_include_decider_name"]) == (45, True)
    assert options["agency_blocklist"] == ["Example PD"]
    assert (options["mail_authentication"], options["mail_trusted_domains"], options["mail_authserv_id"]) == (
        "dkim",
        ["springfield.example"],
        "mx.home.example",
    )
    assert "webhook_secret" not in options
    secret = Path(hub_entry.data[CONF_STORAGE_PATH]) / ".webhook_secret"
    assert secret.read_text() == "Kq3-vX9_mT2wLr8ZpN5sYb"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert hub_entry.state is ConfigEntryState.LOADED
    assert hub_entry.runtime_data.store is not store_before


def _file(path: Path) -> Path:
    path.write_text("not a folder")
    return path


def _read_only(path: Path) -> Path:
    if os.geteuid() == 0:
        # Root writes through permission bits; procfs folders refuse new files even to root.
        return Path("/proc/self")
    path.mkdir()
    path.chmod(0o500)
    return path
