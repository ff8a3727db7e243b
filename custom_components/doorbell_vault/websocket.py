"""Websocket API for the review panel: list, get, decide, subscribe."""

from __future__ import annotations

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

from .hub import loaded_vault
from .requests import DecidedBy, Request, RequestDesk, RequestNotPending, Status, as_dict


def _desk(hass: HomeAssistant) -> RequestDesk | None:
    vault = loaded_vault(hass)
    return vault.desk if vault else None


def _public(request: Request) -> dict[str, Any]:
    return {**request.summary(), "received": as_dict(request)["received_us"], "fields": request.fields}


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
    connection.send_result(msg["id"], [_public(r) for r in requests])


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
    connection.send_result(msg["id"], _public(request))


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/decide",
        probatio.Required("request_id"): probatio.All(str, probatio.Length(min=1, max=64)),
        probatio.Required("decision"): probatio.In(["decline"]),
        probatio.Optional("message"): probatio.All(str, probatio.Length(max=2000)),
    }
)
@async_response
async def ws_decide(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Decide a pending request (sharing arrives with evidence packages)."""
    if (desk := _desk(hass)) is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return
    try:
        request = await desk.async_end(msg["request_id"], Status.DECLINED, DecidedBy.USER, msg.get("message"))
    except RequestNotPending:
        connection.send_error(msg["id"], "not_pending", "no pending request with that id")
        return
    connection.send_result(msg["id"], _public(request))


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/requests/subscribe"})
@callback
def ws_subscribe(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Send every new request and every decision as it happens."""
    if (desk := _desk(hass)) is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return

    @callback
    def changed(request: Request) -> None:
        connection.send_message(event_message(msg["id"], _public(request)))

    connection.subscriptions[msg["id"]] = desk.add_listener(changed)
    connection.send_result(msg["id"])
