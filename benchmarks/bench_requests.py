"""`scripts/bench requests` and `scripts/bench fuzz`: figures printed (fuzz: all 4xx, none stored)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.requests import agencies
from custom_components.doorbell_vault.requests.lifecycle import EVENT_RECEIVED
from custom_components.doorbell_vault.requests.secret import sign, signed_string
from tests.conftest import IDENTITY_POINT, SMALL_ORDER_KEYS, make_hub, raw_post
from tests.test_requests import _malformed, _tricky

COUNT = int(os.environ.get("BENCH_COUNT", "500"))


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def _body(i: int) -> dict[str, Any]:
    start = dt_util.utcnow() - timedelta(hours=3)
    return {
        "agency": f"Agency {i % 7}",
        "case_number": f"C-{i}",
        "legal_basis": "warrant",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }


async def test_request_latency(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path
) -> None:
    entry = make_hub(hass, storage, [], requests_per_minute=100_000, max_pending_per_source=1_000_000)
    assert await hass.config_entries.async_setup(entry.entry_id)
    arrived: dict[str, int] = {}
    noted: dict[str, int] = {}

    @callback
    def on_event(event: Event) -> None:
        arrived[event.data["request_id"]] = time.perf_counter_ns()

    @callback
    def on_notification(kind: Any, notifications: dict[str, Any]) -> None:
        now = time.perf_counter_ns()
        for notification_id in notifications:
            noted.setdefault(notification_id.removeprefix(f"{DOMAIN}_"), now)

    hass.bus.async_listen(EVENT_RECEIVED, on_event)
    persistent_notification.async_register_callback(hass, on_notification)
    results: dict[str, list[float]] = {"service": [], "webhook": []}
    client = await hass_client_no_auth()
    for i in range(COUNT):
        start = time.perf_counter_ns()
        answer = await hass.services.async_call(
            DOMAIN, "submit_request", _body(i), blocking=True, return_response=True
        )
        await hass.async_block_till_done()
        request_id = answer["request_id"]  # type: ignore[index]
        results["service"].append((max(arrived[request_id], noted[request_id]) - start) / 1e6)

        start = time.perf_counter_ns()
        response = await client.post(
            f"/api/webhook/{entry.data['webhook_id']}", data=json.dumps(_body(i)),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        request_id = (await response.json())["request_id"]
        await hass.async_block_till_done()
        results["webhook"].append((max(arrived[request_id], noted[request_id]) - start) / 1e6)
    print(f"\nRequest → event → notification inside Home Assistant ({COUNT} each):")
    for path, values in results.items():
        print(
            f"  {path:8} p50 {statistics.median(values):.2f} ms, p99 {_pct(values, 0.99):.2f} ms, "
            f"max {max(values):.2f} ms"
        )
    await hass.config_entries.async_unload(entry.entry_id)


# Keyed requests whose headers are malformed: three agencies (a generated HMAC key, an Ed25519 key, and
# the identity point stored as a key by an install from before keys were checked).
HMAC_KEY, HMAC_SECRET = "dvk_" + "1" * 16, secrets.token_urlsafe(32)
ED_KEY, ED_PRIVATE = "dvk_" + "2" * 16, Ed25519PrivateKey.generate()
IDENTITY_KEY = "dvk_" + "3" * 16
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493
HEADERS = (
    "X-Doorbell-Vault-Key",
    "X-Doorbell-Vault-Timestamp",
    "X-Doorbell-Vault-Nonce",
    "X-Doorbell-Vault-Signature",
)
KINDS = (
    "non_ascii",
    "wrong_length",
    "bad_base64",
    "small_order_signature",
    "s_not_reduced",
    "identity_key_forgery",
    "missing_timestamp_or_nonce",
    "stale_timestamp",
    "reused_nonce",
)


def _agency(name: str, key_type: str, key_id: str, public_key: bytes | None = None) -> ConfigSubentryData:
    data: dict[str, Any] = {"name": name, "key_type": key_type, "key_id": key_id, "policy": "share"}
    if public_key is not None:
        data["public_key"] = base64.b64encode(public_key).decode()
    return ConfigSubentryData(data=data, subentry_type="agency", title=name, unique_id=f"agency:{name}")


def _signed(key_id: str, body: bytes, stamp: int, nonce: str) -> dict[str, str]:
    """Well-formed headers: HMAC for the generated key, Ed25519 for the others."""
    if key_id == HMAC_KEY:
        signature = sign(HMAC_SECRET.encode(), stamp, nonce, body)
    else:
        raw = ED_PRIVATE.sign(signed_string(str(stamp), nonce, body))
        signature = f"ed25519={base64.b64encode(raw).decode()}"
    return dict(zip(HEADERS, (key_id, str(stamp), nonce, signature), strict=True))


def _mangle(
    kind: str, case: tuple[str, bytes, int], body: bytes, used: dict[str, str]
) -> list[tuple[str, bytes]]:
    """The headers of one malformed keyed request (`used`: a nonce each key already spent)."""
    key_id, junk, number = case
    stamp, nonce = int(time.time()), secrets.token_urlsafe(18)
    headers = _signed(key_id, body, stamp, nonce)
    ed = headers["X-Doorbell-Vault-Signature"].startswith("ed25519=")
    raw: dict[str, bytes] = {k: v.encode() for k, v in headers.items()}
    if kind == "non_ascii":
        name = HEADERS[number % 4]
        # What HTTP lets a field value hold (visible ASCII, space, obs-text 0x80-0xff): aiohttp itself answers
        # 400 to control characters before any handler runs.
        clean = bytes(c for c in junk if c >= 0x20 and c != 0x7F)
        raw[name] = raw[name][: number % 40] + bytes([0x80 + number % 128]) + clean
    elif kind == "wrong_length":
        size, unit = number % 200, (junk or b"x")[:1]
        size += size == (64 if ed else 32)
        wrong = unit * size
        raw["X-Doorbell-Vault-Signature"] = (
            b"ed25519=" + base64.b64encode(wrong) if ed else b"v1=" + wrong.hex().encode()
        )
    elif kind == "bad_base64":
        text = raw["X-Doorbell-Vault-Signature"]
        at = 9 + number % (len(text) - 10)
        raw["X-Doorbell-Vault-Signature"] = (
            text[:at] + b"!-_.~*"[number % 6 : number % 6 + 1] + text[at + 1 :]
        )
    elif kind in ("small_order_signature", "s_not_reduced", "identity_key_forgery"):
        key_id = IDENTITY_KEY if kind == "identity_key_forgery" else ED_KEY
        real = base64.b64decode(_signed(ED_KEY, body, stamp, nonce)["X-Doorbell-Vault-Signature"][8:])
        s = (int.from_bytes(real[32:], "little") + GROUP_ORDER).to_bytes(32, "little")
        forged = {
            "small_order_signature": SMALL_ORDER_KEYS[number % len(SMALL_ORDER_KEYS)]
            + junk[:32].ljust(32, b"\0"),
            "s_not_reduced": real[:32] + s,
            "identity_key_forgery": IDENTITY_POINT + bytes(32),
        }[kind]
        raw["X-Doorbell-Vault-Key"] = key_id.encode()
        raw["X-Doorbell-Vault-Signature"] = b"ed25519=" + base64.b64encode(forged)
    elif kind == "missing_timestamp_or_nonce":
        for name in ((HEADERS[1],), (HEADERS[2],), HEADERS[1:3])[number % 3]:
            raw.pop(name)
    elif kind == "stale_timestamp":
        stale = stamp + (1 if number % 2 else -1) * (301 + int.from_bytes(junk[:3].ljust(3, b"\0"), "big"))
        raw = {k: v.encode() for k, v in _signed(key_id, body, max(stale, 0), nonce).items()}
    elif kind == "reused_nonce":
        raw = {k: v.encode() for k, v in _signed(key_id, body, stamp, used[key_id]).items()}
    return list(raw.items())


async def _keyed_hub(hass: HomeAssistant, storage: Path) -> MockConfigEntry:
    storage.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(agencies.put_key, storage, HMAC_KEY, HMAC_SECRET)
    public = ED_PRIVATE.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    entry = make_hub(
        hass,
        storage,
        [
            _agency("Springfield PD", "generated", HMAC_KEY),
            _agency("Shelbyville Police", "ed25519", ED_KEY, public),
            _agency("Ogdenville Police", "ed25519", IDENTITY_KEY, IDENTITY_POINT),
        ],
        requests_per_minute=10**9,
        max_pending_per_source=10**9,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def test_fuzz(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    storage: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bodies: list[bytes] = []
    cases: list[tuple[str, bytes, int]] = []

    @settings(max_examples=COUNT, database=None, suppress_health_check=list(HealthCheck))
    @given(_malformed | _tricky)
    def collect(body: bytes) -> None:
        bodies.append(body)

    @settings(max_examples=COUNT, database=None, suppress_health_check=list(HealthCheck))
    @given(
        st.tuples(
            st.sampled_from((HMAC_KEY, ED_KEY)),
            st.binary(max_size=64),
            st.integers(0, 10**6),
        )
    )
    def collect_keyed(case: tuple[str, bytes, int]) -> None:
        cases.append(case)

    collect()
    collect_keyed()
    entry = await _keyed_hub(hass, storage)
    client = await hass_client_no_auth()
    path = f"/api/webhook/{entry.data['webhook_id']}"
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    for body in bodies:
        response = await client.post(path, data=body, headers={"Content-Type": "application/json"})
        statuses[response.status] = statuses.get(response.status, 0) + 1
    elapsed = time.perf_counter() - started
    store = entry.runtime_data.store
    stored = await store.async_call(lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0])
    print(
        f"\nFuzz: {len(bodies)} malformed bodies in {elapsed:.1f} s "
        f"({len(bodies) / elapsed:.0f}/s); answers {dict(sorted(statuses.items()))}; "
        f"requests stored: {stored}"
    )

    # Each key spends one nonce on a follow-up that stores nothing (a status of no request: 400).
    used: dict[str, str] = {}
    for key_id in (HMAC_KEY, ED_KEY):
        used[key_id] = secrets.token_urlsafe(18)
        ask = json.dumps({"action": "status", "request_id": "none"}).encode()
        headers = _signed(key_id, ask, int(time.time()), used[key_id])
        assert (await raw_post(client, path, ask, [(k, v.encode()) for k, v in headers.items()]))[0] == 400
    by_kind: dict[str, dict[int, int]] = {}
    started = time.perf_counter()
    for number, case in enumerate(cases):
        body = json.dumps(_body(number)).encode()  # a request that would be stored if signed
        kind = KINDS[number % len(KINDS)]  # each kind in turn
        status, _answer, _reply = await raw_post(client, path, body, _mangle(kind, case, body, used))
        answers = by_kind.setdefault(kind, {})
        answers[status] = answers.get(status, 0) + 1
    elapsed = time.perf_counter() - started
    stored_keyed = (
        await store.async_call(lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]) - stored
    )
    tracebacks = sum(1 for record in caplog.records if record.exc_info or "Traceback" in record.getMessage())
    print(
        f"Fuzz: {len(cases)} keyed requests (HMAC, Ed25519) with malformed headers in {elapsed:.1f} s; "
        f"requests stored: {stored_keyed}; tracebacks logged: {tracebacks}; answers by kind:"
    )
    for name, answers in sorted(by_kind.items()):
        print(f"  {name:28} {dict(sorted(answers.items()))}")
    assert all(400 <= status < 500 for answers in by_kind.values() for status in answers)
    assert (stored_keyed, tracebacks) == (0, 0)
    await hass.config_entries.async_unload(entry.entry_id)
