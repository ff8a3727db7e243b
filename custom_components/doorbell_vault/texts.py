"""Texts shown to the household outside forms and entities: notifications, Media panel titles, repairs.

They live in the translations' `exceptions` section (the one free-text category Home Assistant's
translation files allow), keyed `<key>.message`, with `{placeholders}`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN


@dataclass(frozen=True, slots=True)
class Texts:
    """The texts, loaded once: for many titles at a time, or a repair raised from a callback."""

    strings: Mapping[str, str]
    english: Mapping[str, str]

    def __call__(self, key: str, **placeholders: object) -> str:
        """One text in Home Assistant's language (English when it has no translation)."""
        name = f"component.{DOMAIN}.exceptions.{key}.message"
        template = self.strings.get(name)
        if template is None:
            template = self.english.get(name)
        if template is None:
            return key
        return template.format(**placeholders)


async def async_texts(hass: HomeAssistant) -> Texts:
    """Load the texts in Home Assistant's language (Home Assistant caches them)."""
    strings = await async_get_translations(hass, hass.config.language, "exceptions", [DOMAIN])
    if hass.config.language == "en":
        return Texts(strings, strings)
    return Texts(strings, await async_get_translations(hass, "en", "exceptions", [DOMAIN]))


async def async_text(hass: HomeAssistant, key: str, **placeholders: object) -> str:
    """One text in Home Assistant's language (English when it has no translation)."""
    return (await async_texts(hass))(key, **placeholders)


def markdown_escape(text: object) -> str:
    """Text from outside as plain text in a Markdown notification.

    Every ASCII punctuation character is backslash-escaped (no link, image, emphasis or HTML can form);
    line breaks are folded to spaces.
    """
    return "".join(f"\\{c}" if c in string.punctuation else " " if c in "\r\n" else c for c in str(text))
