"""The Footage requests dashboard card's data: one subscription, open to every signed-in user.

`doorbell_vault/card/subscribe` answers with a snapshot at once and again after every change of a request
(the same `SIGNAL_REQUEST_CHANGED` that drives the panel's subscription; changes that arrive while a snapshot
is being read are folded into the next one). A snapshot holds the pending requests (soonest deadline first,
at most `PENDING_SHOWN`, with their total) and the latest decisions, each with only what the *Pending
requests* sensor already shows every user, plus the camera names with footage in its window and the status:
never a share link, a nonce, the requester's name, e-mail or reason, a message or the download log.

Administrators always get the card and `can_decide`; they decide through the admin-only
`doorbell_vault/requests/decide`. A household member gets the snapshot read-only, or only
`{"visible": false}` when the owner chose *Hidden* (option `card_household`, checked on every snapshot).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import probatio
from homeassistant.auth.models import User
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import websocket_command
from homeassistant.components.websocket_api.messages import event_message
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from . import review
from .const import CARD_HIDDEN, CONF_CARD_HOUSEHOLD, hub_options
from .hub import DoorbellVault, loaded_vault
from .requests.lifecycle import Change
from .signals import SIGNAL_REQUEST_CHANGED
from .store import StoreError, inbox
from .store.inbox import Request, Status

PENDING_SHOWN: Final = 50
# What the card shows of a request, to every user it is visible to.
CARD_KEYS: Final = (
    "request_id",
    "agency",
    "case_number",
    "legal_basis",
    "start",
    "end",
    "deadline",
    "status",
    "decided_by",
    "verified",
    "source",
    "problems",
    "cameras_with_footage",
    "progress",
)


@callback
def async_setup_card(hass: HomeAssistant) -> None:
    """Register the card's subscription."""
    async_register_command(hass, ws_card_subscribe)


def visible_to(vault: DoorbellVault, user: User) -> bool:
    """Administrators always see the card; household members unless the owner hid it."""
    return user.is_admin or hub_options(vault.entry.options)[CONF_CARD_HOUSEHOLD] != CARD_HIDDEN


def _pages(connection: sqlite3.Connection, decided: int) -> tuple[inbox.Page, list[Request]]:
    """The first pending requests (and how many) and the latest decided ones, in one trip to the store."""
    pending = inbox.page(connection, Status.PENDING, None, 0, PENDING_SHOWN)
    # The inbox's order puts every pending request first: the decided ones start after them.
    recent = inbox.page(connection, None, None, pending.total, decided).requests if decided else []
    return pending, recent


async def async_snapshot(vault: DoorbellVault, user: User, decided: int) -> dict[str, Any]:
    """What the card shows this user now."""
    if not visible_to(vault, user):
        return {"visible": False}
    pending, recent = await vault.store.async_call(_pages, decided)
    summaries = await review.async_summaries(vault, [*pending.requests, *recent])
    shown = [{key: summary[key] for key in CARD_KEYS} for summary in summaries]
    return {
        "visible": True,
        "can_decide": user.is_admin,
        "pending": shown[: len(pending.requests)],
        "pending_total": pending.total,
        "decided": shown[len(pending.requests) :],
        "cameras": [camera.name for camera in vault.cameras.values()],
    }


@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/card/subscribe",
        probatio.Optional("decided", default=5): probatio.All(int, probatio.Range(min=0, max=20)),
    }
)
@callback
def ws_card_subscribe(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """A snapshot now and after every change, across entry reloads; any signed-in user."""
    if loaded_vault(hass) is None:
        connection.send_error(msg["id"], "not_loaded", "Doorbell Vault is not set up")
        return
    user = connection.user
    sending = False
    again = False

    async def send() -> None:
        nonlocal sending, again
        if sending:  # the running read will be followed by one more
            again = True
            return
        sending = True
        try:
            again = True
            while again:
                again = False
                if (vault := loaded_vault(hass)) is None:
                    return
                try:
                    snapshot = await async_snapshot(vault, user, msg["decided"])
                except StoreError, RuntimeError:  # the entry is being unloaded: the reloaded one will speak
                    return
                connection.send_message(event_message(msg["id"], snapshot))
        finally:
            sending = False

    @callback
    def changed(_request: Request, _change: Change) -> None:
        hass.async_create_task(send(), eager_start=True)

    connection.subscriptions[msg["id"]] = async_dispatcher_connect(hass, SIGNAL_REQUEST_CHANGED, changed)
    connection.send_result(msg["id"])
    hass.async_create_task(send(), eager_start=True)
