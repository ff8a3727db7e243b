"""The integration's services: a table of (name, handler, schema, response), registered from async_setup."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Final

import probatio
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service

from . import decide, phone, review
from .clock import moment_us
from .const import CONF_MAIL_AUTHENTICATION, CONF_MAIL_AUTHSERV_ID, CONF_MAIL_TRUSTED_DOMAINS, DOMAIN
from .hub import DoorbellVault, loaded_vault
from .redaction.choice import MAX_BOXES
from .redaction.regions import ACTIONS, MODES
from .requests.mail import MAX_TEXT, Mail, authenticate, domain_listed
from .requests.mail_intake import MailRefused, async_submit_mail
from .requests.validation import RequestInvalid
from .store.inbox import Request
from .texts import translated_error

MIN_SHARE: Final = timedelta(hours=1)
MAX_SHARE: Final = timedelta(days=90)


def _vault(hass: HomeAssistant) -> DoorbellVault:
    if (vault := loaded_vault(hass)) is None:
        raise translated_error("not_loaded")
    return vault


def _status(request: Request) -> dict[str, Any]:
    return {"request_id": request.id, "status": request.status}


async def _submit(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    try:
        request = await vault.lifecycle.async_submit(dict(call.data), "service", naive_ok=True)
    except RequestInvalid as err:
        raise translated_error("invalid_request", {"errors": str(err)}) from err
    return _status(request) | {"problems": list(request.problems)}


def _mail(data: dict[str, Any]) -> Mail:
    return Mail(
        sender=data["sender"],
        subject=data.get("subject") or "",
        text=data.get("text"),
        headers=data.get("headers") or {},
        parts=data.get("parts") or {},
        entry_id=data.get("entry_id"),
        uid=data.get("uid"),
    )


async def _submit_mail(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    try:
        request = await async_submit_mail(call.hass, vault.lifecycle, vault.options, _mail(dict(call.data)))
    except MailRefused as err:
        raise translated_error(err.translation_key, err.placeholders) from err
    return _status(request) | {"problems": list(request.problems), "verified": request.verified}


async def _parse_mail(call: ServiceCall) -> ServiceResponse:
    """What Doorbell Vault reads in a mail, without submitting anything."""
    mail = _mail(dict(call.data))
    parsed = mail.parsed()
    options = _vault(call.hass).options
    verdict = authenticate(mail.sender, mail.headers, str(options[CONF_MAIL_AUTHSERV_ID]))
    trusted = [str(d) for d in options[CONF_MAIL_TRUSTED_DOMAINS]]
    problems: list[Any] = list(parsed.problems)
    return {
        "fields": parsed.fields,
        "problems": problems,
        "html": parsed.html,
        "has_text": mail.text is not None,
        "authentication": verdict.as_dict()
        | {
            "accepted": verdict.passes(str(options[CONF_MAIL_AUTHENTICATION])),
            "verified": verdict.dkim and domain_listed(verdict.domain, trusted),
        },
    }


async def _decline(call: ServiceCall) -> ServiceResponse:
    request = await decide.async_decline(
        _vault(call.hass), call.data["request_id"], call.context, call.data.get("message")
    )
    return _status(request)


async def _share(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    expires_in = call.data.get("expires_in")
    if expires_in is not None and not MIN_SHARE <= expires_in <= MAX_SHARE:
        raise translated_error("share_lifetime")
    result = await decide.async_share(
        vault,
        call.data["request_id"],
        call.context,
        cameras=call.data.get("cameras"),
        include_audio=call.data.get("include_audio"),
        expires_in=expires_in,
        max_downloads=call.data.get("max_downloads"),
        start_us=moment_us(call.data.get("start")),
        end_us=moment_us(call.data.get("end")),
        redaction=await decide.async_redaction(vault, call.data.get("redaction")),
    )
    return result.response()


async def _revoke(call: ServiceCall) -> ServiceResponse:
    return _status(await decide.async_revoke(_vault(call.hass), call.data["request_id"]))


async def _actions(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    request = await vault.lifecycle.async_get(call.data["request_id"])
    if request is None:
        raise decide.not_pending(call.data["request_id"])
    return dict(await phone.async_action_ids(vault, request.id))


async def _report(call: ServiceCall) -> ServiceResponse:
    return await review.async_report(_vault(call.hass), call.data.get("since"))


async def _export_audit(call: ServiceCall) -> ServiceResponse:
    return await review.async_export_audit(_vault(call.hass))


async def _verify_audit(call: ServiceCall) -> ServiceResponse:
    return await review.async_verify(_vault(call.hass))


# Service calls pass whatever the caller sent; the request's own validator judges it (and names every
# problem), so the service schema only bounds the size of what reaches it.
SUBMIT_SCHEMA: Final = probatio.Schema({}, extra=probatio.ALLOW_EXTRA)
REQUEST_ID: Final = probatio.All(cv.string, probatio.Length(min=1, max=64))
# A share's redaction: a mode, or {mode?, boxes?}; the regions themselves are checked by redaction.choice.
REDACTION_BOX: Final = {
    probatio.Required("camera_id"): probatio.All(cv.string, probatio.Length(min=1, max=120)),
    probatio.Required("points"): probatio.All(list, probatio.Length(max=2)),
    probatio.Optional("start"): cv.datetime,
    probatio.Optional("end"): cv.datetime,
    probatio.Optional("action"): probatio.In(ACTIONS),
}
REDACTION: Final = probatio.Any(
    probatio.In(MODES),
    {
        probatio.Optional("mode"): probatio.In(MODES),
        probatio.Optional("boxes"): probatio.All([REDACTION_BOX], probatio.Length(max=MAX_BOXES)),
    },
)


def _headers(value: Any) -> dict[str, list[str]]:
    """{name: value or [values]} as the IMAP integration sends them; bounded."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 500:
        raise probatio.Invalid("expected a mapping of at most 500 header names to their values")
    headers: dict[str, list[str]] = {}
    for name, given in value.items():
        values = [given] if isinstance(given, str) else given
        if not isinstance(values, list | tuple) or len(values) > 100:
            raise probatio.Invalid(f"header {str(name)[:40]}: expected text or a list of texts")
        headers[str(name)[:200]] = [str(v)[:8000] for v in values]
    return headers


def _parts(value: Any) -> dict[str, dict[str, str]]:
    """{index: {content_type, ...}} as the IMAP integration sends them; only the content types are kept."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 200:
        raise probatio.Invalid("expected a mapping of at most 200 parts")
    return {
        str(key)[:40]: {"content_type": str(part.get("content_type", ""))[:200]}
        for key, part in value.items()
        if isinstance(part, dict)
    }


def _optional_text(limit: int) -> Any:
    return probatio.Any(None, probatio.All(cv.string, probatio.Length(max=limit)))


# A mail as the e-mail blueprint hands it over, each value read from the IMAP integration's event.
MAIL_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("sender"): probatio.All(cv.string, probatio.Length(min=1, max=320)),
        probatio.Optional("subject"): _optional_text(2000),
        probatio.Optional("text"): _optional_text(MAX_TEXT),
        probatio.Optional("headers"): _headers,
        probatio.Optional("parts"): _parts,
        probatio.Optional("entry_id"): _optional_text(64),
        probatio.Optional("uid"): _optional_text(64),
    }
)
DECLINE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("request_id"): REQUEST_ID,
        probatio.Optional("message"): probatio.All(cv.string, probatio.Length(max=2000)),
    }
)
SHARE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("request_id"): REQUEST_ID,
        probatio.Optional("cameras"): probatio.All(
            cv.ensure_list,
            [probatio.All(cv.string, probatio.Length(min=1, max=120))],
            probatio.Length(max=32),
        ),
        probatio.Optional("start"): cv.datetime,
        probatio.Optional("end"): cv.datetime,
        probatio.Optional("include_audio"): cv.boolean,
        probatio.Optional("expires_in"): cv.positive_time_period,
        probatio.Optional("max_downloads"): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=100)
        ),
        probatio.Optional("redaction"): REDACTION,
    }
)
REVOKE_SCHEMA: Final = probatio.Schema({probatio.Required("request_id"): REQUEST_ID})
REPORT_SCHEMA: Final = probatio.Schema({probatio.Optional("since"): cv.datetime})

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]

ADMIN: Final = True
ANYONE: Final = False

# (name, handler, schema, response, admin only). Everything that submits, decides, shares, revokes or
# writes an export is for administrators: a call by any other user raises Unauthorized (automations and
# scripts run without a user and are allowed; only an administrator can write them).
SERVICES: Final[tuple[tuple[str, Handler, probatio.Schema, SupportsResponse, bool], ...]] = (
    ("submit_request", _submit, SUBMIT_SCHEMA, SupportsResponse.ONLY, ADMIN),
    ("submit_request_mail", _submit_mail, MAIL_SCHEMA, SupportsResponse.OPTIONAL, ADMIN),
    ("parse_request_mail", _parse_mail, MAIL_SCHEMA, SupportsResponse.ONLY, ANYONE),
    ("decline_request", _decline, DECLINE_SCHEMA, SupportsResponse.OPTIONAL, ADMIN),
    ("share_request", _share, SHARE_SCHEMA, SupportsResponse.OPTIONAL, ADMIN),
    ("revoke_share", _revoke, REVOKE_SCHEMA, SupportsResponse.OPTIONAL, ADMIN),
    ("transparency_report", _report, REPORT_SCHEMA, SupportsResponse.ONLY, ADMIN),
    ("notification_actions", _actions, REVOKE_SCHEMA, SupportsResponse.ONLY, ADMIN),
    ("verify_audit", _verify_audit, probatio.Schema({}), SupportsResponse.ONLY, ANYONE),
    ("export_audit", _export_audit, probatio.Schema({}), SupportsResponse.ONLY, ADMIN),
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services (from async_setup, so they exist before any entry)."""
    for name, handler, schema, response, admin in SERVICES:
        if admin:
            async_register_admin_service(hass, DOMAIN, name, handler, schema, response)
        else:
            hass.services.async_register(DOMAIN, name, handler, schema=schema, supports_response=response)
