"""Phone notification actions: the companion app's DOORBELL_VAULT_<VERB>_<request_id>_<nonce>.

Verbs: SHARE, REVIEW, DECLINE and ALWAYSDECLINE (decline, and always decline this agency: for a request
signed with an agency's key, that agency's standing policy becomes *always decline*; otherwise its name
goes on the block list).

An action decides only when it comes from one of the phones the owner chose (Configure → Sharing →
Phones that may decide; none chosen: no phone decides) and carries the nonce the integration issued
for that request (the `notification_actions` action hands out the action ids). Request ids are public
(the *Pending requests* sensor); the nonce is not, so another phone or account cannot forge a Share.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Final

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import slugify

from . import decide
from .const import CONF_DECIDING_PHONES
from .evidence.sharing import ShareResult
from .hub import DoorbellVault
from .store import meta
from .store.inbox import Status
from .texts import async_text, markdown_escape

_LOGGER = logging.getLogger(__name__)

ACTION_PREFIX: Final = "DOORBELL_VAULT_"
EVENT_NOTIFICATION_ACTION: Final = "mobile_app_notification_action"
VERBS: Final = ("SHARE", "REVIEW", "DECLINE", "ALWAYSDECLINE")
ACTION_KEYS: Final = {"ALWAYSDECLINE": "always_decline"}
KEY_NAME: Final = "action_key"


async def _key(vault: DoorbellVault) -> bytes:
    """The installation's key for action nonces (kept in the index, made once)."""
    key = await vault.store.async_call(meta.get, KEY_NAME)
    if key is None:
        key = secrets.token_hex(32)
        await vault.store.async_call(meta.put, KEY_NAME, key)
    return bytes.fromhex(key)


async def async_nonce(vault: DoorbellVault, request_id: str) -> str:
    """The nonce bound to one request's notification (128 bits, URL-safe)."""
    digest = hmac.new(await _key(vault), f"actions:{request_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


async def async_action_ids(vault: DoorbellVault, request_id: str) -> dict[str, str]:
    """The action ids of one request's notification: {"share", "review", "decline", "always_decline"}."""
    nonce = await async_nonce(vault, request_id)
    return {
        ACTION_KEYS.get(verb, verb.lower()): f"{ACTION_PREFIX}{verb}_{request_id}_{nonce}" for verb in VERBS
    }


@callback
def chosen_phone(hass: HomeAssistant, user_id: str | None, phones: list[str]) -> dr.AnyDeviceEntry | None:
    """The chosen phone whose mobile_app registration acts for `user_id`, if any."""
    if not user_id:
        return None
    devices = dr.async_get(hass)
    for device_id in phones:
        if (device := devices.async_get(device_id)) is None:
            continue
        for entry_id in device.config_entries:
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is not None and entry.domain == "mobile_app" and entry.data.get("user_id") == user_id:
                return device
    return None


async def _send_link(hass: HomeAssistant, phone: dr.AnyDeviceEntry, result: ShareResult) -> None:
    """The link goes only to the phone that shared (never to a notification every user sees)."""
    service = f"mobile_app_{slugify(phone.name_by_user or phone.name or '')}"
    if not hass.services.has_service("notify", service):
        _LOGGER.warning("Shared request %s, but notify.%s is missing", result.request.id, service)
        return
    message = await async_text(hass, "notify_phone_link", url=result.share_url)
    if result.link_warning:
        message = f"{message} {result.link_warning}"
    await hass.services.async_call(
        "notify",
        service,
        {
            "title": await async_text(hass, "notify_shared_title"),
            "message": message,
            "data": {"tag": f"doorbell_vault_link_{result.request.id}", "group": "doorbell_vault"},
        },
        blocking=True,
    )


@callback
def async_listen_notification_actions(hass: HomeAssistant, vault: DoorbellVault) -> CALLBACK_TYPE:
    """Handle DOORBELL_VAULT_<VERB>_<request_id>_<nonce> actions from chosen phones."""

    async def handle(event: Event) -> None:
        action = str(event.data.get("action", ""))
        if not action.startswith(ACTION_PREFIX):
            return
        verb, _, rest = action[len(ACTION_PREFIX) :].partition("_")
        said = markdown_escape(verb.lower())  # what a phone sent, as one plain line in the log
        request_id, _, nonce = rest.partition("_")
        phones = list(vault.options[CONF_DECIDING_PHONES])
        if not phones:
            _LOGGER.info("Ignored %s: no phone may decide (choose phones under Configure)", said)
            return
        if (phone := chosen_phone(hass, event.context.user_id, phones)) is None:
            _LOGGER.warning("Ignored %s: not from a phone chosen to decide", said)
            return
        expected = await async_nonce(vault, request_id) if request_id else ""
        if not nonce or not hmac.compare_digest(nonce.encode(), expected.encode()):
            _LOGGER.warning("Ignored %s: the action's nonce is missing or wrong", said)
            return
        request = await vault.lifecycle.async_get(request_id)
        if request is None or request.status != Status.PENDING:
            _LOGGER.info("Ignored %s: no pending request %s", said, request_id or "-")
            return
        if verb in ("DECLINE", "ALWAYSDECLINE"):
            await decide.async_decline(vault, request_id, event.context, always=verb == "ALWAYSDECLINE")
        elif verb == "REVIEW":
            _LOGGER.debug("Request %s opened for review from a notification", request_id)
        elif verb == "SHARE":
            # The owner's defaults; a failure is logged, notified and leaves the request pending.
            try:
                result = await decide.async_share(vault, request_id, event.context)
            except HomeAssistantError as err:
                _LOGGER.warning("Could not share request %s: %s", request_id, err)
            else:
                await _send_link(hass, phone, result)
        else:
            _LOGGER.info("Ignored unknown notification action %s", markdown_escape(action))

    return hass.bus.async_listen(EVENT_NOTIFICATION_ACTION, handle)
