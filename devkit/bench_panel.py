"""`scripts/bench panel`: from navigation to the inbox's first render, with a full index (figures only).

A real `hass` as scripts/develop starts it (no camera), its index filled with N requests (a tenth pending,
the rest decided) and M download-log rows spread over the shared ones; then headless Chromium (Playwright,
Debian's chromium) opens /doorbell-vault again and again. Printed per run and as medians:

- page load → inbox rendered: the panel's `doorbell-vault:inbox-rendered` performance mark, in ms from
  the navigation's start (Home Assistant's own frontend starting included);
- in the app → inbox rendered: Home Assistant already open on another page, the owner opens the panel
  (as the sidebar does); the panel's module is imported, its strings and first page fetched, drawn;
- panel connected → inbox rendered: the panel's own part (strings, first page of requests, drawing);
- the `doorbell_vault/requests/list` and `/get` round trips over the websocket;
- the dashboard card (a dashboard with the Footage requests card, made through Lovelace's API): from the
  card's element connected (the dashboard drew its cards) to its list drawn (`doorbell-vault:card-connected`
  → `doorbell-vault:card-rendered`: strings and the first snapshot of `doorbell_vault/card/subscribe`), from
  navigation in the app (Home Assistant open on another page) and from a page load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from devkit.develop import (
    OWNER_PASSWORD,
    OWNER_USERNAME,
    Api,
    media_folder,
    prepare_config,
    prepare_namespace,
    start_hass,
    stop,
)
from devkit.panel_check import CARD, DASHBOARD, make_dashboard
from devkit.screenshot import CHROMIUM, CHROMIUM_ARGS, login

AGENCIES = ["Springfield PD", "County Sheriff", "State Police", "Shelbyville PD", "Transit Police"]
OUTCOMES = ["shared", "declined", "rejected", "expired", "withdrawn", "revoked"]


def fill(database: Path, requests: int, downloads: int) -> None:
    """Requests and download-log rows as the integration stores them, in one transaction."""
    rng = random.Random(14)  # noqa: S311 - sizes for a bench
    now = int(time.time() * 1_000_000)
    hour = 3_600_000_000
    rows, shared = [], []
    for n in range(requests):
        received = now - (requests - n) * hour
        pending = n % 10 == 0
        status = "pending" if pending else OUTCOMES[n % len(OUTCOMES)]
        request_id = f"bench{n:011d}"
        fields = {"requester_name": "Det. Smith", "reason": "bench", "radius_m": 200}
        rows.append(
            (
                request_id,
                received,
                "webhook",
                AGENCIES[n % len(AGENCIES)],
                f"2026-{n:05d}",
                "warrant",
                received - 2 * hour,
                received - hour,
                json.dumps(fields),
                status,
                "[]",
                (now + 72 * hour) if pending else received + 72 * hour,
                None if pending else "user",
                None if pending else received + hour // 2,
                None,
            )
        )
        if status in ("shared", "revoked"):
            shared.append((request_id, received))
    log = []
    for n in range(downloads):
        request_id, received = shared[n % len(shared)]
        log.append((request_id, received + n, f"192.0.2.{n % 250}", "curl/8", rng.randint(1, 10**8), 1))
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO requests (id, received_us, source, agency, case_number, legal_basis, start_us, "
            "end_us, fields, status, problems, deadline_us, decided_by, decided_us, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO downloads (request_id, at_us, remote, user_agent, bytes, completed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            log,
        )
    db.close()


async def _ws_times(api: Api, repeat: int, request_id: str) -> dict[str, float]:
    import aiohttp

    url = api.base_url.replace("http", "ws", 1) + "/api/websocket"
    found: dict[str, list[float]] = {"list": [], "get": []}
    async with aiohttp.ClientSession() as session, session.ws_connect(url, max_msg_size=0) as ws:
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": api.token})
        await ws.receive_json()
        number = 0
        for _ in range(repeat):
            for kind, message in (
                ("list", {"type": "doorbell_vault/requests/list", "limit": 50}),
                ("get", {"type": "doorbell_vault/requests/get", "request_id": request_id}),
            ):
                number += 1
                started = time.perf_counter()
                await ws.send_json({"id": number, **message})
                answer = await ws.receive_json()
                found[kind].append((time.perf_counter() - started) * 1000)
                if not answer.get("success"):
                    raise RuntimeError(f"{kind}: {answer}")
    return {kind: statistics.median(times) for kind, times in found.items()}


def measure(api: Api, runs: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            login(page, api.base_url, OWNER_USERNAME, OWNER_PASSWORD)
            page.close()
            for _ in range(runs + 1):  # the first run warms the HTTP cache, as a returning owner's browser
                page = context.new_page()
                started = time.perf_counter()
                page.goto(api.base_url + "/doorbell-vault", wait_until="commit")
                try:
                    page.wait_for_function(
                        "performance.getEntriesByName('doorbell-vault:inbox-rendered').length > 0",
                        timeout=60_000,
                        polling=10,
                    )
                except Exception:
                    page.screenshot(path="bench-panel-failure.png")
                    raise
                wall = (time.perf_counter() - started) * 1000
                marks = page.evaluate(
                    "() => ({rendered: performance.getEntriesByName('doorbell-vault:inbox-rendered')[0]"
                    ".startTime, connected: performance.getEntriesByName('doorbell-vault:panel-connected')[0]"
                    ".startTime})"
                )
                rows = page.locator("dv-inbox li").count()
                page.close()
                # In the app, as from the sidebar: Home Assistant is up (on the profile page), the panel's
                # module not yet imported in this page.
                page = context.new_page()
                page.goto(api.base_url + "/profile/general")
                page.locator("ha-panel-profile").wait_for(state="attached", timeout=60_000)
                page.wait_for_timeout(300)
                clicked = page.evaluate(
                    "() => { const t = performance.now(); history.pushState(null, '', '/doorbell-vault');"
                    " window.dispatchEvent(new CustomEvent('location-changed', {detail: {replace: false}}));"
                    " return t; }"
                )
                page.wait_for_function(
                    "performance.getEntriesByName('doorbell-vault:inbox-rendered').length > 0",
                    timeout=60_000,
                    polling=10,
                )
                in_app = page.evaluate(
                    "performance.getEntriesByName('doorbell-vault:inbox-rendered')[0].startTime"
                )
                page.close()
                results.append({"wall": wall, **marks, "rows": rows, "in_app": in_app - clicked})
        finally:
            browser.close()
    return results[1:]


CARD_MARKS = (
    "() => ({rendered: performance.getEntriesByName('doorbell-vault:card-rendered')[0].startTime,"
    " connected: performance.getEntriesByName('doorbell-vault:card-connected')[0].startTime})"
)
CARD_DRAWN = "performance.getEntriesByName('doorbell-vault:card-rendered').length > 0"


def measure_card(api: Api, runs: int) -> list[dict[str, float]]:
    """The card's first render on its dashboard: after a page load, and after navigation in the app."""
    from playwright.sync_api import sync_playwright

    dashboard = f"/{DASHBOARD}/home"
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            login(page, api.base_url, OWNER_USERNAME, OWNER_PASSWORD)
            page.close()
            for _ in range(runs + 1):  # the first run warms the HTTP cache
                page = context.new_page()
                page.goto(api.base_url + dashboard, wait_until="commit")
                page.wait_for_function(CARD_DRAWN, timeout=60_000, polling=10)
                load = page.evaluate(CARD_MARKS)
                rows = page.locator(f"{CARD} li").count()
                page.close()
                page = context.new_page()
                page.goto(api.base_url + "/profile/general")
                page.locator("ha-panel-profile").wait_for(state="attached", timeout=60_000)
                page.wait_for_timeout(300)
                clicked = page.evaluate(
                    f"() => {{ const t = performance.now(); history.pushState(null, '', '{dashboard}');"
                    " window.dispatchEvent(new CustomEvent('location-changed', {detail: {replace: false}}));"
                    " return t; }"
                )
                page.wait_for_function(CARD_DRAWN, timeout=60_000, polling=10)
                in_app = page.evaluate(CARD_MARKS)
                page.close()
                results.append(
                    {
                        "load_rendered": load["rendered"],
                        "load_own": load["rendered"] - load["connected"],
                        "in_app": in_app["rendered"] - clicked,
                        "in_app_own": in_app["rendered"] - in_app["connected"],
                        "rows": rows,
                    }
                )
        finally:
            browser.close()
    return results[1:]


def prepare_index(config: Path, api: Api, requests: int, downloads: int) -> None:
    """Onboard, set up Doorbell Vault (no camera), stop, fill its index."""
    hass = start_hass(config, quiet=True)
    try:
        api.wait_until_up(hass, timeout=240)
        api.onboard()
        api.login(OWNER_USERNAME, OWNER_PASSWORD)
        api.ensure_vault(media_folder(config) / "doorbell_vault")
        # Home Assistant writes its config entries a moment later; stop only once they are on disk.
        entries = config / ".storage" / "core.config_entries"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not entries.exists() or '"doorbell_vault"' not in entries.read_text()
        ):
            time.sleep(0.5)
    finally:
        stop(hass)
    fill(config / "doorbell_vault" / "doorbell_vault.db", requests, downloads)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--downloads", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--in-namespace", action="store_true")
    parser.add_argument("--keep", type=Path, help="use (and keep) this folder instead of a temporary one")
    args = parser.parse_args()
    if args.in_namespace:
        prepare_namespace()
    with tempfile.TemporaryDirectory() as tmp:
        config = (args.keep or Path(tmp)) / "config"
        filled = (config / "doorbell_vault" / "doorbell_vault.db").exists()  # a kept folder: measure again
        prepare_config(config, args.port)
        api = Api(f"http://127.0.0.1:{args.port}")
        if not filled:
            prepare_index(config, api, args.requests, args.downloads)
        hass = start_hass(config, quiet=True)
        try:
            api.wait_until_up(hass, timeout=240)
            api.login(OWNER_USERNAME, OWNER_PASSWORD)
            deadline = time.monotonic() + 60
            while api.entries()[0]["state"] != "loaded" and time.monotonic() < deadline:
                time.sleep(0.5)
            rpc = asyncio.run(_ws_times(api, 20, "bench00000000006"))  # shared, ~30 downloads
            if not filled:
                make_dashboard(api)  # the owner's dashboard with the card, made while Home Assistant runs
            runs = measure(api, args.runs)
            cards = measure_card(api, args.runs)
        finally:
            stop(hass)
    print(f"Index: {args.requests:,} requests, {args.downloads:,} download-log rows")
    for n, run in enumerate(runs, 1):
        print(
            f"  run {n}: page load → inbox rendered {run['rendered']:.0f} ms "
            f"(panel connected → rendered {run['rendered'] - run['connected']:.0f} ms, "
            f"wall {run['wall']:.0f} ms, {run['rows']:.0f} rows drawn); "
            f"in the app → inbox rendered {run['in_app']:.0f} ms"
        )
    median = statistics.median(r["rendered"] for r in runs)
    own = statistics.median(r["rendered"] - r["connected"] for r in runs)
    print(f"Median page load → inbox rendered (Home Assistant's own start included): {median:.0f} ms")
    print(f"Median panel connected → inbox rendered: {own:.0f} ms")
    in_app = statistics.median(r["in_app"] for r in runs)
    print(f"Median navigation in the app (sidebar) → inbox rendered: {in_app:.0f} ms (target ≤ 1000 ms)")
    print(f"Websocket round trips (median of 20): list {rpc['list']:.1f} ms, get {rpc['get']:.1f} ms")
    for n, card in enumerate(cards, 1):
        print(
            f"  card run {n}: card connected → drawn {card['in_app_own']:.0f} ms in the app, "
            f"{card['load_own']:.0f} ms after a page load; "
            f"navigation in the app → drawn {card['in_app']:.0f} ms; "
            f"page load → drawn {card['load_rendered']:.0f} ms ({card['rows']:.0f} rows)"
        )
    median = {key: statistics.median(c[key] for c in cards) for key in cards[0]}
    print(
        "Median card first render after the dashboard loads (card connected → drawn): "
        f"{median['in_app_own']:.0f} ms in the app (target ≤ 300 ms), "
        f"{median['load_own']:.0f} ms after a page load"
    )
    print(f"Median navigation in the app → card drawn: {median['in_app']:.0f} ms")
    print(f"Median page load → card drawn: {median['load_rendered']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
