"""Websocket API for the review panel: list, get, decide (decline, share, revoke), subscribe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import probatio
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.components.websocket_api.messages import event_message
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from . import decide
from .hub import loaded_vault
from .requests.lifecycle import Change, Lifecycle
from .signals import SIGNAL_REQUEST_CHANGED
from .store.requests import Request, Status


def _desk(hass: HomeAssistant) -> Lifecycle | None:
    vault = loaded_vault(hass)
    return vault.lifecycle if vault else None


def _public(hass: HomeAssistant, request: Request) -> dict[str, Any]:
    desk = _desk(hass)
    return {
        **request.summary(),
        "received": request.received_us,
        "fields": request.fields,
        "progress": desk.building.get(request.id) if desk else None,
    }


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands."""
    for command in (ws_list, ws_get, ws_decide, ws_subscribe):
        async_register_command(hass, command)


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/list",
        probatio.Optional("status"): probatio.In([s.value for s in Status]),
    }
)
@async_response
async def ws_list(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Requests, newest first."""
    if (desk := _desk(hass)) is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return
    requests = await desk.async_list(msg.get("status"))
    connection.send_result(msg["id"], [_public(hass, r) for r in requests])


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/get",
        probatio.Required("request_id"): probatio.All(str, probatio.Length(min=1, max=64)),
    }
)
@async_response
async def ws_get(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """One request."""
    desk = _desk(hass)
    request = await desk.async_get(msg["request_id"]) if desk else None
    if request is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, "no such request")
        return
    connection.send_result(msg["id"], _public(hass, request))


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/decide",
        probatio.Required("request_id"): probatio.All(str, probatio.Length(min=1, max=64)),
        probatio.Required("decision"): probatio.In(["decline", "share", "revoke"]),
        probatio.Optional("message"): probatio.All(str, probatio.Length(max=2000)),
        probatio.Optional("cameras"): [probatio.All(str, probatio.Length(min=1, max=120))],
        probatio.Optional("include_audio"): bool,
        probatio.Optional("expires_in_hours"): probatio.All(int, probatio.Range(min=1, max=90 * 24)),
        probatio.Optional("max_downloads"): probatio.All(int, probatio.Range(min=1, max=100)),
    }
)
@async_response
async def ws_decide(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Decline, share (with the owner's defaults for what is not given) or revoke a request."""
    vault = loaded_vault(hass)
    if vault is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return
    request_id = msg["request_id"]
    context = connection.context(msg)
    try:
        if msg["decision"] == "revoke":
            connection.send_result(msg["id"], _public(hass, await decide.async_revoke(vault, request_id)))
        elif msg["decision"] == "decline":
            request = await decide.async_decline(vault, request_id, context, msg.get("message"))
            connection.send_result(msg["id"], _public(hass, request))
        else:
            hours = msg.get("expires_in_hours")
            result = await decide.async_share(
                vault,
                request_id,
                context,
                cameras=msg.get("cameras"),
                include_audio=msg.get("include_audio"),
                expires_in=timedelta(hours=hours) if hours else None,
                max_downloads=msg.get("max_downloads"),
            )
            connection.send_result(msg["id"], {**_public(hass, result.request), "share": result.response()})
    except HomeAssistantError as err:
        code = err.translation_key if err.translation_key else "failed"
        connection.send_error(msg["id"], code, str(err))


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/requests/subscribe"})
@callback
def ws_subscribe(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Send every new request, decision, build stage and download as it happens (across reloads)."""

    @callback
    def changed(request: Request, _change: Change) -> None:
        connection.send_message(event_message(msg["id"], _public(hass, request)))

    connection.subscriptions[msg["id"]] = async_dispatcher_connect(hass, SIGNAL_REQUEST_CHANGED, changed)
    connection.send_result(msg["id"])
