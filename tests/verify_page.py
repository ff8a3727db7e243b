"""verify.html driven in Debian's Chromium (Playwright): what the page says of each folder it is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devkit.screenshot import CHROMIUM, CHROMIUM_ARGS


def check_in_chromium(runs: list[tuple[Path, str]]) -> list[dict[str, Any]]:
    """Open each folder's verify.html, give it the folder's files (and a fingerprint), press Check."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for folder, fingerprint in runs:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.goto((folder / "verify.html").as_uri())
            page.set_input_files("#loose", sorted(str(p) for p in folder.iterdir()))
            page.fill("#fingerprint", fingerprint)
            page.click("#check")
            page.wait_for_selector("#verdict:not([hidden])", timeout=30_000)
            results.append(
                {
                    "verdict": page.inner_text("#verdict"),
                    "failures": int(page.get_attribute("#verdict", "data-failures") or "-1"),
                    "failed": page.locator("li.fail").all_inner_texts(),
                    "passed": page.locator("li.pass").all_inner_texts(),
                    "facts": page.inner_text("#facts"),
                    "elsewhere": [u for u in requests if not u.startswith("file://")],
                }
            )
            page.close()
        browser.close()
    return results
