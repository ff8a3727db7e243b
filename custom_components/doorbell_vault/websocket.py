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

from .hub import loaded_vault
from .intake import async_share
from .requests import DecidedBy, Request, RequestDesk, RequestNotPending, Status, as_dict


def _desk(hass: HomeAssistant) -> RequestDesk | None:
    vault = loaded_vault(hass)
    return vault.desk if vault else None


def _public(request: Request, desk: RequestDesk | None = None) -> dict[str, Any]:
    progress = desk.building.get(request.id) if desk else None
    return {
        **request.summary(),
        "received": as_dict(request)["received_us"],
        "fields": request.fields,
        "progress": progress,
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
    connection.send_result(msg["id"], [_public(r, desk) for r in requests])


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
    connection.send_result(msg["id"], _public(request, desk))


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
    if vault is None or (desk := vault.desk) is None or vault.shares is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return
    request_id = msg["request_id"]
    if msg["decision"] == "revoke":
        revoked = await vault.shares.async_end(request_id, "revoked")
        if revoked is None:
            connection.send_error(msg["id"], "no_live_share", "no live share for that request")
            return
        connection.send_result(msg["id"], _public(revoked, desk))
        return
    if msg["decision"] == "share":
        hours = msg.get("expires_in_hours")
        try:
            result = await async_share(
                vault,
                request_id,
                connection.context(msg),
                cameras=msg.get("cameras"),
                include_audio=msg.get("include_audio"),
                expires_in=timedelta(hours=hours) if hours else None,
                max_downloads=msg.get("max_downloads"),
            )
        except HomeAssistantError as err:
            connection.send_error(msg["id"], "share_failed", str(err))
            return
        connection.send_result(msg["id"], {**_public(result.request, desk), "share": result.response()})
        return
    try:
        request = await desk.async_end(request_id, Status.DECLINED, DecidedBy.USER, msg.get("message"))
    except RequestNotPending:
        connection.send_error(msg["id"], "not_pending", "no pending request with that id")
        return
    connection.send_result(msg["id"], _public(request, desk))


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
        connection.send_message(event_message(msg["id"], _public(request, desk)))

    connection.subscriptions[msg["id"]] = desk.add_listener(changed)
    connection.send_result(msg["id"])
