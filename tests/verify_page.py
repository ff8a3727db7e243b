"""A package checked as its recipient would: the shipped verify_package.py run by the system's own Python,
and verify.html driven in Debian's Chromium (Playwright), saying what it says of each folder it is given."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from devkit.screenshot import CHROMIUM, CHROMIUM_ARGS

SYSTEM_PYTHON = "/usr/bin/python3"


def run_verifier(folder: Path, *args: str, package: str = ".") -> subprocess.CompletedProcess[str]:
    """The recipient's side: the verifier shipped in the package, run by a plain Python, no Home Assistant."""
    return subprocess.run(
        [SYSTEM_PYTHON, "verify_package.py", package, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


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
