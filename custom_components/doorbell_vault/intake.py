"""Where footage requests come in from outside: the hub's webhook (requests and withdrawals).

It answers 202 {request_id, status}, or 400/401/403/413/415/429 {errors}; a rejected body stores nothing.
With a shared secret every body is signed (`requests/secret.py`: timestamp, nonce, HMAC-SHA256 over
`v1:<timestamp>:<nonce>:<raw body>`), the signature is checked before anything else is answered, each
nonce is accepted once, and the webhook may be reached from outside; without one (and without agency keys)
it is local only. A secret file that cannot be read keeps the webhook closed.

An agency's request names its key (`X-Doorbell-Vault-Key`, `requests/agencies.py`) and is signed with it
over the same string; it is *verified*, its agency is the key's, and only that key may withdraw it or ask
after it (`{"action": "status", "request_id": …}` answers its status, and the link of a share its
standing policy made automatically: minted on that key's request, stored only as a hash, handed over once,
again only when asked with `"new_link": true`, which ends the link handed before). A request without a key
(the shared secret, e-mail, a service call) names no one who could prove it is theirs, so the webhook
withdraws it for nobody: the household ends it.

Signature headers must be ASCII: anything else (a byte that is no UTF-8 reaches us as a lone surrogate)
gets 401 before any signature is computed, and counts toward the address's rate limit.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from http import HTTPStatus
from ipaddress import ip_address
from typing import Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.network import is_cloud_connection
from homeassistant.util.network import is_local

from . import decide
from .clock import now_us
from .const import CONF_MAX_PENDING_PER_SOURCE, CONF_RATE_LIMIT, DOMAIN
from .hub import DoorbellVault
from .requests import agencies
from .requests.agencies import KEY_HEADER, POLICY_SHARE, Agency, UnknownKey
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
from .store.inbox import Request, Status

_LOGGER = logging.getLogger(__name__)

MAX_BODY: Final = 64 * 1024
MAX_SOURCES: Final = 10_000
SIGNATURE_HEADERS: Final = (KEY_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)


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
        self.key_rate = RateLimit(int(vault.options[CONF_RATE_LIMIT]))
        self.registered_local_only: bool | None = None

    @property
    def local_only(self) -> bool:
        """Only the local network may reach it: no shared secret and no agency holds a key."""
        keyed = any(a.key_id for a in agencies.agencies(self.vault.entry.subentries.values()))
        return self.secret is None and not self.closed and not keyed

    @callback
    def async_register(self, hass: HomeAssistant) -> None:
        """Register (local only without a secret or an agency key)."""
        self.registered_local_only = self.local_only
        webhook.async_register(
            hass,
            DOMAIN,
            "Doorbell Vault requests",
            self.webhook_id,
            self.handle,
            local_only=self.registered_local_only,
            allowed_methods=["POST"],
        )

    @callback
    def async_agencies_changed(self, hass: HomeAssistant) -> None:
        """An agency was added, changed or removed: open to (or close from) outside if that changed."""
        if self.local_only != self.registered_local_only:
            webhook.async_unregister(hass, self.webhook_id)
            self.async_register(hass)

    async def _fresh(self, timestamp: str, nonce: str) -> web.Response | None:
        """None when the nonce is new (it is remembered); else the 401 of a replay."""
        # Kept past the window on both sides: an older timestamp is refused anyway.
        until = (int(timestamp) + 2 * WINDOW_S) * 1_000_000
        if not await self.vault.store.async_call(nonces.remember, nonce, until, now_us()):
            return _errors(HTTPStatus.UNAUTHORIZED, "this nonce was already used (a replay?)")
        return None

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
        return await self._fresh(timestamp, nonce)

    async def _keyed(
        self, request: web.Request, body: bytes, too_big: bool, key_id: str
    ) -> Agency | web.Response:
        """The agency whose key signed the body (its nonce new); else the 401."""
        try:
            agency = agencies.by_key(self.vault.entry.subentries.values(), key_id)
        except UnknownKey:
            return _errors(
                HTTPStatus.UNAUTHORIZED,
                "unknown or revoked key: X-Doorbell-Vault-Key names no agency of this hub",
            )
        secret = None
        if agency.key_type == agencies.KEY_GENERATED:
            keys = await self.vault.hass.async_add_executor_job(agencies.read_keys, self.vault.state)
            secret = keys[key_id].encode() if key_id in keys else None
        headers = request.headers
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        nonce = headers.get(NONCE_HEADER, "")
        try:
            agencies.verify(
                agency, secret, timestamp, nonce, body, headers.get(SIGNATURE_HEADER, ""), time.time()
            )
        except SignatureRefused as err:
            note = f" (a body over {MAX_BODY} bytes cannot be verified)" if too_big else ""
            return _errors(HTTPStatus.UNAUTHORIZED, f"{err}{note}")
        return refused if (refused := await self._fresh(timestamp, nonce)) else agency

    def _from_outside(self, hass: HomeAssistant, request: web.Request) -> bool:
        """Whether an unsigned body comes from beyond the local network (open only for agency keys)."""
        if is_cloud_connection(hass) or not request.remote:
            return True
        try:
            return not is_local(ip_address(request.remote))
        except ValueError:
            return True

    async def handle(  # noqa: PLR0911 - one early answer per HTTP error
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Check the signature, then the body, then submit it (or withdraw a request, or tell its status)."""
        if self.closed:
            return _errors(HTTPStatus.UNAUTHORIZED, "the webhook is closed: its shared secret cannot be read")
        body = await read_body(request, MAX_BODY)
        too_big = len(body) > MAX_BODY or (request.content_length or 0) > MAX_BODY
        source = str(request.remote or "")
        if not_ascii := [h for h in SIGNATURE_HEADERS if not request.headers.get(h, "").isascii()]:
            if not self.rate.allow(source):
                return _errors(HTTPStatus.TOO_MANY_REQUESTS, "too many requests; try again in a minute")
            return _errors(HTTPStatus.UNAUTHORIZED, f"{', '.join(not_ascii)}: only ASCII is taken")
        agency: Agency | None = None
        if (key_id := request.headers.get(KEY_HEADER)) is not None:
            keyed = await self._keyed(request, body, too_big, key_id)
            if isinstance(keyed, web.Response):
                return keyed
            agency = keyed
        elif self.secret is not None:
            if refused := await self._signed(request, body, too_big):
                return refused
        elif self._from_outside(hass, request):
            return _errors(
                HTTPStatus.UNAUTHORIZED,
                "unsigned requests are taken from the local network only: sign with your agency key",
            )
        if agency is not None and not self.key_rate.allow(str(agency.key_id)):
            return _errors(
                HTTPStatus.TOO_MANY_REQUESTS, "too many requests with this key; try again in a minute"
            )
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
            return await self._withdraw(data, agency)
        if data.get("action") == "status":
            return await self._status(data, agency, source)
        most = int(self.vault.options[CONF_MAX_PENDING_PER_SOURCE])
        if await self.vault.lifecycle.async_pending_from(source) >= most:
            return _errors(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"{most} requests from this address are already pending; wait for a decision",
            )
        try:
            submitted = await self.vault.lifecycle.async_submit(data, "webhook", origin=source, agency=agency)
        except RequestInvalid as err:
            return _errors(HTTPStatus.BAD_REQUEST, *err.errors)
        if (
            agency is not None
            and agency.policy == POLICY_SHARE
            and submitted.status == Status.PENDING
            and not submitted.problems
        ):
            self.vault.entry.async_create_background_task(
                hass,
                decide.async_share_automatically(self.vault, submitted, agency),
                f"doorbell_vault share {submitted.id}",
            )
        return web.json_response(
            {"request_id": submitted.id, "status": submitted.status}, status=HTTPStatus.ACCEPTED
        )

    async def _own_request(
        self, data: dict[str, Any], agency: Agency | None, allowed: set[str]
    ) -> Request | web.Response:
        """The request a follow-up names, if the caller may act on it (the key that submitted it).

        A request without a key is no caller's to act on: whoever holds the shared secret, sends mail or
        stands on the local network could claim it (its id is on the *Pending requests* sensor).
        """
        request_id = data.get("request_id")
        if set(data) - allowed or not isinstance(request_id, str):
            takes = " and ".join(sorted(allowed - {"action"}))
            return _errors(HTTPStatus.BAD_REQUEST, f"{data['action']} takes {takes}")
        request = await self.vault.lifecycle.async_get(request_id[:64])
        if request is None:
            pending = "pending " if data["action"] == "withdraw" else ""
            return _errors(HTTPStatus.BAD_REQUEST, f"no {pending}request with that id")
        key_id = agency.key_id if agency is not None else None
        if key_id is None or request.key_id != key_id:
            return _errors(HTTPStatus.FORBIDDEN, "only the key that submitted this request may act on it")
        return request

    async def _withdraw(self, data: dict[str, Any], agency: Agency | None) -> web.Response:
        message = data.get("message")
        if message is not None and (not isinstance(message, str) or len(message) > 2000):
            return _errors(HTTPStatus.BAD_REQUEST, {"field": "message", "message": "text up to 2000"})
        request = await self._own_request(data, agency, {"action", "request_id", "message"})
        if isinstance(request, web.Response):
            return request
        try:
            ended = await decide.async_withdraw(self.vault, request.id, message)
        except ServiceValidationError:
            return _errors(HTTPStatus.BAD_REQUEST, "no pending request with that id")
        return web.json_response({"request_id": ended.id, "status": ended.status}, status=HTTPStatus.ACCEPTED)

    async def _status(self, data: dict[str, Any], agency: Agency | None, source: str) -> web.Response:
        """The request's status; with the link of its standing policy's share, minted now, when it is due.

        Due once (the first ask after the share), and again when asked with `"new_link": true` (a lost
        link: the new one replaces it, so the old one stops working). The token exists only in this
        answer; the index keeps its hash. Restarts lose nothing: nothing waits in memory.
        """
        if agency is None:
            return _errors(HTTPStatus.FORBIDDEN, "status is answered to agency keys only")
        new_link = data.get("new_link", False)
        if not isinstance(new_link, bool):
            return _errors(HTTPStatus.BAD_REQUEST, {"field": "new_link", "message": "true or false"})
        request = await self._own_request(data, agency, {"action", "request_id", "new_link"})
        if isinstance(request, web.Response):
            return request
        answer: dict[str, Any] = {"request_id": request.id, "status": request.status}
        if request.status == Status.SHARED:
            asked_by = {"agency": agency.name, "key_id": agency.key_id, "remote": source or None}
            minted = await self.vault.shares.async_link_for_key(request.id, asked_by, again=new_link)
            if minted is not None:
                answer["share_url"], warning = minted
                if warning:
                    answer["link_warning"] = warning
        return web.json_response(answer, status=HTTPStatus.OK)
