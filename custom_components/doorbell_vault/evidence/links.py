"""A share's link: a token of 256 random bits, handed out once and kept only as its SHA-256.

The link is an https:// external one when Home Assistant has one (an agency opens it from outside), else
a local one with a warning that it works only on the household's network.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

from ..texts import async_text

SHARE_PATH: Final = "/api/doorbell_vault/share"


def new_token() -> str:
    """A link's token (256 random bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the index keeps of a token."""
    return hashlib.sha256(token.encode()[:256]).hexdigest()


def link_url(hass: HomeAssistant, token: str) -> tuple[str, bool]:
    """The link, and whether it is an https:// external one (an agency can open it from outside)."""
    path = f"{SHARE_PATH}/{token}"
    try:
        base = get_url(hass, allow_internal=False, allow_cloud=False, require_ssl=True, prefer_external=True)
    except NoURLAvailableError:
        pass
    else:
        return f"{base}{path}", True
    try:
        base = get_url(hass, prefer_external=True, allow_cloud=False)
    except NoURLAvailableError:
        base = ""
    return f"{base}{path}", False


async def async_link(hass: HomeAssistant, token: str) -> tuple[str, str | None]:
    """The link of a token, and why it works only on the household's network (None: it is external)."""
    url, external = link_url(hass, token)
    return url, None if external else await async_text(hass, "share_local_only")
