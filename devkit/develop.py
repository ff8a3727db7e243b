"""A real Home Assistant with Doorbell Vault and a simulated doorbell.

`scripts/develop` runs `python -m devkit.develop` (foreground, Ctrl-C stops everything it started);
the end-to-end test runs `python -m devkit.develop --check <folder>`, which prepares a configuration the
same way, proves that the credentials in docs/development.md log in and that Doorbell Vault is loaded,
prints a JSON report and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devkit import simulator

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "doorbell_vault"

# The development owner account; docs/development.md states these.
OWNER_NAME = "Developer"
OWNER_USERNAME = "dev"
OWNER_PASSWORD = "doorbell-vault-dev"

WRITTEN_BY = "# Written by scripts/develop. Edit freely: it is only written when absent.\n"
# Below Home Assistant's own default configuration (its automations.yaml, scripts.yaml, scenes.yaml
# includes: an automation made in the UI from one of our blueprints is saved there and must load).
LOGGING = """
logger:
  default: info
  logs:
    custom_components.doorbell_vault: debug
"""

# In a container Home Assistant's go2rtc wants its bundled binary; point it at a server instead
# (run go2rtc there for WebRTC; without one, cameras play through HLS).
GO2RTC_IN_CONTAINER = """
go2rtc:
  url: http://127.0.0.1:1984/
"""


def media_folder(config: Path) -> Path:
    """Home Assistant OS's layout: the media folder beside the configuration folder, not inside it."""
    return config.parent / "media"


def media_dirs(config: Path) -> str:
    """The YAML that points Home Assistant's media folder at `media_folder(config)`."""
    return f"\nhomeassistant:\n  media_dirs:\n    local: {media_folder(config).resolve()}\n"


def prepare_config(config: Path, port: int) -> None:
    """Create the configuration folder (configuration.yaml, a link to our integration) and the media folder
    beside it, as Home Assistant OS lays them out."""
    from homeassistant import config as ha_config
    from homeassistant.util.package import is_docker_env

    config.mkdir(parents=True, exist_ok=True)
    yaml = config / ha_config.YAML_CONFIG_FILE
    if not yaml.exists():
        text = WRITTEN_BY + ha_config.DEFAULT_CONFIG + LOGGING + media_dirs(config)
        if is_docker_env() and not shutil.which("go2rtc"):
            text += GO2RTC_IN_CONTAINER
        yaml.write_text(text)
    elif (text := yaml.read_text()).startswith(WRITTEN_BY) and "\nautomation:" not in text:
        # Written by an earlier scripts/develop, which left the includes out.
        yaml.write_text(text + ha_config.DEFAULT_CONFIG.split("default_config:\n", 1)[1])
    if (text := yaml.read_text()).startswith(WRITTEN_BY) and "media_dirs:" not in text:
        yaml.write_text(text + media_dirs(config))
    for name, empty in (
        (ha_config.AUTOMATION_CONFIG_PATH, "[]"),
        (ha_config.SCRIPT_CONFIG_PATH, ""),
        (ha_config.SCENE_CONFIG_PATH, ""),
    ):
        if not (config / name).exists():
            (config / name).write_text(empty)
    write_http_config(config, port)
    custom = config / "custom_components"
    custom.mkdir(exist_ok=True)
    link = custom / DOMAIN
    target = ROOT / "custom_components" / DOMAIN
    if link.is_symlink() and link.resolve() != target:
        link.unlink()
    if not link.exists():
        link.symlink_to(target, target_is_directory=True)
    media_folder(config).mkdir(exist_ok=True)


def write_http_config(config: Path, port: int) -> None:
    """Listen on 127.0.0.1:<port> only.

    Since 2026.10 the HTTP settings live in `.storage/http` (YAML is migrated once, as a trial that reverts
    after five minutes unless confirmed in the UI), so the confirmed ("stable") slot is written directly.
    """
    path = config / ".storage" / "http"
    path.parent.mkdir(exist_ok=True)
    stored = json.loads(path.read_text()) if path.exists() else None
    data = stored["data"] if stored else {"stable": {}, "pending": None}
    data["stable"] = {
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "modern",
        "use_x_frame_options": True,
        "created_at": "2026-01-01T00:00:00+00:00",
        "error": None,
        "error_message": None,
        **data["stable"],
        "server_port": port,
        "server_host": ["127.0.0.1"],
    }
    data["pending"] = None
    data["yaml_migration_done"] = True
    path.write_text(json.dumps({"version": 2, "minor_version": 2, "key": "http", "data": data}, indent=2))
    path.chmod(0o600)


class Api:
    """A tiny synchronous client of Home Assistant's HTTP API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = f"{self.base_url}/"
        self.token: str | None = None
        self.tokens: dict[str, Any] = {}

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        form: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Any:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def wait_until_up(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"hass exited with code {process.returncode}")
            try:
                self.request("GET", "/api/onboarding", timeout=5)
                return
            except urllib.error.HTTPError:
                return  # it answers (404 once onboarding is done)
            except urllib.error.URLError, ConnectionError, TimeoutError:
                time.sleep(0.5)
        raise TimeoutError(f"Home Assistant did not answer within {timeout:.0f} s")

    def exchange_code(self, code: str) -> None:
        tokens = self.request(
            "POST",
            "/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        self.tokens = tokens
        self.token = tokens["access_token"]

    def onboard(self) -> bool:
        """Create the owner and finish onboarding; False when it was already done."""
        steps = {step["step"]: step["done"] for step in self.request("GET", "/api/onboarding")}
        if steps.get("user"):
            return False
        result = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": OWNER_NAME,
                "username": OWNER_USERNAME,
                "password": OWNER_PASSWORD,
                "language": "en",
            },
        )
        self.exchange_code(result["auth_code"])
        self.request("POST", "/api/onboarding/core_config", {})
        self.request("POST", "/api/onboarding/analytics", {})
        self.request(
            "POST",
            "/api/onboarding/integration",
            {"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
        )
        return True

    def login(self, username: str, password: str) -> None:
        """Log in the way the frontend does: a login flow, then a token."""
        self.token = None
        flow = self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/?auth_callback=1",
            },
        )
        result = self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            raise PermissionError(f"login refused: {result.get('errors')}")
        self.exchange_code(result["result"])

    def entries(self, domain: str = DOMAIN) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return result

    def ensure_camera(self, entry_id: str, url: str, name: str = "Simulated doorbell") -> None:
        """Add the simulated doorbell through the camera flow, as an owner would, unless it is there."""
        flow = self.request(
            "POST", "/api/config/config_entries/subentries/flow", {"handler": [entry_id, "camera"]}
        )
        path = f"/api/config/config_entries/subentries/flow/{flow['flow_id']}"
        flow = self.request("POST", path, {"next_step_id": "manual"})
        flow = self.request("POST", path, {"name": name, "url": url})
        if flow.get("type") != "create_entry" and flow.get("reason") != "already_configured":
            raise RuntimeError(f"camera flow did not finish: {flow}")

    def ensure_vault(self, footage: Path) -> dict[str, Any]:
        """Set up Doorbell Vault through its config flow (footage in `footage`) unless it already is."""
        if not self.entries():
            flow = self.request("POST", "/api/config/config_entries/flow", {"handler": DOMAIN})
            flow = self.request(
                "POST",
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                {"footage_path": str(footage)},
            )
            if flow.get("step_id") == "confirm":
                flow = self.request("POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {})
            if flow.get("type") != "create_entry":
                raise RuntimeError(f"Doorbell Vault flow did not finish: {flow}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            entry = self.entries()[0]
            if entry["state"] not in ("not_loaded", "setup_in_progress"):
                return entry
            time.sleep(0.5)
        return self.entries()[0]


def start_hass(config: Path, *, quiet: bool, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    hass = Path(sys.executable).with_name("hass")
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(
        [str(hass), "--config", str(config)],
        stdout=output,
        stderr=output,
        start_new_session=True,
        env=env,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# A second, smaller camera when asked for (the panel's check shares one camera of two).
PORCH_NAME = "Simulated porch"


@contextmanager
def running(
    config: Path, port: int, *, quiet: bool, doorbell_port: int = 8554, porch: bool = False
) -> Iterator[tuple[Api, simulator.SimulatedDoorbell, subprocess.Popen[bytes]]]:
    """Prepare the config folder, then run a simulated doorbell (and porch) and Home Assistant."""
    prepare_config(config, port)
    doorbell = simulator.start(port=doorbell_port)
    second = (
        simulator.start(port=0, path="/porch", width=640, height=360, fps=10, bitrate=600, pattern="smpte")
        if porch
        else None
    )
    hass = start_hass(config, quiet=quiet)
    api = Api(f"http://127.0.0.1:{port}")
    try:
        api.wait_until_up(hass, timeout=240)
        api.onboard()
        api.login(OWNER_USERNAME, OWNER_PASSWORD)
        entry = api.ensure_vault(media_folder(config) / "doorbell_vault")
        api.ensure_camera(entry["entry_id"], doorbell.url)
        if second is not None:
            api.ensure_camera(entry["entry_id"], second.url, PORCH_NAME)
        yield api, doorbell, hass
    finally:
        stop(hass)
        doorbell.stop()
        if second is not None:
            second.stop()


# Inside the check's network namespace: a veth pair whose both ends stay in the namespace, so zeroconf
# runs as on a real LAN (Home Assistant's zeroconf never uses loopback) while nothing leaves it.
NAMESPACE_LAN = "10.77.0.1"
NAMESPACE_SETUP = (
    "link set lo up",
    "link add dv-lan0 type veth peer name dv-lan1",
    f"addr add {NAMESPACE_LAN}/24 dev dv-lan0",
    "link set dv-lan1 up",
    "link set dv-lan0 up",
    "route add 224.0.0.0/4 dev dv-lan0",
)


def prepare_namespace() -> None:
    """Give our own network namespace a LAN for mDNS (else multicast over loopback).

    Only ever call this inside a namespace of our own: these commands would change a real host.
    """
    results = [
        subprocess.run(["ip", *command.split()], check=False, capture_output=True)
        for command in NAMESPACE_SETUP
    ]
    failed = [r for r in results if r.returncode != 0]
    for result in failed:
        print(" ".join(result.args), "->", result.stderr.decode().strip(), file=sys.stderr)
    if not failed:
        os.environ["DOORBELL_VAULT_NAMESPACE_LAN"] = NAMESPACE_LAN
    else:
        # No veth here: multicast over loopback still lets Home Assistant start (no mDNS check).
        subprocess.run(["ip", "route", "add", "224.0.0.0/4", "dev", "lo"], check=False)


async def _ws_call(api: Api, message: dict[str, Any]) -> Any:
    import aiohttp

    url = api.base_url.replace("http", "ws", 1) + "/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": api.token})
        if (await ws.receive_json())["type"] != "auth_ok":
            raise PermissionError("websocket auth refused")
        await ws.send_json({"id": 1, **message})
        return (await ws.receive_json())["result"]


def announce_and_wait_for_discovery(api: Api, port: int, timeout: float) -> dict[str, Any] | None:
    """Announce a camera over real mDNS and return Doorbell Vault's discovery flow for it."""
    import socket

    from zeroconf import ServiceInfo, Zeroconf

    zeroconf = Zeroconf(interfaces=[NAMESPACE_LAN])
    info = ServiceInfo(
        "_rtsp._tcp.local.",
        "Porch Camera._rtsp._tcp.local.",
        addresses=[socket.inet_aton(NAMESPACE_LAN)],
        port=port,
        properties={"macaddress": "1CCAE3AABBCC"},
        server="porch-camera.local.",
    )
    zeroconf.register_service(info)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            flows = asyncio.run(_ws_call(api, {"type": "config_entries/flow/progress"}))
            for flow in flows:
                if flow["handler"] == DOMAIN and flow["context"]["source"] == "zeroconf":
                    result: dict[str, Any] = flow
                    return result
            time.sleep(1)
        return None
    finally:
        zeroconf.unregister_service(info)
        zeroconf.close()


async def _ws(base_url: str, token: str, message: dict[str, Any]) -> dict[str, Any]:
    """One command over Home Assistant's websocket API, as the UI sends it; its answer."""
    import aiohttp

    async with aiohttp.ClientSession() as session, session.ws_connect(f"{base_url}/api/websocket") as ws:
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": token})
        if (await ws.receive_json())["type"] != "auth_ok":
            raise PermissionError("websocket refused the token")
        await ws.send_json({"id": 1, **message})
        answer: dict[str, Any] = await ws.receive_json()
        if not answer.get("success"):
            raise RuntimeError(f"{message['type']} failed: {answer}")
        return answer


def back_up(api: Api, config: Path, timeout: float) -> dict[str, Any]:
    """Make a backup through Home Assistant's own API and say what it holds of the vault."""
    import io
    import sqlite3
    import tarfile
    import tempfile

    assert api.token is not None
    generate = {"type": "backup/generate", "agent_ids": ["backup.local"], "include_homeassistant": True}
    asyncio.run(_ws(api.base_url, api.token, generate))
    deadline = time.monotonic() + timeout
    found: list[Path] = []
    while time.monotonic() < deadline and not found:
        time.sleep(1)
        # A backup is listed once it is written whole.
        if asyncio.run(_ws(api.base_url, api.token, {"type": "backup/info"}))["result"]["backups"]:
            found = list((config / "backups").glob("*.tar"))
    if not found:
        return {"made": False}
    with tarfile.open(found[0]) as outer:
        inner = next(m for m in outer.getmembers() if m.name.endswith("homeassistant.tar.gz"))
        packed = outer.extractfile(inner).read()  # type: ignore[union-attr]
    with tarfile.open(fileobj=io.BytesIO(packed), mode="r:gz") as data:
        files = {m.name.removeprefix("data/"): m for m in data.getmembers() if m.isfile()}
        raw = data.extractfile(files["doorbell_vault/doorbell_vault.db"]).read()  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "index.db"
        index.write_bytes(raw)
        connection = sqlite3.connect(index)
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        marked = connection.execute("SELECT 1 FROM meta WHERE key = 'backup_taken'").fetchone()
        connection.close()
    return {
        "made": True,
        "footage_files": sum(name.endswith(".mp4") for name in files),
        "index_integrity": integrity,
        "index_marked": bool(marked),
        "signing_key": "doorbell_vault/.signing_key" in files,
    }


def wait_for_recording(api: Api, timeout: float) -> bool:
    """True once the simulated doorbell's Recording sensor is on (a segment was recorded and indexed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = api.request("GET", "/api/states")
        if any(
            s["entity_id"].startswith("binary_sensor.simulated_doorbell") and s["state"] == "on"
            for s in states
        ):
            return True
        time.sleep(1)
    return False


def decide_by_blueprint(api: Api, config: Path, entry_id: str, timeout: float) -> dict[str, Any]:
    """Create an automation from our auto-decline blueprint through the config API (as the UI does), send
    a footage request through the webhook as an agency would, and report how it was decided."""
    automation_id = "doorbell_vault_decline_every_request"
    api.request(
        "POST",
        f"/api/config/automation/config/{automation_id}",
        {
            "alias": "Decline every footage request",
            "description": "",
            "use_blueprint": {"path": f"{DOMAIN}/auto_decline.yaml", "input": {"always": True}},
        },
    )
    report: dict[str, Any] = {"automation": None}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and report["automation"] != "on":
        report["automation"] = next(
            (
                s["state"]
                for s in api.request("GET", "/api/states")
                if s["entity_id"].startswith("automation.") and s["attributes"].get("id") == automation_id
            ),
            None,
        )
        time.sleep(0.5)
    # The webhook's id is in the entry's data (diagnostics never show it): read it as the owner would copy it.
    stored = json.loads((config / ".storage" / "core.config_entries").read_text())["data"]["entries"]
    webhook_id = next(e["data"]["webhook_id"] for e in stored if e["entry_id"] == entry_id)
    webhook = f"/api/webhook/{webhook_id}"
    now = datetime.now(UTC)
    agency = Api(api.base_url)  # no token: an agency's system knows only the webhook's address
    answer = agency.request(
        "POST",
        webhook,
        {
            "agency": "Springfield PD",
            "case_number": "2026-0042",
            "legal_basis": "warrant",
            "start": (now - timedelta(minutes=2)).isoformat(),
            "end": (now - timedelta(minutes=1)).isoformat(),
        },
    )
    request: dict[str, Any] = {}
    while time.monotonic() < deadline:
        request = asyncio.run(
            _ws_call(api, {"type": "doorbell_vault/requests/get", "request_id": answer["request_id"]})
        )
        if request["status"] != "pending":
            break
        time.sleep(0.5)
    report |= {"request_status": request.get("status"), "decided_by": request.get("decided_by")}
    return report


def check(config: Path, port: int) -> dict[str, Any]:
    """What the end-to-end test asserts, gathered from a real `hass`."""
    with running(config, port, quiet=True) as (api, doorbell, hass):
        api.login(OWNER_USERNAME, OWNER_PASSWORD)
        entry = api.entries()[0]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and api.entries()[0]["state"] != "loaded":
            time.sleep(0.5)  # the new camera reloads the entry
        entry = api.entries()[0]
        report = {
            "entry_state": entry["state"],
            "entry_title": entry["title"],
            "logged_in": api.token is not None,
            "doorbell_url": doorbell.url,
            "database": (config / "doorbell_vault" / "doorbell_vault.db").is_file(),
            "cameras": entry["num_subentries"],
            "recording": wait_for_recording(api, timeout=60),
            # Home Assistant OS's layout: footage in the media folder beside the configuration folder.
            "footage_beside_config": any((media_folder(config) / "doorbell_vault").rglob("*.mp4")),
            "blueprint": decide_by_blueprint(api, config, entry["entry_id"], timeout=30),
            # Home Assistant's own *Back up now*: the vault's state in it, no footage.
            "backup": back_up(api, config, timeout=60),
        }
        if os.environ.get("DOORBELL_VAULT_NAMESPACE_LAN"):
            flow = announce_and_wait_for_discovery(api, doorbell.port, timeout=30)
            report["mdns_discovery"] = flow and {
                "step_id": flow["step_id"],
                "unique_id": flow["context"].get("unique_id"),
                "title": flow["context"].get("title_placeholders", {}).get("name"),
            }
        try:
            api.login(OWNER_USERNAME, "wrong password")
        except PermissionError:
            report["wrong_password_refused"] = True
        report["hass_running"] = hass.poll() is None
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--check", action="store_true", help="run the end-to-end check and exit")
    parser.add_argument(
        "--in-namespace",
        action="store_true",
        help="with --check: we run in a fresh network namespace; give it a LAN for mDNS",
    )
    args = parser.parse_args()
    if args.check:
        if args.in_namespace:
            prepare_namespace()
        print(json.dumps(check(args.config, args.port)), flush=True)
        return 0

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        with running(args.config, args.port, quiet=False) as (api, doorbell, hass):
            print(
                f"\n  Home Assistant: {api.base_url}  (user {OWNER_USERNAME!r}, "
                f"password {OWNER_PASSWORD!r})\n  Simulated doorbell: {doorbell.url}\n"
                "  Ctrl-C stops everything.\n",
                flush=True,
            )
            return hass.wait()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
