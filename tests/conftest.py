"""Shared fixtures: a real Home Assistant (pytest-homeassistant-custom-component) with Doorbell Vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

# Imported before any hass fixture so that our package, not the plugin's testing config, is found.
import custom_components.doorbell_vault  # noqa: F401
from custom_components.doorbell_vault.const import CONF_STORAGE_PATH, DEFAULT_OPTIONS, DOMAIN
from devkit import simulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom integrations in every test."""


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    """A storage folder that does not exist yet."""
    return tmp_path / "vault"


@pytest.fixture
def hub_entry(hass: HomeAssistant, storage: Path) -> MockConfigEntry:
    """A hub entry, added to hass but not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Doorbell Vault",
        data={CONF_STORAGE_PATH: str(storage)},
        options=dict(DEFAULT_OPTIONS),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture(scope="session")
def doorbell() -> Iterator[simulator.SimulatedDoorbell]:
    """A simulated doorbell (real RTSP server) shared by the session."""
    with simulator.start() as running:
        yield running
