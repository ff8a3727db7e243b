"""The hub: what one Doorbell Vault config entry holds while it runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from homeassistant.config_entries import ConfigEntry

from .store import Store


@dataclass(slots=True)
class DoorbellVault:
    """Runtime data of the hub entry."""

    storage: Path
    store: Store


type DoorbellVaultConfigEntry = ConfigEntry[DoorbellVault]
