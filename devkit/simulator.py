"""Start and stop the simulated doorbell (devkit/rtsp_server.py) from the project's own Python.

Shared by `scripts/simulate-doorbell`, `scripts/develop` and the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
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
    epochs: list[float] = field(default_factory=list)
    # The threads reading its output: joined when it stops (Home Assistant's test harness counts threads).
    readers: list[threading.Thread] = field(default_factory=list)

    def epoch(self, timeout: float = 20) -> float:
        """Wall-clock time of the stream's running time 0 (known once a client made the media play)."""
        deadline = time.monotonic() + timeout
        while not self.epochs:
            if time.monotonic() > deadline:
                raise TimeoutError("the simulated doorbell's media never played")
            time.sleep(0.05)
        return self.epochs[-1]

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
        for reader in self.readers:
            reader.join(5)

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
    codec: str = "h264",
    bframes: int = 0,
    gop_seconds: float = 2.0,
    cheap: bool = False,
    pattern: str = "ball",
    ntp_offset: float = 0,
    rtcp: bool = True,
    username: str | None = None,
    password: str | None = None,
    tls_cert: Path | str | None = None,
    tls_key: Path | str | None = None,
    overlays: Sequence[tuple[int, int, Path]] = (),
    timeout: float = 60,
) -> SimulatedDoorbell:
    """Start a simulated doorbell and return once it listens (port 0 picks a free port).

    `cheap` serves a pre-encoded loop (encoded once per setting, then cached) without encoding;
    `ntp_offset` puts the camera's clock (as its RTCP sender reports tell it) that many seconds off;
    `rtcp=False` sends no RTCP at all.
    `tls_cert` and `tls_key` (PEM files) serve RTSPS: the URL is then `rtsps://`.
    `overlays`: images (PNG) drawn over the picture at (x, y), e.g. a face for the redaction tests.
    """
    args = [SYSTEM_PYTHON, str(SERVER), "--port", str(port), "--path", path]
    args += ["--width", str(width), "--height", str(height), "--fps", str(fps)]
    args += ["--bitrate", str(bitrate), "--audio", audio, "--codec", codec, "--bframes", str(bframes)]
    args += ["--gop-seconds", str(gop_seconds), "--pattern", pattern]
    if cheap:
        args.append("--cheap")
    if ntp_offset:
        args += ["--ntp-offset", str(ntp_offset)]
    if not rtcp:
        args.append("--no-rtcp")
    if username and password:
        args += ["--username", username, "--password", password]
    if tls_cert and tls_key:
        args += ["--tls-cert", str(tls_cert), "--tls-key", str(tls_key)]
    for x, y, image in overlays:
        args += ["--overlay", f"{x},{y},{image}"]
    # Keep the virtual environment's interpreter settings away from Debian's Python.
    env = _environment()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    tail: deque[str] = deque(maxlen=50)
    assert process.stderr is not None
    assert process.stdout is not None
    stderr = process.stderr

    def drain() -> None:
        for line in stderr:
            tail.append(line.rstrip())

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()

    ready: list[str] = []
    reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not ready or not ready[0].strip():
        process.kill()
        process.wait()
        raise RuntimeError("simulated doorbell did not start: " + " | ".join(tail))
    info = json.loads(ready[0])
    doorbell = SimulatedDoorbell(process, info["url"], info["port"], username, password, tail)
    stdout = process.stdout

    def follow() -> None:
        for line in stdout:
            with contextlib.suppress(ValueError, KeyError):
                doorbell.epochs.append(float(json.loads(line)["epoch"]))

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    doorbell.readers += [drainer, follower]
    return doorbell


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV")}


def write_clip(
    target: Path,
    *,
    seconds: float,
    width: int = 1920,
    height: int = 1080,
    fps: int = 25,
    bitrate: int = 6000,
    audio: str = "aac",
    pattern: str = "ball",
    overlays: Sequence[tuple[int, int, Path]] = (),
    overlay_speed: float = 0,
    timeout: float = 600,
) -> None:
    """Write `seconds` of the camera's own encoding (picture, overlays, encoder as served) to an MP4.

    `overlay_speed`: the overlays move right by that many pixels a second.
    """
    args = [SYSTEM_PYTHON, str(SERVER), "--write-clip", str(target), "--clip-seconds", str(seconds)]
    args += ["--width", str(width), "--height", str(height), "--fps", str(fps), "--bitrate", str(bitrate)]
    args += ["--audio", audio, "--pattern", pattern]
    for x, y, image in overlays:
        args += ["--overlay", f"{x},{y},{image}"]
    if overlay_speed:
        args += ["--overlay-speed", str(overlay_speed)]
    subprocess.run(args, check=True, capture_output=True, timeout=timeout, env=_environment())


def main() -> int:
    """`scripts/simulate-doorbell`: serve until Ctrl-C."""
    os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, str(SERVER), *sys.argv[1:]])  # noqa: S606


if __name__ == "__main__":
    sys.exit(main())
