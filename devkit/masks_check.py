"""Privacy masks and a redacted share in the panel, in real Chromium: part of devkit/panel_check.py's story
(the same hass, cameras and browser; tests/test_panel_e2e.py asserts what it reports).

The owner opens the Privacy masks tab, picks the porch camera (its test card shows what is hidden), drags a
rectangle (blur) over its still, clicks a polygon's corners (black), adds a rectangle from the keyboard and
moves it with the arrows, keeps it clear of the face detector, makes masks the camera's standing choice and
saves. Then a new request: only the porch, "Masks applied" for this share, a box drawn by hand, Preview (the
original and the redacted render play side by side), Share; the package is downloaded as the agency would and
checked with the verify_package.py it carries, pinned to the fingerprint the owner gives the agency.
Screenshots of the mask editor (panel-masks.png) and of the share's redaction choice with its preview
(panel-redaction.png).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOORBELL = "Simulated doorbell"
PORCH = "Simulated porch"
# The regions drawn, in fractions of the still: a rectangle dragged, a polygon clicked corner by corner.
RECTANGLE = ((0.06, 0.08), (0.34, 0.46))
POLYGON = ((0.62, 0.12), (0.92, 0.16), (0.88, 0.52), (0.64, 0.44))
BOX = ((0.40, 0.60), (0.56, 0.90))  # drawn by hand for the one share
# Resolves v.__ready: the video has a frame to show ({ready, error, width, duration}), or its media error.
VIDEO_READY = """v => new Promise(resolve => {
  const done = () => resolve({ready: v.readyState >= 2, error: v.error && v.error.code,
                             width: v.videoWidth, duration: v.duration});
  if (v.readyState >= 2 || v.error) return done();
  v.addEventListener('loadeddata', done, {once: true});
  v.addEventListener('error', done, {once: true});
  setTimeout(done, 30000);
})"""
# Resolves how far the video played once it advanced a second (or after 20 s).
PLAYED = """v => new Promise(resolve => {
  const start = v.currentTime;
  const done = () => { clearInterval(timer); resolve(v.currentTime - start); };
  const timer = setInterval(() => { if (v.currentTime - start >= 1) done(); }, 100);
  setTimeout(done, 20000);
})"""
# Resolves whether the still shows a picture (waits for it to load).
STILL_LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
  img.addEventListener('load', () => resolve(img.naturalWidth > 0), {once: true});
  img.addEventListener('error', () => resolve(false), {once: true});
})"""


def _drag(page: Any, surface: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    surface.evaluate("e => e.scrollIntoView({block: 'center'})")  # the mouse reaches only what is shown
    box = surface.bounding_box()

    def at(f: tuple[float, float]) -> tuple[float, float]:
        return box["x"] + f[0] * box["width"], box["y"] + f[1] * box["height"]

    page.mouse.move(*at(a))
    page.mouse.down()
    page.mouse.move(*at(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)), steps=4)
    page.mouse.move(*at(b), steps=4)
    page.mouse.up()


def _click_corners(page: Any, surface: Any, corners: tuple[tuple[float, float], ...]) -> None:
    surface.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = surface.bounding_box()
    for x, y in (*corners, corners[0]):  # the first corner again closes the polygon
        page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])


def draw_masks(page: Any, base_url: str, shots: Path) -> dict[str, Any]:
    """The Privacy masks tab: draw, keep one region clear, set the standing choice, save."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/doorbell-vault")
    expect(page.locator("dv-inbox .filters")).to_be_visible(timeout=30_000)
    found: dict[str, Any] = {}
    page.locator("doorbell-vault-panel nav.tabs a").filter(has_text="Privacy masks").click()
    page.wait_for_url("**/doorbell-vault/masks**", timeout=15_000)
    view = page.locator("dv-masks-view")
    view.locator("nav.cameras a").filter(has_text=PORCH).click()
    editor = view.locator("dv-masks-editor")
    expect(editor.locator("h2")).to_contain_text(PORCH, timeout=15_000)
    found["camera_id"] = editor.locator("section.masks-editor").get_attribute("data-camera")
    still = editor.locator("dv-region-canvas img")
    expect(still).to_be_attached(timeout=15_000)
    found["still"] = bool(still.evaluate(STILL_LOADED))
    found["still_url"] = (still.get_attribute("src") or "").split("?")[0]
    surface = editor.locator("dv-region-canvas svg")
    _drag(page, surface, *RECTANGLE)
    editor.locator("button.tool-polygon").click()
    _click_corners(page, surface, POLYGON)
    rows = editor.locator("ol.regions li")
    expect(rows).to_have_count(2, timeout=5_000)
    rows.nth(1).locator('select[name="action"]').select_option("black")
    # From the keyboard: a rectangle in the middle, moved down twice and widened once, kept clear.
    editor.locator("button.add-rect").click()
    for key in ("ArrowDown", "ArrowDown", "Shift+ArrowRight"):
        page.keyboard.press(key)
    rows.nth(2).locator('input[name="keep-clear"]').check()
    editor.locator('input[name="standing"][value="masks"]').check()
    found["faces_disabled"] = editor.locator('input[name="standing"][value="masks_faces"]').is_disabled()
    found["detector_text"] = editor.locator(".detector").inner_text()
    found["drawn"] = editor.locator("dv-region-canvas polygon.region").evaluate_all(
        "ps => ps.map(p => p.getAttribute('class'))"
    )
    page.locator("doorbell-vault-panel header.toolbar").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shots / "panel-masks.png"))
    editor.locator("button.save").click()
    expect(editor.locator(".saved")).to_be_visible(timeout=15_000)
    found["save_error"] = editor.locator(".save-error").count()
    return found


def redacted_share(page: Any, request_id: str, shots: Path) -> dict[str, Any]:
    """A request shared with masks and a box drawn by hand, after a side-by-side preview."""
    from playwright.sync_api import expect

    found: dict[str, Any] = {}
    page.locator("doorbell-vault-panel nav.tabs a").filter(has_text="Inbox").click()
    row = page.locator(f'dv-inbox a[data-request-id="{request_id}"]')
    expect(row).to_be_visible(timeout=15_000)
    row.click()
    view = page.locator("dv-request-view")
    expect(view.locator(".summary .agency")).to_be_visible(timeout=15_000)
    view.locator("section.camera").filter(has_text=DOORBELL).locator('input[name="camera"]').uncheck()
    choice = view.locator("dv-redaction-choice")
    expect(choice.locator(".standing-summary")).to_contain_text(f"{PORCH}: masks", timeout=15_000)
    choice.locator('input[name="redaction"][value="masks"]').check()
    surface = choice.locator("dv-region-canvas svg")
    expect(choice.locator("dv-region-canvas polygon.region.blur")).to_have_count(1)  # the saved mask shows
    _drag(page, surface, *BOX)
    expect(choice.locator("dv-region-canvas polygon.region.box")).to_have_count(1)
    found["package_badge"] = view.locator("table.preview-files .badge.redacted").first.get_attribute(
        "data-redaction", timeout=15_000
    )

    # Preview: the original and its redacted render, side by side; both load a frame.
    choice.locator("button.redaction-preview").click()
    videos = choice.locator(".side-by-side video")
    expect(videos).to_have_count(2, timeout=60_000)
    found["preview_videos"] = [videos.nth(n).evaluate(VIDEO_READY) for n in range(2)]
    found["preview_sources"] = [
        (videos.nth(n).get_attribute("class"), (videos.nth(n).get_attribute("src") or "").split("?")[0])
        for n in range(2)
    ]
    found["preview_note"] = choice.locator(".preview-note").inner_text()
    # Play both: they advance together (the original from the window's start, as the render).
    choice.locator("button.play-both").click()
    found["played"] = [videos.nth(n).evaluate(PLAYED) for n in range(2)]
    choice.locator("button.play-both").click()  # pause
    choice.locator("fieldset.redaction").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shots / "panel-redaction.png"))

    # Share: the build's progress shows while the clip is redacted, then the link, once.
    progress: list[str] = []
    view.locator("button.share").click()
    link_field = view.locator("input.share-url")
    for _ in range(240):
        if link_field.count():
            break
        shown = view.locator(".progress[data-progress]")
        if shown.count():
            text = shown.first.get_attribute("data-progress") or ""
            if text and text not in progress:
                progress.append(text)
        page.wait_for_timeout(250)
    expect(link_field).to_be_visible(timeout=120_000)
    found["progress_seen"] = progress
    found["link"] = link_field.input_value()
    expect(view.locator(".summary .status")).to_have_attribute("data-status", "shared", timeout=60_000)
    found["status"] = view.locator(".summary .status").get_attribute("data-status")
    return found


def check_package(link: str, fingerprint: str) -> dict[str, Any]:
    """Download the package as the agency does and run the verify_package.py inside it."""
    found: dict[str, Any] = {}
    with urllib.request.urlopen(urllib.request.Request(link, data=b"", method="POST"), timeout=120) as answer:
        package = answer.read()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        verifier = archive.read("verify_package.py")
    found["names"] = names
    found["files"] = [
        {k: f.get(k) for k in ("name", "camera", "redacted")} for f in manifest.get("files", [])
    ]
    found["decision_redaction"] = manifest.get("decision", {}).get("redaction")
    with tempfile.TemporaryDirectory() as folder:
        zipped = Path(folder) / "package.zip"
        zipped.write_bytes(package)
        (Path(folder) / "verify_package.py").write_bytes(verifier)
        result = subprocess.run(
            [sys.executable, "verify_package.py", str(zipped), "--fingerprint", fingerprint],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    found["verify_exit"] = result.returncode
    found["verify_output"] = (result.stdout + result.stderr)[-3000:]
    return found


def masks_story(
    api: Any,
    page: Any,
    ws: Callable[[Any, dict[str, Any]], Any],
    send: Callable[[], str],
    shots: Path,
) -> dict[str, Any]:
    """Draw masks, preview and share redacted, download and verify; `send()` sends a new request."""
    started = time.monotonic()
    report: dict[str, Any] = {"editor": draw_masks(page, api.base_url, shots)}
    camera_id = report["editor"]["camera_id"]
    stored = ws(api, {"type": "doorbell_vault/cameras/masks", "camera_id": camera_id})
    report["stored"], report["detector"] = stored["masks"], stored["detector"]
    request_id = send()
    report["share"] = redacted_share(page, request_id, shots)
    fingerprint = ws(api, {"type": "doorbell_vault/audit/fingerprint"})["fingerprint"]["hex"]
    report["package"] = check_package(report["share"].pop("link"), fingerprint)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report
