"""Websocket API of the review panel (admins only).

requests/list, requests/get, requests/preview, requests/decide (decline, share, revoke),
requests/subscribe, audit/verify, audit/export, audit/fingerprint, report, agencies/list. The shapes are
built in `review` (agencies: `requests/agencies.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, Final

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
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from . import decide, review
from .clock import iso_or_none
from .hub import DoorbellVault, loaded_vault
from .requests import agencies
from .requests.lifecycle import Change
from .services import REDACTION
from .signals import SIGNAL_REQUEST_CHANGED
from .store import StoreError
from .store.inbox import Request, Status

REQUEST_ID: Final = probatio.All(str, probatio.Length(min=1, max=64))
CAMERAS: Final = probatio.All(
    [probatio.All(str, probatio.Length(min=1, max=120))], probatio.Length(min=1, max=32)
)
CHOICE: Final[dict[probatio.Marker | str, Any]] = {
    probatio.Optional("cameras"): CAMERAS,
    probatio.Optional("start"): cv.datetime,
    probatio.Optional("end"): cv.datetime,
    probatio.Optional("include_audio"): bool,
    # originals / masks / masks_faces, or {mode?, boxes?}; absent: each camera's standing choice
    probatio.Optional("redaction"): REDACTION,
}

type Handler = Callable[[HomeAssistant, ActiveConnection, dict[str, Any], DoorbellVault], Awaitable[None]]


def _with_vault(
    handler: Handler,
) -> Callable[[HomeAssistant, ActiveConnection, dict[str, Any]], Awaitable[None]]:
    """Answer `not_loaded` when no hub runs; otherwise hand the running hub to the handler.

    A translated error the handler raises answers with its translation key as the code (the panel
    matches on it) and its text.
    """

    @wraps(handler)
    async def run(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        if (vault := loaded_vault(hass)) is None:
            connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
            return
        try:
            await handler(hass, connection, msg, vault)
        except HomeAssistantError as err:
            connection.send_error(msg["id"], err.translation_key or "failed", str(err))

    return run


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands."""
    for command in (
        ws_list,
        ws_get,
        ws_preview,
        ws_decide,
        ws_subscribe,
        ws_audit_verify,
        ws_audit_export,
        ws_audit_fingerprint,
        ws_report,
        ws_agencies,
    ):
        async_register_command(hass, command)


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/list",
        probatio.Optional("status"): probatio.In([s.value for s in Status]),
        probatio.Optional("agency"): probatio.All(str, probatio.Length(min=1, max=120)),
        probatio.Optional("offset", default=0): probatio.All(int, probatio.Range(min=0)),
        probatio.Optional("limit", default=50): probatio.All(int, probatio.Range(min=1, max=review.MAX_PAGE)),
    }
)
@async_response
@_with_vault
async def ws_list(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """A page of requests: pending first (soonest deadline first), then decided (newest first)."""
    page = await review.async_inbox(vault, msg.get("status"), msg.get("agency"), msg["offset"], msg["limit"])
    connection.send_result(msg["id"], page)


@require_admin
@websocket_command(
    {probatio.Required("type"): "doorbell_vault/requests/get", probatio.Required("request_id"): REQUEST_ID}
)
@async_response
@_with_vault
async def ws_get(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """One request in full."""
    detail = await review.async_detail(vault, msg["request_id"])
    if detail is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, "no such request")
        return
    connection.send_result(msg["id"], detail)


async def async_choice(
    connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault, request: Request
) -> decide.Choice | None:
    """The owner's cameras, window and redaction, or None after answering `invalid_window`.

    A choice that cannot be used raises its translated error.
    """
    start: datetime | None = msg.get("start")
    end: datetime | None = msg.get("end")
    if start is not None and end is not None and start >= end:
        connection.send_error(msg["id"], "invalid_window", "end must be after start")
        return None
    redaction = await decide.async_redaction(vault, msg.get("redaction"))
    return decide.choose(vault, request, msg.get("cameras"), start, end, redaction)


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/preview",
        probatio.Required("request_id"): REQUEST_ID,
        **CHOICE,
    }
)
@async_response
@_with_vault
async def ws_preview(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """The package a share would build, estimated from the index; nothing is built."""
    request = await review.async_request(vault, msg["request_id"])
    if request is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, "no such request")
        return
    if (choice := await async_choice(connection, msg, vault, request)) is None:
        return
    connection.send_result(msg["id"], await review.async_preview(vault, choice))


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/decide",
        probatio.Required("request_id"): REQUEST_ID,
        probatio.Required("decision"): probatio.In(["decline", "share", "revoke"]),
        probatio.Optional("message"): probatio.All(str, probatio.Length(max=2000)),
        probatio.Optional("always_decline_agency"): bool,
        **CHOICE,
        probatio.Optional("expires_in_hours"): probatio.All(int, probatio.Range(min=1, max=90 * 24)),
        probatio.Optional("max_downloads"): probatio.All(int, probatio.Range(min=1, max=100)),
    }
)
@async_response
@_with_vault
async def ws_decide(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """Decline (perhaps always declining the agency), share (as chosen, else the defaults) or revoke."""
    request_id = msg["request_id"]
    context = connection.context(msg)
    if msg["decision"] == "revoke":
        request = await decide.async_revoke(vault, request_id)
    elif msg["decision"] == "decline":
        request = await decide.async_decline(
            vault, request_id, context, msg.get("message"), always=msg.get("always_decline_agency", False)
        )
    else:
        await _share(connection, msg, vault)
        return
    connection.send_result(msg["id"], (await review.async_summaries(vault, [request]))[0])


async def _share(connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault) -> None:
    """Share as the owner chose; errors answer with their translation key as the code."""
    request = await review.async_request(vault, msg["request_id"])
    if request is None or request.status != Status.PENDING:
        raise decide.not_pending(msg["request_id"])
    if (choice := await async_choice(connection, msg, vault, request)) is None:
        return
    hours = msg.get("expires_in_hours")
    result = await decide.async_share(
        vault,
        request.id,
        connection.context(msg),
        cameras=choice.cameras,
        include_audio=msg.get("include_audio"),
        expires_in=timedelta(hours=hours) if hours else None,
        max_downloads=msg.get("max_downloads"),
        start_us=choice.start_us,
        end_us=choice.end_us,
        redaction=choice.redaction,
    )
    expires = iso_or_none(result.expires_us)
    share = {
        "share_url": result.share_url,
        # Why the link works only on the household's network (no https:// external URL), or None.
        "link_warning": result.link_warning,
        "expires_at": expires,
        "files": result.files,
    }
    summary = (await review.async_summaries(vault, [result.request]))[0]
    connection.send_result(msg["id"], {**summary, "share": share})


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/requests/subscribe"})
@callback
def ws_subscribe(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Send a request's inbox summary on each arrival, change, build progress and download, across reloads."""
    # Each event waits for its summary from the store, and a later summary can be ready first (seen while
    # a package is built: "hashing" sent after "signing"). The lock (FIFO, taken by each eager task at
    # once) sends the events in the order of the changes.
    in_order = asyncio.Lock()

    async def send(request: Request, progress: str | None) -> None:
        async with in_order:
            if (vault := loaded_vault(hass)) is None:
                return
            try:
                summary = (await review.async_summaries(vault, [request]))[0]
            except StoreError, RuntimeError:  # the entry is being unloaded: the reloaded one will speak
                return
            connection.send_message(event_message(msg["id"], summary | {"progress": progress}))

    @callback
    def changed(request: Request, _change: Change) -> None:
        # The stage now, not when the summary is ready.
        vault = loaded_vault(hass)
        progress = vault.lifecycle.building.get(request.id) if vault else None
        hass.async_create_task(send(request, progress), eager_start=True)

    connection.subscriptions[msg["id"]] = async_dispatcher_connect(hass, SIGNAL_REQUEST_CHANGED, changed)
    connection.send_result(msg["id"])


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/audit/verify"})
@async_response
@_with_vault
async def ws_audit_verify(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """Check the audit chain; name the first bad entry."""
    connection.send_result(msg["id"], await review.async_verify(vault))


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/audit/export"})
@async_response
@_with_vault
async def ws_audit_export(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """Export the audit log as JSON Lines (downloadable by admins from `url`)."""
    connection.send_result(msg["id"], await review.async_export_audit(vault))


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/audit/fingerprint"})
@async_response
@_with_vault
async def ws_audit_fingerprint(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """The signing key's fingerprint (hex and words), which the household gives each agency once."""
    connection.send_result(msg["id"], {"fingerprint": vault.shares.fingerprint})


@require_admin
@websocket_command(
    {probatio.Required("type"): "doorbell_vault/report", probatio.Optional("since"): cv.datetime}
)
@async_response
@_with_vault
async def ws_report(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """The transparency report's figures, with the Markdown and CSV to download."""
    connection.send_result(msg["id"], await review.async_report(vault, msg.get("since")))


@require_admin
@websocket_command({probatio.Required("type"): "doorbell_vault/agencies/list"})
@async_response
@_with_vault
async def ws_agencies(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """The agencies the owner added: name, key type, whether it holds a key, policy (never key material)."""
    connection.send_result(
        msg["id"],
        {"agencies": [agency.summary() for agency in agencies.agencies(vault.entry.subentries.values())]},
    )
