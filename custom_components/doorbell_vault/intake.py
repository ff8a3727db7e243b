"""Where requests come in and decisions go out: services, the webhook, phone notification actions.

The webhook answers 202 {request_id, status}, or 400/401/413/415/429 {errors}; a rejected body stores
nothing. With a shared secret the raw body must carry `X-Doorbell-Vault-Signature: sha256=<hex HMAC>`
(compared in constant time) and the webhook may be reached from outside; without one it is local only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections import deque
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import probatio
from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import (
    Context,
    Event,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from . import transparency
from .const import (
    CONF_RATE_LIMIT,
    CONF_SHARE_AUDIO,
    CONF_SHARE_DAYS,
    CONF_SHARE_DOWNLOADS,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from .export import ExportError
from .hub import DoorbellVault, loaded_vault
from .requests import (
    ACTION_PREFIX,
    DecidedBy,
    Request,
    RequestInvalid,
    RequestNotPending,
    Status,
)
from .share import NoFootage, ShareResult, UnknownCamera

_LOGGER = logging.getLogger(__name__)

MAX_BODY: Final = 64 * 1024
SIGNATURE_HEADER: Final = "X-Doorbell-Vault-Signature"
SECRET_FILE: Final = ".webhook_secret"  # noqa: S105 - a file name
EVENT_NOTIFICATION_ACTION: Final = "mobile_app_notification_action"

SERVICE_SUBMIT: Final = "submit_request"
SERVICE_DECLINE: Final = "decline_request"
SERVICE_VERIFY_AUDIT: Final = "verify_audit"
SERVICE_EXPORT_AUDIT: Final = "export_audit"
SERVICE_SHARE: Final = "share_request"
SERVICE_REVOKE: Final = "revoke_share"
SERVICE_REPORT: Final = "transparency_report"
MIN_SHARE: Final = timedelta(hours=1)
MAX_SHARE: Final = timedelta(days=90)


# Secrets live in a file with owner-only permissions, never in the config entry. ---------------------


def read_secret(storage: Path) -> bytes | None:
    """The webhook's shared secret, if one is set (blocking)."""
    try:
        secret = (storage / SECRET_FILE).read_bytes().strip()
    except FileNotFoundError:
        return None
    return secret or None


def write_secret(storage: Path, secret: str | None) -> None:
    """Set or clear the shared secret (blocking)."""
    path = storage / SECRET_FILE
    if not secret:
        path.unlink(missing_ok=True)
        return
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(secret)


def signature(secret: bytes, body: bytes) -> str:
    """The header value a requester sends."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


# Services ---------------------------------------------------------------------------------------


def _vault(hass: HomeAssistant) -> DoorbellVault:
    if (vault := loaded_vault(hass)) is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_loaded")
    return vault


def _response(request: Request) -> dict[str, Any]:
    return {"request_id": request.id, "status": request.status, "problems": list(request.problems)}


async def _submit(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    assert vault.desk is not None
    try:
        request = await vault.desk.async_submit(dict(call.data), "service", naive_ok=True)
    except RequestInvalid as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_request",
            translation_placeholders={"errors": str(err)},
        ) from err
    return _response(request)


async def _decline(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    assert vault.desk is not None
    decided_by = DecidedBy.AUTOMATION if call.context.parent_id else DecidedBy.USER
    try:
        request = await vault.desk.async_end(
            call.data["request_id"], Status.DECLINED, decided_by, call.data.get("message")
        )
    except RequestNotPending as err:
        raise _not_pending(call.data["request_id"]) from err
    return {"request_id": request.id, "status": request.status}


def _not_pending(request_id: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_pending",
        translation_placeholders={"request_id": request_id},
    )


async def _decider(hass: HomeAssistant, context: Context) -> tuple[str, str | None]:
    """Who decided: an automation (a call made by another) or a person, with their name."""
    if context.parent_id:
        return DecidedBy.AUTOMATION, None
    user = await hass.auth.async_get_user(context.user_id) if context.user_id else None
    return DecidedBy.USER, user.name if user else None


async def async_share(
    vault: DoorbellVault,
    request_id: str,
    context: Context,
    *,
    cameras: list[str] | None = None,
    include_audio: bool | None = None,
    expires_in: timedelta | None = None,
    max_downloads: int | None = None,
) -> ShareResult:
    """Share a pending request, filling what is not given from the owner's defaults.

    The service, the phone's Share button and the websocket API all come here; errors are raised as
    translated ServiceValidationError (the owner's input) or HomeAssistantError (the build failed).
    """
    assert vault.shares is not None
    options = vault.options
    decided_by, decider = await _decider(vault.hass, context)
    try:
        return await vault.shares.async_share(
            request_id,
            cameras=cameras,
            include_audio=bool(options[CONF_SHARE_AUDIO]) if include_audio is None else include_audio,
            expires_in=expires_in or timedelta(days=float(options[CONF_SHARE_DAYS])),
            max_downloads=max_downloads or int(options[CONF_SHARE_DOWNLOADS]),
            decided_by=decided_by,
            decider=decider,
        )
    except RequestNotPending as err:
        raise _not_pending(request_id) from err
    except UnknownCamera as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_camera",
            translation_placeholders={"camera": str(err)},
        ) from err
    except NoFootage as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_footage",
            translation_placeholders={"request_id": request_id},
        ) from err
    except (ExportError, OSError) as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="share_failed",
            translation_placeholders={"error": str(err)},
        ) from err


async def _share(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    expires_in = call.data.get("expires_in")
    if expires_in is not None and not MIN_SHARE <= expires_in <= MAX_SHARE:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="share_lifetime")
    result = await async_share(
        vault,
        call.data["request_id"],
        call.context,
        cameras=call.data.get("cameras"),
        include_audio=call.data.get("include_audio"),
        expires_in=expires_in,
        max_downloads=call.data.get("max_downloads"),
    )
    return result.response()


async def _revoke(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    assert vault.shares is not None
    request = await vault.shares.async_end(call.data["request_id"], "revoked")
    if request is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_live_share",
            translation_placeholders={"request_id": call.data["request_id"]},
        )
    return {"request_id": request.id, "status": request.status}


async def _report(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    since = call.data.get("since")
    since_us = int(dt_util.as_utc(since).timestamp() * 1_000_000) if since else None
    store = vault.store
    data = await store.async_call(transparency.report, store.connection, since_us)
    now = dt_util.utcnow()
    paths = await call.hass.async_add_executor_job(
        transparency.write, vault.storage / "exports", f"{now:%Y%m%dT%H%M%SZ}", data, now.isoformat()
    )
    return {k: v for k, v in data.items() if k != "rows"} | {"exports": [str(p) for p in paths]}


def _write_export(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / name
    path.write_text("".join(f"{line}\n" for line in lines))
    path.chmod(0o600)
    return path


async def _export_audit(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    assert vault.desk is not None
    lines = await vault.desk.async_export_audit()
    check = await vault.desk.async_verify_audit()
    name = f"audit-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.jsonl"
    path = await call.hass.async_add_executor_job(_write_export, vault.storage / "exports", name, lines)
    return {"path": str(path), "entries": len(lines), "head": check.head, "ok": check.ok}


async def _verify_audit(call: ServiceCall) -> ServiceResponse:
    vault = _vault(call.hass)
    assert vault.desk is not None
    result = await vault.desk.async_verify_audit()
    return {"ok": result.ok, "entries": result.entries, "head": result.head, "problem": result.problem}


# Service calls pass whatever the caller sent; the request's own validator judges it (and names every
# problem), so the service schema only bounds the size of what reaches it.
SUBMIT_SCHEMA: Final = probatio.Schema({}, extra=probatio.ALLOW_EXTRA)
REQUEST_ID: Final = probatio.All(cv.string, probatio.Length(min=1, max=64))
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
        probatio.Optional("include_audio"): cv.boolean,
        probatio.Optional("expires_in"): cv.positive_time_period,
        probatio.Optional("max_downloads"): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=100)
        ),
    }
)
REVOKE_SCHEMA: Final = probatio.Schema({probatio.Required("request_id"): REQUEST_ID})
REPORT_SCHEMA: Final = probatio.Schema({probatio.Optional("since"): cv.datetime})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services (from async_setup, so they exist before any entry)."""
    hass.services.async_register(
        DOMAIN, SERVICE_SUBMIT, _submit, schema=SUBMIT_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DECLINE,
        _decline,
        schema=DECLINE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SHARE, _share, schema=SHARE_SCHEMA, supports_response=SupportsResponse.OPTIONAL
    )
    hass.services.async_register(
        DOMAIN, SERVICE_REVOKE, _revoke, schema=REVOKE_SCHEMA, supports_response=SupportsResponse.OPTIONAL
    )
    hass.services.async_register(
        DOMAIN, SERVICE_REPORT, _report, schema=REPORT_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN, SERVICE_VERIFY_AUDIT, _verify_audit, supports_response=SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN, SERVICE_EXPORT_AUDIT, _export_audit, supports_response=SupportsResponse.ONLY
    )


# Webhook ----------------------------------------------------------------------------------------


def _errors(status: HTTPStatus, *messages: dict[str, str] | str) -> web.Response:
    errors = [m if isinstance(m, dict) else {"field": "", "message": m} for m in messages]
    return web.json_response({"errors": errors}, status=status)


class RateLimit:
    """At most `per_minute` accepted bodies in any sliding minute."""

    def __init__(self, per_minute: int) -> None:
        """Start empty."""
        self.per_minute = per_minute
        self._times: deque[float] = deque()

    def allow(self) -> bool:
        """Count one arrival if it fits."""
        now = time.monotonic()
        while self._times and now - self._times[0] > 60:
            self._times.popleft()
        if len(self._times) >= self.per_minute:
            return False
        self._times.append(now)
        return True


class RequestWebhook:
    """The hub's webhook."""

    def __init__(self, vault: DoorbellVault, webhook_id: str, secret: bytes | None) -> None:
        """Bind to the hub."""
        self.vault = vault
        self.webhook_id = webhook_id
        self.secret = secret
        options = {**DEFAULT_OPTIONS, **vault.entry.options}
        self.rate = RateLimit(int(options[CONF_RATE_LIMIT]))

    @callback
    def async_register(self, hass: HomeAssistant) -> None:
        """Register (local only without a secret)."""
        webhook.async_register(
            hass,
            DOMAIN,
            "Doorbell Vault requests",
            self.webhook_id,
            self.handle,
            local_only=self.secret is None,
            allowed_methods=["POST"],
        )

    async def handle(  # noqa: PLR0911 - one early answer per HTTP error
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Check the body, then submit it (or withdraw a request)."""
        if request.content_type != "application/json":
            return _errors(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _errors(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return _errors(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")
        if self.secret is not None:
            sent = request.headers.get(SIGNATURE_HEADER, "")
            if not hmac.compare_digest(sent.encode(), signature(self.secret, body).encode()):
                return _errors(HTTPStatus.UNAUTHORIZED, "missing or wrong signature")
        if not self.rate.allow():
            return _errors(HTTPStatus.TOO_MANY_REQUESTS, "too many requests; try again in a minute")
        try:
            data = json.loads(body)
        except UnicodeDecodeError, ValueError:
            return _errors(HTTPStatus.BAD_REQUEST, "body is not JSON")
        if not isinstance(data, dict):
            return _errors(HTTPStatus.BAD_REQUEST, "expected a JSON object")
        desk = self.vault.desk
        assert desk is not None
        if data.get("action") == "withdraw":
            return await self._withdraw(data)
        try:
            submitted = await desk.async_submit(data, "webhook")
        except RequestInvalid as err:
            return _errors(HTTPStatus.BAD_REQUEST, *err.errors)
        return web.json_response(
            {"request_id": submitted.id, "status": submitted.status}, status=HTTPStatus.ACCEPTED
        )

    async def _withdraw(self, data: dict[str, Any]) -> web.Response:
        request_id = data.get("request_id")
        if set(data) - {"action", "request_id", "message"} or not isinstance(request_id, str):
            return _errors(HTTPStatus.BAD_REQUEST, "withdraw takes request_id (and message)")
        message = data.get("message")
        if message is not None and (not isinstance(message, str) or len(message) > 2000):
            return _errors(HTTPStatus.BAD_REQUEST, {"field": "message", "message": "text up to 2000"})
        assert self.vault.desk is not None
        try:
            ended = await self.vault.desk.async_end(
                request_id[:64], Status.WITHDRAWN, DecidedBy.REQUESTER, message
            )
        except RequestNotPending:
            return _errors(HTTPStatus.BAD_REQUEST, "no pending request with that id")
        return web.json_response({"request_id": ended.id, "status": ended.status}, status=HTTPStatus.ACCEPTED)


# Phone notification actions -----------------------------------------------------------------------


@callback
def async_listen_notification_actions(hass: HomeAssistant, vault: DoorbellVault) -> Any:
    """Handle DOORBELL_VAULT_<SHARE|DECLINE|REVIEW>_<request_id> actions from the companion app."""

    async def handle(event: Event) -> None:
        action = str(event.data.get("action", ""))
        if not action.startswith(ACTION_PREFIX):
            return
        verb, _, request_id = action[len(ACTION_PREFIX) :].partition("_")
        assert vault.desk is not None
        request = await vault.desk.async_get(request_id) if request_id else None
        if request is None or request.status != Status.PENDING:
            _LOGGER.info("Ignored %s: no pending request %s", verb.lower(), request_id or "-")
            return
        if verb == "DECLINE":
            await vault.desk.async_end(request_id, Status.DECLINED, DecidedBy.USER)
        elif verb == "REVIEW":
            _LOGGER.debug("Request %s opened for review from a notification", request_id)
        elif verb == "SHARE":
            # The owner's defaults; a failure is logged, notified and leaves the request pending.
            try:
                await async_share(vault, request_id, event.context)
            except HomeAssistantError as err:
                _LOGGER.warning("Could not share request %s: %s", request_id, err)
        else:
            _LOGGER.info("Ignored unknown notification action %s", action)

    return hass.bus.async_listen(EVENT_NOTIFICATION_ACTION, handle)
