"""The Footage requests sidebar panel: the committed bundle served by Home Assistant, shown to admins.

The bundle is built from `frontend/` (`scripts/panel-build`) into `frontend/doorbell-vault-panel.js` next to
this module. Its URL carries the bundle's content hash, so a new version is never served from a cache.
The panel reads its strings from the `panel` section of the integration's translations (core's
`frontend/get_translations` with category `panel`); the sidebar title comes from the same section.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Final

from homeassistant.components import panel_custom
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN, PANEL_URL_PATH, REQUEST_PATH

_LOGGER = logging.getLogger(__name__)

PANEL_ELEMENT: Final = "doorbell-vault-panel"
PANEL_ICON: Final = "mdi:doorbell-video"
PANEL_TITLE: Final = "Footage requests"
STATIC_URL: Final = "/doorbell_vault_panel"
BUNDLE: Final = Path(__file__).parent / "frontend" / "doorbell-vault-panel.js"


def request_path(request_id: str) -> str:
    """Where the panel opens one request (notifications and the blueprint link here)."""
    return REQUEST_PATH.format(request_id=request_id)


def _bundle_hash() -> str:
    return hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:16]


async def async_register_panel(hass: HomeAssistant) -> None:
    """Serve the bundle and add the panel to the sidebar of admin users."""
    try:
        version = await hass.async_add_executor_job(_bundle_hash)
    except OSError as err:
        _LOGGER.error("The Footage requests panel is missing its bundle (%s): %s", BUNDLE, err)
        return
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(BUNDLE.parent), cache_headers=True)]
    )
    strings = await async_get_translations(hass, hass.config.language, "panel", [DOMAIN])
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=PANEL_ELEMENT,
        sidebar_title=strings.get(f"component.{DOMAIN}.panel.title", PANEL_TITLE),
        sidebar_icon=PANEL_ICON,
        module_url=f"{STATIC_URL}/{BUNDLE.name}?v={version}",
        embed_iframe=False,
        require_admin=True,
    )
