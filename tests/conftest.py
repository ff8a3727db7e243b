"""Shared fixtures: a real Home Assistant (pytest-homeassistant-custom-component) with Doorbell Vault."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import io
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.components import webhook
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component import common as ha_common
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from yarl import URL

# Imported before any hass fixture so that our package, not the plugin's testing config, is found.
import custom_components.doorbell_vault  # noqa: F401
import devkit.imap_server
from custom_components.doorbell_vault.const import CONF_STORAGE_PATH, DEFAULT_OPTIONS, DOMAIN
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.requests.secret import sign
from custom_components.doorbell_vault.store import segments
from devkit import simulator

# The suite runs on two workers (pytest-xdist, see scripts/test). The modules that run real processes for a
# minute or more go first, so that the short tests fill the gaps instead of one long test running alone at
# the end.
LONG_FIRST = (
    "test_panel_e2e.py",
    "test_recorder_lifecycle_e2e.py",
    "test_recorder_robustness.py",
    "test_camera_clock.py",
    "test_develop_e2e.py",
    "test_recording.py",
    "test_reauth.py",
    "test_sharing.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long modules first, in the order above; everything else keeps its order."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)


# The test harness points every Home Assistant's media folder at one folder inside its own package; footage
# goes to the media folder by default, so each test gets its own, outside its configuration folder (as on
# Home Assistant OS).
_MEDIA: list[Path] = []
_test_config_dir = ha_common.get_test_config_dir


def _media_of_this_test(*parts: str) -> str:
    if parts == ("media",) and _MEDIA:
        return str(_MEDIA[-1])
    return _test_config_dir(*parts)


ha_common.get_test_config_dir = _media_of_this_test


@pytest.fixture(autouse=True)
def media_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This test's media folder (Home Assistant's `media_dirs`), outside its configuration folder."""
    _MEDIA.append(tmp_path_factory.mktemp("media"))
    yield _MEDIA[-1]
    _MEDIA.pop()


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(media_folder: Path, enable_custom_integrations: None) -> None:
    """Load custom integrations in every test (its media folder chosen before Home Assistant starts)."""


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A configuration folder of each test's own (the integration writes blueprints into it)."""
    return hass_tmp_config_dir


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, under `tests/snapshots/` (as in Home Assistant core: the
    plugin's own override is shadowed by syrupy's fixture)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Every entity enabled, also those off by default (as Home Assistant core's own fixture does)."""
    enabled = PropertyMock(return_value=True)
    with patch.object(Entity, "entity_registry_enabled_default", new_callable=lambda: enabled):
        yield


@pytest.fixture
def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A storage folder that does not exist yet, outside the configuration folder (which is `tmp_path`)."""
    return tmp_path_factory.mktemp("outside") / "vault"


@pytest.fixture
def hub_entry(hass: HomeAssistant, storage: Path) -> MockConfigEntry:
    """A hub entry, added to hass but not set up."""
    return make_hub(hass, storage, [])


@pytest.fixture
async def offline_hub(hass: HomeAssistant, storage: Path) -> AsyncIterator[MockConfigEntry]:
    """A set-up hub with one offline camera, "Front door", and no footage."""
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def front_door_footage(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> AsyncIterator[MockConfigEntry]:
    """A set-up hub with one offline camera, "Front door", and 30 s of its footage an hour ago."""
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture(scope="session")
def doorbell() -> Iterator[simulator.SimulatedDoorbell]:
    """A simulated doorbell (real RTSP server) shared by the session."""
    with simulator.start() as running:
        yield running


@pytest.fixture
def imap_server(socket_enabled: None) -> Iterator[devkit.imap_server.ImapServer]:
    """A real IMAP server (dovecot, IMAPS on 127.0.0.1, a self-signed certificate) with an empty INBOX.

    Sockets are allowed (the test talks to it over loopback TCP).
    """
    if devkit.imap_server.dovecot_binary() is None:
        if os.geteuid() != 0:
            pytest.skip("dovecot is not installed: run scripts/setup as root (Debian package dovecot-imapd)")
        pytest.fail("dovecot is not installed: scripts/setup installs the Debian package dovecot-imapd")
    with devkit.imap_server.start() as server:
        yield server


class Offline:
    """A camera nobody answers for (tests about requests and sharing need cameras, not recordings)."""

    url = "rtsp://127.0.0.1:1/nothing-listens-here"
    username = None
    password = None


def camera_subentry(
    doorbell: simulator.SimulatedDoorbell | Offline, name: str = "Front door", **extra: object
) -> ConfigSubentryData:
    """A camera subentry for a simulated doorbell, as the flow would store it."""
    data: dict[str, object] = {
        "name": name,
        "url": doorbell.url,
        "username": doorbell.username,
        "password": doorbell.password,
        "source": "manual",
        "video_codec": "h264",
        "audio_codec": "aac",
        "record_audio": True,
        "mode": "continuous",
        "ring_entities": [],
        "motion_entities": [],
        "pre_roll": 10,
        "post_roll": 20,
    }
    data.update(extra)
    return ConfigSubentryData(
        data=data,
        subentry_type="camera",
        title=name,
        unique_id=f"test-{name}",
    )


# An agency with a generated key (HMAC): its key id and secret, as the agency flow shows them once.
SPRINGFIELD_KEY = "dvk_" + "1" * 16
SPRINGFIELD_SECRET = secrets.token_urlsafe(32)


def agency_subentry(name: str, key_type: str, key_id: str | None, **data: Any) -> ConfigSubentryData:
    """An agency subentry as the flow stores it."""
    return ConfigSubentryData(
        data={"name": name, "contact": "records@example.org", "key_type": key_type, "key_id": key_id} | data,
        subentry_type="agency",
        title=name,
        unique_id=f"agency:{name.casefold()}",
    )


def hmac_headers(key_id: str, secret: str, body: bytes, nonce: str | None = None) -> dict[str, str]:
    """The headers an agency with a generated key signs a webhook body with."""
    stamp, once = int(time.time()), nonce or secrets.token_urlsafe(18)
    return {
        "X-Doorbell-Vault-Key": key_id,
        "X-Doorbell-Vault-Timestamp": str(stamp),
        "X-Doorbell-Vault-Nonce": once,
        "X-Doorbell-Vault-Signature": sign(secret.encode(), stamp, once, body),
    }


def springfield(body: bytes) -> dict[str, str]:
    """Springfield PD's signed headers for `body`."""
    return hmac_headers(SPRINGFIELD_KEY, SPRINGFIELD_SECRET, body)


def make_hub(
    hass: HomeAssistant,
    storage: Path,
    subentries: list[ConfigSubentryData],
    footage: Path | None = None,
    *,
    entry_id: str | None = None,
    **options: object,
) -> MockConfigEntry:
    """A hub entry with cameras, added to hass but not set up; its footage in `storage` unless `footage`
    (`entry_id` fixed for snapshots, random otherwise)."""
    data: dict[str, str] = {CONF_STORAGE_PATH: str(storage), "webhook_id": webhook.async_generate_id()}
    if footage is not None:
        data["footage_path"] = str(footage)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Doorbell Vault",
        unique_id=DOMAIN,
        version=1,
        minor_version=3,
        data=data,
        options={**DEFAULT_OPTIONS, **options},
        subentries_data=subentries,
        **({"entry_id": entry_id} if entry_id else {}),
    )
    entry.add_to_hass(hass)
    return entry


async def wait_for(
    condition: Callable[[], Awaitable[object] | object], timeout: float, step: float = 0.25
) -> float:
    """Wait (real time) until `condition` holds; return the seconds it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return loop.time() - start
        if loop.time() - start > timeout:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)


@pytest.fixture(scope="session")
def sample_segment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6 s fragmented MP4 (H.264 + AAC, 2 s GOP) like the recorder writes."""
    path = tmp_path_factory.mktemp("media") / "sample.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15"]
        + ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", "6"]
        + ["-c:v", "libx264", "-g", "30", "-preset", "ultrafast", "-c:a", "aac"]
        + ["-movflags", "+frag_keyframe+empty_moov+default_base_moof", str(path)],
        check=True,
        timeout=60,
    )
    return path


def ffprobe(path: Path, *, count_packets: bool = False) -> dict[str, Any]:
    """The format's duration and the streams' codec names and types, as ffprobe reports them; with
    `count_packets`, each stream's packets too (`nb_read_packets`, the whole file read)."""
    entries = "format=duration:stream=codec_name,codec_type" + (",nb_read_packets" if count_packets else "")
    result = subprocess.run(
        [
            *("ffprobe", "-v", "error", *(["-count_packets"] if count_packets else [])),
            *("-show_entries", entries, "-of", "json", str(path)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


SAMPLE_US = 6_000_000  # the sample segment: 6 s, keyframes every ~2 s


async def index_footage(vault: Any, sample: Path, base_us: int, count: int = 5) -> None:
    """`count` back-to-back copies of the sample segment per camera, indexed as if recorded."""

    def copy(camera: str) -> list[tuple[str, int, int, int, str, str]]:
        rows = []
        for n in range(count):
            relative = f"{camera}/2026-01-01/00/{n:02d}.mp4"
            target = vault.storage / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, target)
            start = base_us + n * SAMPLE_US
            digest = hashlib.sha256(target.read_bytes()).hexdigest()  # hashed when "recorded"
            rows.append((camera, start, start + SAMPLE_US, target.stat().st_size, relative, digest))
        return rows

    for camera in vault.cameras:
        for row in await vault.hass.async_add_executor_job(copy, camera):
            await vault.store.async_call(segments.add, *row)


def camera_named(vault: Any, name: str) -> str:
    """The id of the hub's camera called `name`."""
    return str(next(c.id for c in vault.cameras.values() if c.name == name))


async def footage_hub(
    hass: HomeAssistant,
    storage: Path,
    sample: Path,
    names: tuple[str, ...],
    segments: int = 5,
    footage: Path | None = None,
) -> MockConfigEntry:
    """A set-up hub with offline cameras and `segments` x 6 s of footage each, an hour ago (`entry.base`)."""
    entry = make_hub(hass, storage, [camera_subentry(Offline(), name) for name in names], footage)
    assert await hass.config_entries.async_setup(entry.entry_id)
    base = dt_util.utcnow().replace(microsecond=0) - timedelta(hours=1)
    await index_footage(entry.runtime_data, sample, int(base.timestamp() * 1_000_000), segments)
    entry.base = base  # type: ignore[attr-defined]
    return entry


# Ed25519 public keys that verify nothing: with a point of small order, the signature R = that point, S = 0
# verifies every message (OpenSSL, behind `cryptography`, takes any 32 bytes as a key).
_P = 2**255 - 19
_ORDER_8_Y = (
    2707385501144840649318225287225658788936804267575313519463743609750303402022,
    55188659117513257062467267217118295137698188065244968500265048394206261417927,  # p minus the other
)


def _point(y: int, sign: int = 0) -> bytes:
    return (y | sign << 255).to_bytes(32, "little")


IDENTITY_POINT = _point(1)
# The eight points of small order (libsodium's block list): y = 1 (the identity), p - 1 (order 2), 0 (two
# points of order 4) and the two y of the four points of order 8; also written y + p (non-canonical), each
# with the sign bit of x clear and set (for x = 0 that is a non-canonical "negative zero").
SMALL_ORDER_KEYS = tuple(_point(y, s) for y in (1, _P - 1, 0, *_ORDER_8_Y, _P, _P + 1) for s in (0, 1))
UNSAFE_ED25519_KEYS = (
    *SMALL_ORDER_KEYS,
    _point(2),  # not on the curve
    _point(3),  # on the curve, but not in the prime-order group
    _point(_P + 3),  # y >= p: a non-canonical encoding
)


async def raw_post(
    client: Any, path: str, body: bytes, headers: list[tuple[str, bytes]]
) -> tuple[int, Any, bytes]:
    """POST over a plain HTTP/1.1 connection to the test server (loopback), header values as raw bytes.

    aiohttp's client refuses header values that are not text; a raw connection sends any byte (latin-1,
    bytes that are no UTF-8), as an attacker would. Returns the status, the JSON answer and the raw reply.
    """
    url = client.make_url(path)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    lines = [
        f"POST {path} HTTP/1.1".encode(),
        f"Host: {url.host}:{url.port}".encode(),
        b"Content-Type: application/json",
        f"Content-Length: {len(body)}".encode(),
        b"Connection: close",
        *(name.encode() + b": " + value for name, value in headers),
    ]
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    await writer.wait_closed()
    status = int(reply.split(b" ", 2)[1])
    payload = reply.partition(b"\r\n\r\n")[2]
    return status, json.loads(payload) if payload.startswith(b"{") else None, reply


async def submit_request(hass: HomeAssistant, entry: MockConfigEntry, start_s: float, end_s: float) -> str:
    """A pending request (by the service) for seconds `start_s`..`end_s` of a `footage_hub`'s footage."""
    base = entry.base  # type: ignore[attr-defined]
    result = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {
            "agency": "Springfield PD",
            "case_number": "2026-0042",
            "legal_basis": "warrant",
            "start": (base + timedelta(seconds=start_s)).isoformat(),
            "end": (base + timedelta(seconds=end_s)).isoformat(),
            "requester_name": "Det. Smith",
            "requester_email": "smith@springfield.example",
        },
        blocking=True,
        return_response=True,
    )
    assert result is not None
    assert result["status"] == "pending", result
    return str(result["request_id"])


async def share_request(
    hass: HomeAssistant, request_id: str, context: Context | None = None, **fields: Any
) -> dict[str, Any]:
    """Share a request by the service (as the user of `context`, if given); its answer (the share link
    among it)."""
    result = await hass.services.async_call(
        DOMAIN,
        "share_request",
        {"request_id": request_id, **fields},
        blocking=True,
        return_response=True,
        context=context,
    )
    assert result is not None
    return dict(result)


async def share_in_background(
    hass: HomeAssistant, entry: MockConfigEntry, stage: str = ""
) -> tuple[str, asyncio.Task[dict[str, Any]]]:
    """A new request (seconds 7..19 of the footage) being shared: its id and the sharing task.

    Returns once the package's build shows a stage starting with `stage`.
    """
    request_id = await submit_request(hass, entry, 7, 19)
    building = hass.async_create_task(share_request(hass, request_id))
    stages: dict[str, str] = entry.runtime_data.lifecycle.building

    def reached() -> bool:
        return request_id in stages and stages[request_id].startswith(stage)

    await wait_for(reached, timeout=30, step=0.001)
    return request_id, building


def unzip(body: bytes, folder: Path) -> Path:
    """Unpack a downloaded package (its ZIP checked) into `folder`."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
    return folder


async def shared_package(
    hass: HomeAssistant, entry: MockConfigEntry, client: Any, folder: Path, **share: Any
) -> tuple[Path, dict[str, Any]]:
    """Seconds 7..19 of a `footage_hub`'s footage requested, shared, downloaded and unpacked into `folder`;
    the folder and the package's manifest."""
    request_id = await submit_request(hass, entry, 7, 19)
    shared = await share_request(hass, request_id, **share)
    response = await client.post(URL(shared["share_url"]).path)
    assert response.status == 200
    unzip(await response.read(), folder)
    return folder, json.loads((folder / "manifest.json").read_bytes())


class Socket:
    """A websocket client that sets events aside and answers commands."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []

    async def call(self, message: dict[str, Any]) -> dict[str, Any]:
        await self.socket.send_json_auto_id(message)
        while (answer := await self.socket.receive_json())["type"] == "event":
            self.events.append(answer["event"])
        return dict(answer)

    async def result(self, message: dict[str, Any]) -> Any:
        answer = await self.call(message)
        assert answer["success"], answer
        return answer["result"]

    async def error(self, message: dict[str, Any]) -> dict[str, Any]:
        answer = await self.call(message)
        assert not answer["success"], answer
        return dict(answer["error"])

    async def code(self, message: dict[str, Any]) -> str:
        """The error code of a command that fails."""
        return str((await self.error(message))["code"])

    async def event_for(self, request_id: str, timeout: float = 10) -> dict[str, Any]:
        """The next event about one request (others, announced earlier, are passed over)."""
        async with asyncio.timeout(timeout):
            while (event := await self.event())["request_id"] != request_id:
                pass
        return event

    async def event(self, timeout: float = 10) -> dict[str, Any]:
        if self.events:
            return self.events.pop(0)
        async with asyncio.timeout(timeout):
            message = await self.socket.receive_json()
        assert message["type"] == "event", message
        return dict(message["event"])


@dataclass
class OnePackage:
    """A downloaded, unpacked package of one camera's footage, and the hub it came from."""

    entry: MockConfigEntry
    folder: Path
    manifest: dict[str, Any]
    fingerprint: dict[str, str]  # the household's key, as diagnostics show it to pin (hex and words)


@pytest.fixture
async def one_camera_package(
    hass: HomeAssistant, front_door_footage: MockConfigEntry, hass_client_no_auth: Any, tmp_path: Path
) -> OnePackage:
    """Seconds 7..19 of Front door's footage shared, downloaded and unpacked into `tmp_path / "package"`;
    the hub stays set up (the `front_door_footage` fixture unloads it)."""
    client = await hass_client_no_auth()
    folder, manifest = await shared_package(hass, front_door_footage, client, tmp_path / "package")
    diagnostics = await async_get_config_entry_diagnostics(hass, front_door_footage)
    return OnePackage(front_door_footage, folder, manifest, diagnostics["sharing"]["fingerprint"])


async def audit_entries(vault: Any, kind: str) -> list[dict[str, Any]]:
    """The audit chain's entries of one kind, oldest first."""
    rows = await vault.store.async_call(
        lambda db: db.execute("SELECT data FROM audit WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    )
    return [json.loads(row[0]) for row in rows]


async def start_camera_flow(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict[str, Any]:
    """The camera subentry flow, its menu answered with `step`."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "camera"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    return dict(
        await hass.config_entries.subentries.async_configure(result["flow_id"], {"next_step_id": step})
    )


# An ONVIF camera's WS-Discovery answer: "Side Gate", its device service on loopback, its MAC in the scopes.
PROBE_MATCH = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">
<s:Body><d:ProbeMatches><d:ProbeMatch>
<a:EndpointReference><a:Address>urn:uuid:4a1b2c3d</a:Address></a:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter</d:Types>
<d:Scopes>onvif://www.onvif.org/name/Side%20Gate onvif://www.onvif.org/hardware/SIM-1
 onvif://www.onvif.org/mac/AA-BB-CC-00-11-22</d:Scopes>
<d:XAddrs>http://127.0.0.1:8080/onvif/device_service</d:XAddrs>
</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"""


class OnvifResponder(asyncio.DatagramProtocol):
    """An ONVIF camera answering WS-Discovery probes (and one garbage answer)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if b"NetworkVideoTransmitter" in data and b"Probe" in data:
            self.transport.sendto(b"<not-xml", addr)  # type: ignore[attr-defined]
            self.transport.sendto(PROBE_MATCH.encode(), addr)  # type: ignore[attr-defined]


def isolated_network() -> list[str]:
    """A command prefix that runs a process in a network namespace of its own when the machine allows it:
    nothing leaves it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], check=False).returncode == 0:
        return [unshare, "--net"]
    return []  # pragma: no cover - machines without namespaces


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# The household's webhook secret (written by `write_secret`) and what an agency posts with it.
WEBHOOK_SECRET = b"Zr8s1Yk2Vb9QeT4mN7xJpL0aHc3uWfGd"


def request_fields(hours_ago: float = 3, **overrides: Any) -> dict[str, Any]:
    """A valid request's fields for one hour starting `hours_ago`; an override of None leaves a field out."""
    start = dt_util.utcnow() - timedelta(hours=hours_ago)
    body = {"agency": "Springfield PD", "case_number": "2026-1", "legal_basis": "warrant"}
    body |= {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()} | overrides
    return {k: v for k, v in body.items() if v is not None}


def signed_headers(body: bytes, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The headers that sign `body` with the household's `WEBHOOK_SECRET`."""
    stamp = int(time.time()) if timestamp is None else timestamp
    once = nonce or secrets.token_urlsafe(18)
    return {
        "Content-Type": "application/json",
        "X-Doorbell-Vault-Timestamp": str(stamp),
        "X-Doorbell-Vault-Nonce": once,
        "X-Doorbell-Vault-Signature": sign(WEBHOOK_SECRET, stamp, once, body),
    }


async def post_webhook(client: Any, entry: MockConfigEntry, body: Any, **headers: str) -> tuple[int, Any]:
    """POST `body` (bytes or an async iterator of chunks) to the hub's webhook; the status and JSON answer."""
    headers = {"Content-Type": "application/json", **headers}
    response = await client.post(f"/api/webhook/{entry.data['webhook_id']}", data=body, headers=headers)
    text = await response.text()
    return response.status, json.loads(text) if text.startswith("{") else text


async def count_rows(entry: MockConfigEntry, table: str) -> int:
    """How many rows a table of the hub's index holds."""
    return int(
        await entry.runtime_data.store.async_call(
            lambda db: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        )
    )


def self_signed_certificate(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A self-signed certificate and key (openssl req -x509) and its SHA-256 fingerprint (blocking)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-days", "2", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return cert, key, ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def server_tls(folder: Path, name: str) -> tuple[ssl.SSLContext, str]:
    """A server's TLS context with a new self-signed certificate, and its fingerprint (blocking)."""
    cert, key, fingerprint = self_signed_certificate(folder, name)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, fingerprint


class TlsListener:
    """A TLS server on a camera's address that is not the camera: it keeps every byte a client sends."""

    def __init__(self) -> None:
        self.handshakes = 0
        self.received = b""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.handshakes += 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                while data := await reader.read(4096):
                    self.received += data
        writer.close()
