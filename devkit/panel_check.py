"""The Footage requests panel in real Chromium against a real `hass` with two simulated cameras recording.

`python -m devkit.panel_check --config DIR --port N --shots DIR [--in-namespace]` runs what
tests/test_panel_e2e.py asserts (it runs this inside a network namespace of its own) and prints one JSON
report as its last line. Playwright (the Python package) drives Debian's chromium; nothing is downloaded.

The owner logs in through the login page, opens the panel from the sidebar, sees a request sent through
the signed webhook arrive without a reload, plays a camera's window, unticks the porch camera, narrows the
window, shares, reads the link once, downloads it with a plain HTTP client, sees the download in the log,
revokes; declines a second request always for its agency; a third request from that agency ends by itself.
Then the dashboard card: the owner's dashboard is made through Home Assistant's own Lovelace API with the
Footage requests card; a webhook request appears on it live and is declined from it (confirmed in its
dialog); a household member (a user who is not an administrator, made through the auth API) sees the card
without a button.
Privacy masks and a redacted share (devkit/masks_check.py): masks drawn and saved, a request previewed and
shared redacted, its package checked with verify_package.py.
Screenshots of the inbox, a request and a share, at desktop size and at 390x844, of the mask editor and the
share's redaction choice, and of the card at 390x844, go to --shots.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import io
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devkit.develop import (
    OWNER_PASSWORD,
    OWNER_USERNAME,
    PORCH_NAME,
    Api,
    _ws_call,
    prepare_namespace,
    running,
)
from devkit.masks_check import masks_story
from devkit.screenshot import CHROMIUM, CHROMIUM_ARGS, login

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SECRET = "Kq7vR2xW9mB4tY8nL3pZ6cF1hJ5sD0gA-panel-check"  # 128 bits and more: a strong shared secret
AGENCY = "Springfield PD"
OTHER_AGENCY = "Shelbyville Sheriff"
TRIM_SECONDS = 4  # the owner narrows the asked window by this much at each end
DASHBOARD = "dashboard-doorbell"  # the dashboard the owner makes for the card (a URL path needs a hyphen)
CARD = "doorbell-vault-requests-card"
LAUNCHED = "!document.getElementById('ha-launch-screen')"  # Home Assistant's launch screen has faded out
MEMBER_USERNAME = "household"
MEMBER_PASSWORD = "household-member-password"  # a throwaway user of the check's own hass
PLAYED_SECONDS = 1.0  # the player must play this much footage
# The player plays one segment file at a time, so the <video>'s currentTime starts again at each join
# (and jumps where the player seeks): add up how far it advanced while playing, from its timeupdate
# events, starting afresh after each seek or new file, until PLAYED_SECONDS (or a media error, or a
# generous timeout). Resolves v.__played: {advanced, files, error, timed_out}.
WATCH_PLAYBACK = """(v, seconds) => { v.__played = new Promise(resolve => {
  let advanced = 0, last = null; const files = new Set();
  const events = {timeupdate: () => {
    if (last !== null && !v.paused && !v.seeking && v.currentTime > last) advanced += v.currentTime - last;
    last = v.seeking ? null : v.currentTime;
    if (v.currentSrc) files.add(v.currentSrc.split('?')[0]);
    if (advanced >= seconds) done({});
  }, seeking: () => { last = null; }, emptied: () => { last = null; },
     error: () => done({error: v.error && v.error.code})};
  const done = (extra) => {
    clearTimeout(timer);
    for (const [name, listener] of Object.entries(events)) v.removeEventListener(name, listener);
    resolve({advanced, files: files.size, error: null, timed_out: false, ...extra});
  };
  const timer = setTimeout(() => done({timed_out: true}), 30000);
  for (const [name, listener] of Object.entries(events)) v.addEventListener(name, listener);
}); }"""


def wait(what: str, condition: Callable[[], Any], timeout: float = 30, step: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(step)


def _shown(flow: dict[str, Any]) -> dict[str, Any]:
    """What a form shows filled in (its suggested values, else the defaults), as an owner submits it."""
    from custom_components.doorbell_vault.const import DEFAULT_OPTIONS

    values = {}
    for field in flow["data_schema"]:
        value = (field.get("description") or {}).get("suggested_value", field.get("default"))
        if value is None:
            value = DEFAULT_OPTIONS.get(field["name"])
        if value is not None:
            values[field["name"]] = value
    return values


def set_secret(api: Api, entry_id: str) -> str:
    """The owner sets the webhook's shared secret in the options flow; returns the webhook's path."""
    base = "/api/config/config_entries/options/flow"
    flow = api.request("POST", base, {"handler": entry_id})
    webhook_path = ""
    for _ in range(10):
        if flow["type"] != "form":
            break
        if flow.get("errors"):
            raise RuntimeError(f"options step {flow['step_id']} refused: {flow['errors']}")
        answer = _shown(flow)
        if flow["step_id"] == "requests":
            webhook_path = flow["description_placeholders"]["webhook_path"]
            answer["webhook_secret"] = SECRET
        flow = api.request("POST", f"{base}/{flow['flow_id']}", answer)
    assert flow["type"] == "create_entry", flow
    assert webhook_path, "the options flow had no requests step"
    return webhook_path


def send_request(api: Api, webhook_path: str, agency: str, start: datetime, end: datetime) -> str:
    """A request through the signed webhook, as an agency's system sends it."""
    config = api.request("GET", "/api/config")
    body = json.dumps(
        {
            "agency": agency,
            "case_number": f"2026-{int(time.time()) % 10000:04d}",
            "legal_basis": "warrant",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "requester_name": "Det. Smith",
            "requester_email": "smith@agency.example",
            "reason": "A parcel was taken from a porch on this street.",
            # An area 120 m from home, 300 m across: it holds the home.
            "latitude": config["latitude"] + 0.001,
            "longitude": config["longitude"],
            "radius_m": 300,
        }
    ).encode()
    # Signed as an agency's system signs: v1 over timestamp, a fresh nonce and the raw body.
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    signed = f"v1:{timestamp}:{nonce}:".encode() + body
    digest = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        api.base_url + webhook_path,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Doorbell-Vault-Timestamp": timestamp,
            "X-Doorbell-Vault-Nonce": nonce,
            "X-Doorbell-Vault-Signature": f"v1={digest}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    request_id: str = answer["request_id"]
    return request_id


def recording_since(api: Api, cameras: int) -> bool:
    states = api.request("GET", "/api/states")
    on = [
        s
        for s in states
        if s["entity_id"].startswith("binary_sensor.simulated_") and s["entity_id"].endswith("_recording")
    ]
    return len([s for s in on if s["state"] == "on"]) >= cameras


def ffprobe_duration(data: bytes) -> float:
    with tempfile.NamedTemporaryFile(suffix=".mp4") as clip:
        clip.write(data)
        clip.flush()
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", clip.name],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    return float(json.loads(result.stdout)["format"]["duration"])


def top(page: Any) -> None:
    """Scroll the panel back to its header before a screenshot."""
    page.locator("doorbell-vault-panel header.toolbar").evaluate("e => e.scrollIntoView({block: 'start'})")


def scenario(api: Api, shots: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    report: dict[str, Any] = {}
    entry = api.entries()[0]
    webhook_path = set_secret(api, entry["entry_id"])
    wait("the entry to reload", lambda: api.entries()[0]["state"] == "loaded", 60)
    wait("both cameras to record", lambda: recording_since(api, 2), 90, 1)
    # Three 10 s segments on each camera, then a window over them (its start may precede the first).
    first_segment = datetime.now(UTC)
    time.sleep(22)
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)
    start = end - timedelta(seconds=30)

    # The owner's own address for links (a share's link is built from it).
    asyncio.run(_ws_call(api, {"type": "config/core/update", "internal_url": api.base_url}))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Amsterdam")
        page = context.new_page()
        try:
            story(api, page, browser, context, webhook_path, (start, end), shots, report)
            report["masks"] = masks_story(
                api, page, ws, lambda: send_request(api, webhook_path, AGENCY, start, end), shots
            )
            report["card"] = card_story(api, browser, context, webhook_path, (start, end), shots)
        except Exception:
            page.screenshot(path=str(shots / "failure.png"))
            raise
        finally:
            browser.close()
    report["recording_started"] = first_segment.isoformat()
    return report


def story(
    api: Api,
    page: Any,
    browser: Any,
    context: Any,
    webhook_path: str,
    window: tuple[datetime, datetime],
    shots: Path,
    report: dict[str, Any],
) -> None:
    from playwright.sync_api import expect

    start, end = window
    media_errors: list[str] = []
    page.on("console", lambda m: media_errors.append(m.text) if m.type == "error" else None)

    # Log in through the login page.
    login(page, api.base_url, OWNER_USERNAME, OWNER_PASSWORD)

    # Open the panel from the sidebar.
    page.locator("ha-sidebar").get_by_text("Footage requests").click()
    page.wait_for_url("**/doorbell-vault", timeout=30_000)
    expect(page.locator("dv-inbox .filters")).to_be_visible(timeout=30_000)
    report["panel_opened_from_sidebar"] = True
    page.evaluate("window.__no_reload = true")

    # A request through the signed webhook appears without a reload.
    first = send_request(api, webhook_path, AGENCY, start, end)
    row = page.locator(f'dv-inbox a[data-request-id="{first}"]')
    expect(row).to_be_visible(timeout=15_000)
    report["live_without_reload"] = page.evaluate("window.__no_reload === true")
    report["inbox_row_status"] = row.locator(".badge.status-pending").inner_text()
    report["inbox_time_left"] = "left" in row.locator(".deadline").inner_text()
    badge = row.locator(".badge[data-verified]")
    report["inbox_verified_badge"] = [badge.get_attribute("data-verified"), badge.inner_text()]
    page.screenshot(path=str(shots / "panel-inbox.png"))

    # Open it: every camera's player over the window; play the doorbell's.
    row.click()
    page.wait_for_url(f"**/doorbell-vault/request/{first}")
    view = page.locator("dv-request-view")
    expect(view.locator(".summary .agency")).to_have_text(AGENCY, timeout=15_000)
    report["window_utc_title"] = view.locator("dd.window").get_attribute("title")
    report["area_text"] = view.locator("dd.area").inner_text()
    report["cameras"] = view.locator("section.camera h3").all_inner_texts()
    doorbell = view.locator("section.camera").filter(has_text="Simulated doorbell")
    video = doorbell.locator("dv-player video")
    expect(video).to_be_attached(timeout=15_000)
    video.evaluate(WATCH_PLAYBACK, PLAYED_SECONDS)
    doorbell.locator("dv-player button.play").click()
    played = video.evaluate("v => v.__played")
    report["video_advanced"] = played["advanced"] >= PLAYED_SECONDS
    report["video_played"] = played
    report["video_error"] = video.evaluate("v => v.error && v.error.code")
    report["player_error_shown"] = doorbell.locator(".media-error").count()
    report["gaps_drawn"] = doorbell.locator(".track .gap").count()
    doorbell.locator("dv-player button.play").click()  # pause

    # Untick the porch, narrow the window by TRIM_SECONDS at each end, preview.
    porch = view.locator("section.camera").filter(has_text=PORCH_NAME)
    porch.locator('input[name="camera"]').uncheck()
    span = int((end - start).total_seconds())
    for name, value in (("trim-start", TRIM_SECONDS), ("trim-end", span - TRIM_SECONDS)):
        view.locator(f'input[name="{name}"]').evaluate(
            "(input, value) => { input.value = String(value);"
            " input.dispatchEvent(new Event('input', {bubbles: true})); }",
            value,
        )
    preview = view.locator("table.preview-files tbody tr")
    expect(preview).to_have_count(1, timeout=10_000)
    report["preview_files"] = preview.all_inner_texts()
    top(page)
    page.screenshot(path=str(shots / "panel-request.png"))

    # Share: the link is shown once.
    view.locator("button.share").click()
    link_field = view.locator("input.share-url")
    expect(link_field).to_be_visible(timeout=120_000)
    link = link_field.input_value()
    report["share_status"] = view.locator(".summary .status").get_attribute("data-status")
    expect(view.locator("button.revoke")).to_be_visible()

    # A plain HTTP client downloads it: only the doorbell, only the narrowed window.
    # The link opens a page; its Download button POSTs to the same address for the zip.
    with urllib.request.urlopen(
        urllib.request.Request(link, data=b"", method="POST"), timeout=120
    ) as response:
        package = response.read()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        clips = [f["name"] for f in manifest["files"]]
        report["package_names"] = sorted(names)
        report["package_clips"] = clips
        report["package_cameras"] = [f.get("camera") for f in manifest["files"]]
        report["package_window"] = manifest["window"]
        report["package_fingerprint"] = manifest["signature"]["fingerprint"]
        report["clip_seconds"] = [ffprobe_duration(archive.read(name)) for name in clips]
    report["asked_window"] = {"start": start.isoformat(), "end": end.isoformat()}

    # The download appears in the log, live.
    log = view.locator("table.download-log tbody tr")
    expect(log).to_have_count(1, timeout=15_000)
    report["download_log"] = log.first.inner_text()
    report["download_count"] = view.locator("dd.download-count").inner_text()
    view.locator("section.shared").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(shots / "panel-share.png"))

    # The same screens at phone width (390x844): one column, nothing wider than the screen.
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        storage_state=context.storage_state(), locale="en-GB", timezone_id="Europe/Amsterdam",
    )  # fmt: skip
    mobile = phone.new_page()
    report["phone"] = phone_screens(mobile, api.base_url, first, shots)
    phone.close()

    # Revoke.
    view.locator("button.revoke").click()
    view.locator("button.revoke-confirm").click()
    expect(view.locator(".summary .status")).to_have_attribute("data-status", "revoked", timeout=15_000)
    report["revoked_reason"] = view.locator("dd.share-ended").inner_text()

    # The link was shown once: back in the request later, it is gone.
    page.reload()
    expect(view.locator(".summary .agency")).to_have_text(AGENCY, timeout=15_000)
    report["link_shown_again"] = view.locator("input.share-url").count()
    report["link_in_page_html"] = link in page.content()

    # A second request: declined with a message, and its agency always declined from now on.
    page.locator("dv-request-view a.back").click()
    second = send_request(api, webhook_path, OTHER_AGENCY, start, end)
    row = page.locator(f'dv-inbox a[data-request-id="{second}"]')
    expect(row).to_be_visible(timeout=15_000)
    row.click()
    expect(view.locator(".summary .agency")).to_have_text(OTHER_AGENCY, timeout=15_000)
    view.locator('textarea[name="decline-message"]').fill("We keep no footage of the street.")
    view.locator("button.decline-always").click()
    expect(view.locator(".summary .status")).to_have_attribute("data-status", "declined", timeout=15_000)
    report["declined_message"] = view.locator("dd.message").inner_text()

    # A third request from that agency is declined by the policy, without anyone.
    page.locator("dv-request-view a.back").click()
    wait("the entry to reload with the block list", lambda: api.entries()[0]["state"] == "loaded", 30)
    third = send_request(api, webhook_path, OTHER_AGENCY, start, end)
    row = page.locator(f'dv-inbox a[data-request-id="{third}"]')
    expect(row).to_be_visible(timeout=15_000)
    report["third_status"] = row.locator(".badge").first.inner_text()
    row.click()
    expect(view.locator("li[data-problem]")).to_have_count(1, timeout=15_000)
    report["third_problems"] = view.locator("li[data-problem]").evaluate_all(
        "items => items.map(i => i.dataset.problem)"
    )
    report["third_status_badge"] = view.locator(".summary .status").get_attribute("data-status")
    report["console_errors"] = [e for e in media_errors if "doorbell" in e.lower() or "media" in e.lower()]

    # Audit: the chain checks out, and exports as a download.
    page.locator("doorbell-vault-panel nav.tabs a").filter(has_text="Audit").click()
    audit = page.locator("dv-audit-view")
    key = audit.locator("section.key")
    expect(key).to_have_attribute("data-loaded", "true", timeout=15_000)
    report["fingerprint_shown"] = {
        "hex": key.locator(".fingerprint-hex").inner_text(),
        "words": key.locator(".fingerprint-words").inner_text(),
        "text": key.inner_text(),
    }
    audit.locator("button.verify").click()
    expect(audit.locator(".result")).to_have_attribute("data-ok", "true", timeout=15_000)
    report["audit_result"] = audit.locator(".result").inner_text()
    with page.expect_download(timeout=15_000) as exported:
        audit.locator("button.export").click()
    report["audit_export_name"] = exported.value.suggested_filename
    report["audit_export_lines"] = len(Path(exported.value.path()).read_text().splitlines())

    # Transparency: the report's charts, and its Markdown download.
    page.locator("doorbell-vault-panel nav.tabs a").filter(has_text="Transparency").click()
    transparency = page.locator("dv-transparency-view")
    expect(transparency.locator("svg.months rect").first).to_be_attached(timeout=15_000)
    report["transparency_bars"] = transparency.locator("ul.bars li").count()
    report["transparency_month_rects"] = transparency.locator("svg.months rect").count()
    with page.expect_download(timeout=15_000) as markdown:
        transparency.get_by_role("button", name="Download Markdown").click()
    report["report_markdown_name"] = markdown.value.suggested_filename
    top(page)
    page.screenshot(path=str(shots / "panel-transparency.png"))

    # The README's first screenshot: the integration's page.
    page.goto(api.base_url + "/config/integrations/integration/doorbell_vault")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "screenshot.png"))


def ws(api: Api, message: dict[str, Any]) -> Any:
    """One websocket command, from a thread of its own (Playwright's sync API runs an event loop here)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _ws_call(api, message)).result()


def make_dashboard(api: Api) -> None:
    """A dashboard with the card, through Home Assistant's own Lovelace websocket API."""
    dashboard = {"url_path": DASHBOARD, "title": "Doorbell", "mode": "storage", "require_admin": False}
    ws(api, {"type": "lovelace/dashboards/create", **dashboard, "show_in_sidebar": True})
    view = {"title": "Doorbell", "path": "home", "cards": [{"type": f"custom:{CARD}"}]}
    ws(api, {"type": "lovelace/config/save", "url_path": DASHBOARD, "config": {"views": [view]}})


def make_member(api: Api) -> None:
    """A household member: a user who is not an administrator, with a login of their own."""
    user = ws(api, {"type": "config/auth/create", "name": "Household", "group_ids": ["system-users"]})["user"]
    login = {"user_id": user["id"], "username": MEMBER_USERNAME, "password": MEMBER_PASSWORD}
    ws(api, {"type": "config/auth_provider/homeassistant/create", **login})


def card_story(
    api: Api, browser: Any, context: Any, webhook_path: str, window: tuple[datetime, datetime], shots: Path
) -> dict[str, Any]:
    """The dashboard card at phone width: live, Decline from the card, read-only for a household member."""
    from playwright.sync_api import expect

    found: dict[str, Any] = {}
    make_dashboard(api)
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        storage_state=context.storage_state(), locale="en-GB", timezone_id="Europe/Amsterdam",
    )  # fmt: skip
    page = phone.new_page()
    page.goto(f"{api.base_url}/{DASHBOARD}/home")
    card = page.locator(CARD)
    expect(card.locator("header h2")).to_have_text("Footage requests", timeout=30_000)
    page.wait_for_function(LAUNCHED, timeout=30_000)
    page.evaluate("window.__no_reload = true")
    request_id = send_request(api, webhook_path, AGENCY, *window)
    row = card.locator(f'li.request[data-request-id="{request_id}"]')
    expect(row).to_be_visible(timeout=15_000)
    found["live_without_reload"] = page.evaluate("window.__no_reload === true")
    found["row_text"] = row.inner_text()
    found["row_verified"] = row.locator(".badge[data-verified]").get_attribute("data-verified")
    found["buttons"] = row.locator("button").all_inner_texts()
    found["overflow"] = page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
    page.screenshot(path=str(shots / "card-phone.png"))

    # Decline from the card: a dialog asks first; the keyboard reaches it (Cancel has the focus).
    row.locator("button.decline").click()
    dialog = card.locator("dialog[open]")
    expect(dialog).to_be_visible(timeout=5_000)
    found["dialog_text"] = dialog.inner_text()
    found["dialog_focus"] = card.evaluate("c => c.shadowRoot.activeElement?.className ?? null")
    page.screenshot(path=str(shots / "card-confirm-phone.png"))
    dialog.locator("button.confirm").click()
    decided = card.locator(f'li.decided[data-request-id="{request_id}"] .badge')
    expect(decided).to_have_attribute("data-status", "declined", timeout=15_000)
    found["declined_in_index"] = ws(api, {"type": "doorbell_vault/requests/get", "request_id": request_id})[
        "status"
    ]
    phone.close()

    # A household member sees the next request on the same dashboard, and no button.
    make_member(api)
    waiting = send_request(api, webhook_path, AGENCY, *window)
    member = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="en-GB", timezone_id="Europe/Amsterdam",
    )  # fmt: skip
    page = member.new_page()
    login(page, api.base_url, MEMBER_USERNAME, MEMBER_PASSWORD)
    page.goto(f"{api.base_url}/{DASHBOARD}/home")
    card = page.locator(CARD)
    expect(card.locator(f'li.request[data-request-id="{waiting}"]')).to_be_visible(timeout=30_000)
    page.wait_for_function(LAUNCHED, timeout=30_000)
    found["member_is_admin"] = page.evaluate("document.querySelector('home-assistant').hass.user.is_admin")
    found["member_buttons"] = card.locator("button").count()
    found["member_links"] = card.locator("a").count()
    found["member_note"] = card.locator(".read-only").inner_text()
    page.screenshot(path=str(shots / "card-household-phone.png"))
    member.close()
    return found


def phone_screens(page: Any, base_url: str, request_id: str, shots: Path) -> dict[str, Any]:
    from playwright.sync_api import expect

    found: dict[str, Any] = {}
    page.goto(f"{base_url}/doorbell-vault")
    expect(page.locator(f'dv-inbox a[data-request-id="{request_id}"]')).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / "panel-inbox-phone.png"))
    found["inbox_overflow"] = page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
    page.goto(f"{base_url}/doorbell-vault/request/{request_id}")
    view = page.locator("dv-request-view")
    expect(view.locator(".summary .agency")).to_be_visible(timeout=30_000)
    expect(view.locator("dv-player video").first).to_be_attached(timeout=15_000)
    top(page)
    page.screenshot(path=str(shots / "panel-request-phone.png"))
    player = view.locator("dv-player").first.bounding_box()
    found["player_width"] = round(player["width"]) if player else None
    shared = view.locator("section.shared")
    shared.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shots / "panel-share-phone.png"))
    revoke = view.locator("button.revoke").bounding_box()
    found["revoke_reachable"] = bool(
        revoke and revoke["x"] >= 0 and revoke["x"] + revoke["width"] <= PHONE["width"]
    )
    found["request_overflow"] = page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--shots", type=Path, required=True)
    parser.add_argument("--in-namespace", action="store_true")
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        print(f"{CHROMIUM} is missing (scripts/setup installs Debian's chromium)", file=sys.stderr)
        return 2
    if args.in_namespace:
        prepare_namespace()
    started = time.monotonic()
    with running(args.config, args.port, quiet=True, doorbell_port=8554, porch=True) as (
        api,
        _doorbell,
        _hass,
    ):
        report = scenario(api, args.shots)
    report["seconds"] = round(time.monotonic() - started)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
