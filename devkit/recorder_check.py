"""The recorder's life cycle against a real `hass`: SIGKILL, restart, SIGTERM (see its e2e test).

`python -m devkit.recorder_check <folder>` prints one JSON report of what it saw; the test asserts it.
Real processes only: Home Assistant, two simulated cameras, their recorder processes (the report's
`ffmpeg_*` keys count those). Home Assistant runs without `setpriv` on its PATH (some containers lack it).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devkit import simulator
from devkit.develop import OWNER_PASSWORD, OWNER_USERNAME, Api, media_folder, prepare_config, start_hass, stop


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _recorders(storage: Path, hass: int | None = None) -> list[int]:
    """Process ids of every recorder process writing here: capture.py exec'd with its output here, or
    forked by the recorder server and working here (its command line is the server's), or an ffmpeg of an
    older version; with `hass`, that Home Assistant's recorder server (`--parent-pid`) too."""
    marker = f"{storage}/".encode()
    server = [b"--parent-pid", str(hass).encode()]
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            arguments = Path(entry.path, "cmdline").read_bytes().split(b"\0")
            state = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z":
            continue
        capture = any(a.endswith(b"/capture.py") for a in arguments[1:3])
        recorder = Path(arguments[0].decode()).name == "ffmpeg" or capture
        if capture and b"--serve" in arguments:
            with contextlib.suppress(OSError):
                folder = f"{Path(entry.path, 'cwd').readlink()}/".encode()
                if folder.startswith(marker) or any(
                    arguments[i : i + 2] == server for i in range(len(arguments))
                ):
                    found.append(int(entry.name))
            continue
        if recorder and any(a.startswith(marker) for a in arguments[1:]):
            found.append(int(entry.name))
    return found


def _indexed(storage: Path) -> dict[str, tuple[str, int]]:
    """path -> (camera, end) of every indexed segment."""
    with sqlite3.connect(f"file:{storage / 'doorbell_vault.db'}?mode=ro", uri=True) as db:
        return {
            path: (camera, end)
            for path, camera, end in db.execute("SELECT path, camera, end_us FROM segments")
        }


def _files(storage: Path) -> set[str]:
    """Every segment file outside `incoming/`."""
    return {
        str(p.relative_to(storage)) for p in storage.glob("*/*/*/*.mp4") if p.parent.parent.name != "incoming"
    }


def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.5)


def _recording(api: Api, names: tuple[str, ...]) -> bool:
    states = {s["entity_id"]: s["state"] for s in api.request("GET", "/api/states")}
    return all(states.get(f"binary_sensor.{name}_recording") == "on" for name in names)


def _path_without_setpriv(folder: Path) -> str:
    """A PATH of one folder holding every program of this one's but `setpriv` (links to them)."""
    folder.mkdir(exist_ok=True)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        with contextlib.suppress(OSError):
            for entry in os.scandir(directory or "."):
                target = folder / entry.name
                if entry.name != "setpriv" and not target.is_symlink() and os.access(entry.path, os.X_OK):
                    target.symlink_to(entry.path)
    return str(folder)


def _up(config: Path, port: int) -> tuple[subprocess.Popen[bytes], Api]:
    """Start `hass` and wait until its HTTP server answers (after onboarding, any answer counts)."""
    path = _path_without_setpriv(config.parent / "bin")
    hass = start_hass(config, quiet=True, env={**os.environ, "PATH": path})
    api = Api(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 240
    while True:
        if hass.poll() is not None:
            raise RuntimeError(f"hass exited with code {hass.returncode}")
        try:
            api.request("GET", "/api/", timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except urllib.error.URLError, ConnectionError, TimeoutError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return hass, api


def check(folder: Path) -> dict[str, Any]:
    """Record two cameras, SIGKILL `hass`, restart it, then stop it with SIGTERM; report what was seen."""
    config, port = folder / "config", _free_port()
    # The index in the configuration folder, the footage in the media folder beside it.
    state, storage = config / "doorbell_vault", media_folder(config) / "doorbell_vault"
    prepare_config(config, port)
    cameras = (
        simulator.start(cheap=True, fps=15, width=640, height=360, bitrate=800, audio="pcma"),
        simulator.start(cheap=True, codec="h265", fps=15, width=640, height=360, bitrate=800, audio="none"),
    )
    names = ("porch", "garage")
    report: dict[str, Any] = {}
    hass, api = _up(config, port)
    try:
        api.onboard()
        api.login(OWNER_USERNAME, OWNER_PASSWORD)
        entry = api.ensure_vault(storage)
        for name, doorbell in zip(names, cameras, strict=True):
            api.ensure_camera(entry["entry_id"], doorbell.url, name=name.title())
        _until(lambda: _recording(api, names), 120, "both cameras recording")
        report["ffmpeg_while_recording"] = len(_recorders(storage))
        before = _indexed(state)
        report["indexed_before_kill"] = len(before)

        hass.kill()
        hass.wait()
        killed = time.monotonic()
        # The parent-death signal ends the recorder server with its Home Assistant, and each recorder
        # process with the server.
        _until(lambda: not _recorders(storage, hass.pid), 15, "ffmpeg outlived a SIGKILLed hass")
        report["seconds_until_no_ffmpeg_after_sigkill"] = round(time.monotonic() - killed, 2)

        hass, api = _up(config, port)
        api.login(OWNER_USERNAME, OWNER_PASSWORD)
        _until(lambda: _recording(api, names), 120, "recording after the restart")
        newest = max(end for _, end in before.values())
        _until(lambda: sum(end > newest for _, end in _indexed(state).values()) >= 2, 60, "new segments")
        report["ffmpeg_after_restart"] = len(_recorders(storage))
        after = _indexed(state)
        report["indexed_lost"] = sorted(set(before) - set(after))
        report["indexed_without_file"] = sorted(p for p in after if not (storage / p).is_file())
        report["files_not_indexed_after_restart"] = sorted(_files(storage) - set(after))

        # Home Assistant handles SIGTERM only once it has started: before that the signal kills it.
        _until(lambda: api.request("GET", "/api/config")["state"] == "RUNNING", 300, "hass running")
        sigterm = time.time()
        stop(hass)
        report["hass_exit_code"] = hass.returncode
        report["ffmpeg_after_sigterm"] = len(_recorders(storage, hass.pid))
        report["left_in_incoming"] = [str(p) for p in storage.glob("*/incoming/*.mp4")]
        final = _indexed(state)
        report["files_not_indexed_after_sigterm"] = sorted(_files(storage) - set(final))
        last = max(final, key=lambda path: final[path][1])
        played = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(storage / last), "-f", "null", "-"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        report["last_segment_plays"] = played.returncode == 0 and played.stderr == ""
        # The open segment ran up to the SIGTERM.
        report["last_segment_end_minus_sigterm_s"] = round(final[last][1] / 1e6 - sigterm, 1)
    finally:
        stop(hass)
        for doorbell in cameras:
            doorbell.stop()
    return report


def main() -> int:
    print(json.dumps(check(Path(sys.argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
