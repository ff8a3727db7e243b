"""Texts shown to the household outside forms and entities (persistent notifications, Media panel titles).

They live in the translations' `exceptions` section (the one free-text category Home Assistant's
translation files allow), keyed `<key>.message`, with `{placeholders}`.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN


async def async_text(hass: HomeAssistant, key: str, **placeholders: object) -> str:
    """One text in Home Assistant's language (English when it has no translation)."""
    strings = await async_get_translations(hass, hass.config.language, "exceptions", [DOMAIN])
    template = strings.get(f"component.{DOMAIN}.exceptions.{key}.message")
    if template is None and hass.config.language != "en":
        strings = await async_get_translations(hass, "en", "exceptions", [DOMAIN])
        template = strings.get(f"component.{DOMAIN}.exceptions.{key}.message")
    if template is None:
        return key
    return template.format(**placeholders)
