"""Take the README's screenshot: a running `scripts/develop` Home Assistant, seen by headless Chromium.

Usage: python -m devkit.screenshot [--url http://127.0.0.1:8123] [--path /config/integrations/...] OUT.png
Logs in through the login page with the development owner and captures the page, driven by Playwright
(the Python package) with Debian's chromium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from devkit.develop import OWNER_PASSWORD, OWNER_USERNAME

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def login(
    page: object, base_url: str, username: str = OWNER_USERNAME, password: str = OWNER_PASSWORD
) -> None:
    """Log in through Home Assistant's login page."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(base_url.rstrip("/") + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/" not in url, timeout=60_000)
    # The frontend trades the code for tokens and keeps them ("Keep me logged in"); later pages reuse them.
    page.wait_for_function("localStorage.getItem('hassTokens') !== null", timeout=60_000)


def capture(url: str, path: str, out: Path, *, width: int, height: int, settle: float) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            login(page, url)
            page.goto(url.rstrip("/") + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(settle * 1000)
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--path", default="/config/integrations/integration/doorbell_vault")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--settle", type=float, default=3)
    args = parser.parse_args()
    capture(args.url, args.path, args.out, width=args.width, height=args.height, settle=args.settle)


if __name__ == "__main__":
    main()
