"""Where footage requests come in from outside: the hub's webhook (requests and withdrawals).

It answers 202 {request_id, status}, or 400/401/413/415/429 {errors}; a rejected body stores nothing.
With a shared secret the raw body must carry `X-Doorbell-Vault-Signature: sha256=<hex HMAC>` (compared
in constant time) and the webhook may be reached from outside; without one it is local only.
"""

from __future__ import annotations

import hmac
import json
import time
from collections import deque
from http import HTTPStatus
from typing import Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError

from . import decide
from .const import CONF_RATE_LIMIT, DOMAIN
from .hub import DoorbellVault
from .requests.secret import signature
from .requests.validation import RequestInvalid

MAX_BODY: Final = 64 * 1024
SIGNATURE_HEADER: Final = "X-Doorbell-Vault-Signature"


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
        self.rate = RateLimit(int(vault.options[CONF_RATE_LIMIT]))

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
        if data.get("action") == "withdraw":
            return await self._withdraw(data)
        try:
            submitted = await self.vault.lifecycle.async_submit(data, "webhook")
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
        try:
            ended = await decide.async_withdraw(self.vault, request_id[:64], message)
        except ServiceValidationError:
            return _errors(HTTPStatus.BAD_REQUEST, "no pending request with that id")
        return web.json_response({"request_id": ended.id, "status": ended.status}, status=HTTPStatus.ACCEPTED)
