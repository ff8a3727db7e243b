"""Take the README's screenshot: a running `scripts/develop` Home Assistant, seen by headless Chromium.

Usage: python -m devkit.screenshot [--url http://127.0.0.1:8123] [--path /config/integrations/...] OUT.png
Logs in with the development owner, hands the tokens to the frontend and captures the page over the
Chrome DevTools protocol (Debian's chromium; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from devkit.develop import OWNER_PASSWORD, OWNER_USERNAME, Api

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


async def capture(url: str, path: str, out: Path, *, width: int, height: int, settle: float) -> None:
    api = Api(url)
    api.login(OWNER_USERNAME, OWNER_PASSWORD)
    token = api.tokens
    hass_tokens = {
        **token,
        "hassUrl": api.base_url,
        "clientId": api.client_id,
        "expires": int(time.time() * 1000) + token["expires_in"] * 1000,
    }
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        browser = subprocess.Popen(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert browser.stderr is not None
            ws_url = ""
            while not ws_url:
                line = browser.stderr.readline()
                if not line:
                    raise RuntimeError("chromium exited")
                if line.startswith("DevTools listening on "):
                    ws_url = line.split(" on ", 1)[1].strip()
            port = ws_url.split(":")[2].split("/")[0]
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                    pages = await resp.json()
                page = next(p for p in pages if p["type"] == "page")
                async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    counter = 0

                    async def call(method: str, **params: Any) -> Any:
                        nonlocal counter
                        counter += 1
                        await ws.send_json({"id": counter, "method": method, "params": params})
                        async for msg in ws:
                            data = json.loads(msg.data)
                            if data.get("id") == counter:
                                return data.get("result")
                        return None

                    await call("Page.enable")
                    await call("Page.navigate", url=f"{api.base_url}/")
                    await asyncio.sleep(2)
                    tokens_js = json.dumps(json.dumps(hass_tokens))
                    await call(
                        "Runtime.evaluate", expression=f"localStorage.setItem('hassTokens', {tokens_js})"
                    )
                    await call("Page.navigate", url=f"{api.base_url}{path}")
                    await asyncio.sleep(settle)
                    shot = await call("Page.captureScreenshot", format="png")
                    out.write_bytes(base64.b64decode(shot["data"]))
        finally:
            browser.terminate()
            browser.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--path", default="/config/integrations/integration/doorbell_vault")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--settle", type=float, default=8)
    args = parser.parse_args()
    asyncio.run(
        capture(args.url, args.path, args.out, width=args.width, height=args.height, settle=args.settle)
    )


if __name__ == "__main__":
    main()
