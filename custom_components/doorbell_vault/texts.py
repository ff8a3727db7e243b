"""Texts shown to the household outside forms and entities: notifications, Media panel titles, repairs.

They live in the translations' `exceptions` section (the one free-text category Home Assistant's
translation files allow), keyed `<key>.message`, with `{placeholders}`.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN


def translated_error(
    key: str, placeholders: Mapping[str, str] | None = None, *, failed: bool = False
) -> HomeAssistantError:
    """The error to raise, in the owner's words: the caller's input was wrong, or (`failed`) the work was."""
    kind = HomeAssistantError if failed else ServiceValidationError
    given = dict(placeholders) if placeholders else None
    return kind(translation_domain=DOMAIN, translation_key=key, translation_placeholders=given)


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


# Control (C0, C1), format (bidi overrides and isolates, zero-width), surrogate, private-use and unassigned
# characters: shown as U+FFFD, never obeyed.
_HIDDEN: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def markdown_escape(text: object) -> str:
    """Text from outside as plain text on one line: the only way it reaches a notification, repair or log.

    Outside text is whatever a requester or a mail chose: a mail's subject and sender, an agency, a case
    number, a reason, a requester's name. Line breaks, tabs and every other space become a plain space;
    every other control, format (bidi, zero-width), surrogate, private-use or unassigned character becomes
    U+FFFD; every ASCII punctuation character is backslash-escaped (no link, image, emphasis or HTML can
    form in Markdown, and no log line can be faked).
    """
    return "".join(_plain(c) for c in str(text))


def _plain(c: str) -> str:
    if c in string.punctuation:
        return f"\\{c}"
    if c.isspace():
        return " "
    return "\ufffd" if unicodedata.category(c) in _HIDDEN else c
