"""Phones as Home Assistant sees them: a mobile_app registration (acting for a user) and its device."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry


def add_phone(hass: HomeAssistant, user_id: str, name: str) -> str:
    """A phone registered for `user_id`; returns its device id."""
    entry = MockConfigEntry(domain="mobile_app", data={"user_id": user_id, "device_name": name}, title=name)
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("mobile_app", name)}, name=name
    )
    return device.id
