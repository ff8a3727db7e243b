"""Where footage requests come in from outside: the hub's webhook (requests and withdrawals).

It answers 202 {request_id, status}, or 400/401/413/415/429 {errors}; a rejected body stores nothing.
With a shared secret every body is signed (`requests/secret.py`: timestamp, nonce, HMAC-SHA256 over
`v1:<timestamp>:<nonce>:<raw body>`), the signature is checked before anything else is answered, each
nonce is accepted once, and the webhook may be reached from outside; without one it is local only. A
secret file that cannot be read keeps the webhook closed.
"""

from __future__ import annotations

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
from .clock import now_us
from .const import CONF_MAX_PENDING_PER_SOURCE, CONF_RATE_LIMIT, DOMAIN
from .hub import DoorbellVault
from .requests.secret import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WINDOW_S,
    SignatureRefused,
    verify,
)
from .requests.validation import RequestInvalid
from .store import nonces

MAX_BODY: Final = 64 * 1024
MAX_SOURCES: Final = 10_000


def _errors(status: HTTPStatus, *messages: dict[str, str] | str) -> web.Response:
    errors = [m if isinstance(m, dict) else {"field": "", "message": m} for m in messages]
    return web.json_response({"errors": errors}, status=status)


class RateLimit:
    """At most `per_minute` accepted bodies in any sliding minute, per source (an address, later a key)."""

    def __init__(self, per_minute: int) -> None:
        """Start empty."""
        self.per_minute = per_minute
        self._times: dict[str, deque[float]] = {}

    def allow(self, source: str = "") -> bool:
        """Count one arrival from `source` if it fits."""
        now = time.monotonic()
        if len(self._times) >= MAX_SOURCES:
            # Forget the sources that were quiet for a minute (bounded memory under a flood).
            for key in [k for k, v in self._times.items() if not v or now - v[-1] > 60]:
                del self._times[key]
        times = self._times.setdefault(source, deque())
        while times and now - times[0] > 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True


async def read_body(request: web.Request, cap: int) -> bytes:
    """At most cap + 1 bytes of the body, however it is sent (chunked bodies arrive in pieces)."""
    chunks: list[bytes] = []
    size = 0
    while size <= cap:
        chunk = await request.content.read(cap + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class RequestWebhook:
    """The hub's webhook."""

    def __init__(
        self, vault: DoorbellVault, webhook_id: str, secret: bytes | None, *, closed: bool = False
    ) -> None:
        """Bind to the hub; `closed` (the secret file cannot be read) refuses everything."""
        self.vault = vault
        self.webhook_id = webhook_id
        self.secret = secret
        self.closed = closed
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
            local_only=self.secret is None and not self.closed,
            allowed_methods=["POST"],
        )

    async def _signed(self, request: web.Request, body: bytes, too_big: bool) -> web.Response | None:
        """None when the signature holds and its nonce is new; else the 401."""
        assert self.secret is not None
        headers = request.headers
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        nonce = headers.get(NONCE_HEADER, "")
        try:
            verify(self.secret, timestamp, nonce, body, headers.get(SIGNATURE_HEADER, ""), time.time())
        except SignatureRefused as err:
            note = f" (a body over {MAX_BODY} bytes cannot be verified)" if too_big else ""
            return _errors(HTTPStatus.UNAUTHORIZED, f"{err}{note}")
        # Kept past the window on both sides: an older timestamp is refused anyway.
        until = (int(timestamp) + 2 * WINDOW_S) * 1_000_000
        if not await self.vault.store.async_call(nonces.remember, nonce, until, now_us()):
            return _errors(HTTPStatus.UNAUTHORIZED, "this nonce was already used (a replay?)")
        return None

    async def handle(  # noqa: PLR0911 - one early answer per HTTP error
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Check the signature, then the body, then submit it (or withdraw a request)."""
        if self.closed:
            return _errors(HTTPStatus.UNAUTHORIZED, "the webhook is closed: its shared secret cannot be read")
        body = await read_body(request, MAX_BODY)
        too_big = len(body) > MAX_BODY or (request.content_length or 0) > MAX_BODY
        if self.secret is not None and (refused := await self._signed(request, body, too_big)):
            return refused
        source = str(request.remote or "")
        if not self.rate.allow(source):
            return _errors(HTTPStatus.TOO_MANY_REQUESTS, "too many requests; try again in a minute")
        if request.content_type != "application/json":
            return _errors(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
        if too_big:
            return _errors(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")
        try:
            data = json.loads(body)
        except UnicodeDecodeError, ValueError, RecursionError:
            return _errors(HTTPStatus.BAD_REQUEST, "body is not JSON (or nested too deeply)")
        if not isinstance(data, dict):
            return _errors(HTTPStatus.BAD_REQUEST, "expected a JSON object")
        if data.get("action") == "withdraw":
            return await self._withdraw(data)
        most = int(self.vault.options[CONF_MAX_PENDING_PER_SOURCE])
        if await self.vault.lifecycle.async_pending_from(source) >= most:
            return _errors(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"{most} requests from this address are already pending; wait for a decision",
            )
        try:
            submitted = await self.vault.lifecycle.async_submit(data, "webhook", origin=source)
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
