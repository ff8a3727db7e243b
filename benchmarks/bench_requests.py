"""`scripts/bench requests` and `scripts/bench fuzz`: figures printed, nothing asserted about speed."""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, given, settings
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.requests.lifecycle import EVENT_RECEIVED
from tests.conftest import make_hub
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


async def test_fuzz(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, storage: Path) -> None:
    bodies: list[bytes] = []

    @settings(max_examples=COUNT, database=None, suppress_health_check=list(HealthCheck))
    @given(_malformed | _tricky)
    def collect(body: bytes) -> None:
        bodies.append(body)

    collect()
    entry = make_hub(hass, storage, [], requests_per_minute=10**9)
    assert await hass.config_entries.async_setup(entry.entry_id)
    client = await hass_client_no_auth()
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    for body in bodies:
        response = await client.post(
            f"/api/webhook/{entry.data['webhook_id']}", data=body,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        statuses[response.status] = statuses.get(response.status, 0) + 1
    elapsed = time.perf_counter() - started
    store = entry.runtime_data.store
    stored = await store.async_call(lambda db: db.execute("SELECT COUNT(*) FROM requests").fetchone()[0])
    print(
        f"\nFuzz: {len(bodies)} malformed bodies in {elapsed:.1f} s "
        f"({len(bodies) / elapsed:.0f}/s); answers {dict(sorted(statuses.items()))}; "
        f"requests stored: {stored}"
    )
    await hass.config_entries.async_unload(entry.entry_id)
