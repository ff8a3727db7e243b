"""Phone notification actions: the companion app's DOORBELL_VAULT_<SHARE|DECLINE|REVIEW>_<request_id>."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from . import decide
from .hub import DoorbellVault
from .store.requests import Status

_LOGGER = logging.getLogger(__name__)

ACTION_PREFIX: Final = "DOORBELL_VAULT_"
EVENT_NOTIFICATION_ACTION: Final = "mobile_app_notification_action"


@callback
def async_listen_notification_actions(hass: HomeAssistant, vault: DoorbellVault) -> CALLBACK_TYPE:
    """Handle DOORBELL_VAULT_<SHARE|DECLINE|REVIEW>_<request_id> actions from the companion app."""

    async def handle(event: Event) -> None:
        action = str(event.data.get("action", ""))
        if not action.startswith(ACTION_PREFIX):
            return
        verb, _, request_id = action[len(ACTION_PREFIX) :].partition("_")
        request = await vault.lifecycle.async_get(request_id) if request_id else None
        if request is None or request.status != Status.PENDING:
            _LOGGER.info("Ignored %s: no pending request %s", verb.lower(), request_id or "-")
            return
        if verb == "DECLINE":
            await decide.async_decline(vault, request_id, event.context)
        elif verb == "REVIEW":
            _LOGGER.debug("Request %s opened for review from a notification", request_id)
        elif verb == "SHARE":
            # The owner's defaults; a failure is logged, notified and leaves the request pending.
            try:
                await decide.async_share(vault, request_id, event.context)
            except HomeAssistantError as err:
                _LOGGER.warning("Could not share request %s: %s", request_id, err)
        else:
            _LOGGER.info("Ignored unknown notification action %s", action)

    return hass.bus.async_listen(EVENT_NOTIFICATION_ACTION, handle)
