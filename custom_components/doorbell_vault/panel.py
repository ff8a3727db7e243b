"""The Footage requests sidebar panel: the committed bundle served by Home Assistant, shown to admins.

The bundle is built from `frontend/` (`scripts/panel-build`) into `frontend/doorbell-vault-panel.js` next to
this module. Its URL carries the bundle's content hash, so a new version is never served from a cache.
The panel's strings are its own catalogue, `frontend/translations/<language>.json` (Home Assistant's
translation files allow no section for a panel); the panel asks for them with `doorbell_vault/strings`, and
the sidebar title comes from the same catalogue.

The dashboard card (`custom:doorbell-vault-requests-card`) is a bundle of its own, `doorbell-vault-card.js`,
built from the same sources; every user's frontend loads it (`add_extra_js_url`, cache-busted the same way),
so a dashboard never loads the panel.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from pathlib import Path
from typing import Any, Final

import probatio
from homeassistant.components import panel_custom
from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import async_response, websocket_command
from homeassistant.core import HomeAssistant, callback

from .const import PANEL_URL_PATH, REQUEST_PATH

_LOGGER = logging.getLogger(__name__)

PANEL_ELEMENT: Final = "doorbell-vault-panel"
PANEL_ICON: Final = "mdi:doorbell-video"
PANEL_TITLE: Final = "Footage requests"
STATIC_URL: Final = "/doorbell_vault_panel"
BUNDLE: Final = Path(__file__).parent / "frontend" / "doorbell-vault-panel.js"
CARD_BUNDLE: Final = BUNDLE.parent / "doorbell-vault-card.js"
CATALOGUE: Final = BUNDLE.parent / "translations"
LANGUAGE: Final = probatio.All(str, probatio.Match(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"))


def request_path(request_id: str) -> str:
    """Where the panel opens one request (notifications and the blueprint link here)."""
    return REQUEST_PATH.format(request_id=request_id)


@cache
def _catalogue(language: str) -> dict[str, str]:
    try:
        strings = json.loads((CATALOGUE / f"{language}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(key): str(value) for key, value in strings.items()}


def panel_strings(language: str) -> dict[str, str]:
    """English, overlaid with the language and then its regional variant (`pt`, then `pt-BR`); blocking."""
    strings = dict(_catalogue("en"))
    parts = language.replace("_", "-").split("-")
    for end in range(1, len(parts) + 1):
        if (tag := "-".join(parts[:end])) != "en":
            strings.update(_catalogue(tag))
    return strings


@callback
def async_setup_panel_strings(hass: HomeAssistant) -> None:
    """Serve the panel's catalogue to any signed-in user (the strings hold nothing private)."""
    async_register_command(hass, ws_strings)


@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/strings",
        probatio.Optional("language", default="en"): LANGUAGE,
    }
)
@async_response
async def ws_strings(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """The panel's strings in the user's language."""
    strings = await hass.async_add_executor_job(panel_strings, msg["language"])
    connection.send_result(msg["id"], {"strings": strings})


def _bundle_hash(bundle: Path) -> str:
    return hashlib.sha256(bundle.read_bytes()).hexdigest()[:16]


async def async_register_panel(hass: HomeAssistant) -> None:
    """Serve the bundles, add the panel to the sidebar of admin users and the card to every dashboard."""
    try:
        version = await hass.async_add_executor_job(_bundle_hash, BUNDLE)
    except OSError as err:
        _LOGGER.error("The Footage requests panel is missing its bundle (%s): %s", BUNDLE, err)
        return
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(BUNDLE.parent), cache_headers=True)]
    )
    try:
        card_version = await hass.async_add_executor_job(_bundle_hash, CARD_BUNDLE)
    except OSError as err:
        _LOGGER.error("The Footage requests card is missing its bundle (%s): %s", CARD_BUNDLE, err)
    else:
        add_extra_js_url(hass, f"{STATIC_URL}/{CARD_BUNDLE.name}?v={card_version}")
    strings = await hass.async_add_executor_job(panel_strings, hass.config.language)
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=PANEL_ELEMENT,
        sidebar_title=strings.get("title", PANEL_TITLE),
        sidebar_icon=PANEL_ICON,
        module_url=f"{STATIC_URL}/{BUNDLE.name}?v={version}",
        embed_iframe=False,
        require_admin=True,
    )
