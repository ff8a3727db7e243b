"""Start and stop the simulated doorbell (devkit/rtsp_server.py) from the project's own Python.

Shared by `scripts/simulate-doorbell`, `scripts/develop` and the tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SERVER = Path(__file__).with_name("rtsp_server.py")
SYSTEM_PYTHON = os.environ.get("DOORBELL_VAULT_GI_PYTHON", "/usr/bin/python3")


@dataclass
class SimulatedDoorbell:
    """A running RTSP server; `url` carries no credentials, `authenticated_url` does."""

    process: subprocess.Popen[str]
    url: str
    port: int
    username: str | None = None
    password: str | None = None
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=50))

    @property
    def authenticated_url(self) -> str:
        if not self.username or not self.password:
            return self.url
        scheme, rest = self.url.split("://", 1)
        return f"{scheme}://{quote(self.username, safe='')}:{quote(self.password, safe='')}@{rest}"

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SimulatedDoorbell:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    *,
    port: int = 0,
    path: str = "/doorbell",
    width: int = 1280,
    height: int = 720,
    fps: int = 15,
    bitrate: int = 3000,
    audio: str = "aac",
    username: str | None = None,
    password: str | None = None,
    timeout: float = 20,
) -> SimulatedDoorbell:
    """Start a simulated doorbell and return once it listens (port 0 picks a free port)."""
    args = [SYSTEM_PYTHON, str(SERVER), "--port", str(port), "--path", path]
    args += ["--width", str(width), "--height", str(height), "--fps", str(fps)]
    args += ["--bitrate", str(bitrate), "--audio", audio]
    if username and password:
        args += ["--username", username, "--password", password]
    # Keep the virtual environment's interpreter settings away from Debian's Python.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV")}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    tail: deque[str] = deque(maxlen=50)
    assert process.stderr is not None
    assert process.stdout is not None
    stderr = process.stderr

    def drain() -> None:
        for line in stderr:
            tail.append(line.rstrip())

    threading.Thread(target=drain, daemon=True).start()

    ready: list[str] = []
    reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not ready or not ready[0].strip():
        process.kill()
        process.wait()
        raise RuntimeError("simulated doorbell did not start: " + " | ".join(tail))
    info = json.loads(ready[0])
    return SimulatedDoorbell(process, info["url"], info["port"], username, password, tail)


def main() -> int:
    """`scripts/simulate-doorbell`: serve until Ctrl-C."""
    os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, str(SERVER), *sys.argv[1:]])  # noqa: S606


if __name__ == "__main__":
    sys.exit(main())
