"""An rtsps:// camera is pinned to the certificate the owner was shown when it was added (by hand, discovered,
or reconfigured): only a camera presenting that certificate gets its credentials, whether the recorder, a
probe or the live view asks; a new certificate is accepted only through a repair that shows old → new."""

from __future__ import annotations

import asyncio
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from homeassistant.components.camera import async_get_stream_source
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_DHCP
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.issues import CERTIFICATE_CHANGED, issue_about
from custom_components.doorbell_vault.recording import recorder, recorder_process
from custom_components.doorbell_vault.store import segments
from devkit import simulator

from .conftest import (
    TlsListener,
    camera_subentry,
    make_hub,
    self_signed_certificate,
    server_tls,
    start_camera_flow,
    wait_for,
)

LOGIN = {"username": "door", "password": "s3cret"}
FORM = {"mode": "continuous", "record_audio": True, "pre_roll": 10, "post_roll": 20}

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(autouse=True)
def quick_recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short segments and retries, so that a test sees a recording or a refusal within seconds."""
    monkeypatch.setattr(recorder_process, "SEGMENT_SECONDS", 2)
    monkeypatch.setattr(recorder, "BACKOFF_MAX", 1.0)


@pytest.fixture
def tls_camera(tmp_path: Path) -> Iterator[tuple[simulator.SimulatedDoorbell, str]]:
    """A real rtsps:// doorbell with a login, and its certificate's fingerprint."""
    cert, key, fingerprint = self_signed_certificate(tmp_path, "camera")
    camera = simulator.start(cheap=True, audio="none", tls_cert=cert, tls_key=key, **LOGIN)
    yield camera, fingerprint
    camera.stop()


async def _pinned_hub(hass: HomeAssistant, storage: Path, url: str, fingerprint: str) -> MockConfigEntry:
    """A set-up hub (repairs loaded) with one camera at `url`, pinned to `fingerprint`."""
    at = SimpleNamespace(url=url, **LOGIN)
    entry = make_hub(hass, storage, [camera_subentry(at, tls_fingerprint=fingerprint)])
    assert await async_setup_component(hass, "repairs", {})
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


async def test_a_camera_added_by_hand_is_pinned_to_the_certificate_shown_and_records_owner_only_files(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    storage: Path,
    tls_camera: tuple[simulator.SimulatedDoorbell, str],
) -> None:
    camera, fingerprint = tls_camera
    assert camera.url.startswith("rtsps://")
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    result = await start_camera_flow(hass, hub_entry, "manual")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Front door", "url": camera.url, **LOGIN}
    )
    assert result["step_id"] == "certificate"  # shown before the camera is saved
    assert result["description_placeholders"]["fingerprint"] == fingerprint
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    subentry = next(iter(hub_entry.subentries.values()))
    assert subentry.data["tls_fingerprint"] == fingerprint

    # The same certificate: it records (Debian's ffmpeg over RTSPS); ffmpeg's files are born 0600.
    vault: DoorbellVault = hub_entry.runtime_data
    recorder = vault.recording.recorders[subentry.subentry_id]

    def incoming_modes() -> set[int]:
        return {stat.S_IMODE(p.stat().st_mode) for p in recorder.incoming.glob("*.mp4")}

    await wait_for(lambda: recorder.pid is not None and incoming_modes(), timeout=30, step=0.05)
    assert incoming_modes() == {0o600}
    assert stat.S_IMODE(recorder.pid_file.stat().st_mode) == 0o600
    await wait_for(lambda: recorder.last_segment is not None, timeout=30)
    camera_entity = next(
        e.entity_id
        for e in er.async_get(hass).entities.values()
        if e.platform == DOMAIN and e.domain == "camera" and e.config_subentry_id == subentry.subentry_id
    )
    assert str(await async_get_stream_source(hass, camera_entity)).startswith("rtsps://door:s3cret@")
    assert await hass.config_entries.async_unload(hub_entry.entry_id)
    # Every footage file is owner-only by itself.
    footage = {p.name: stat.S_IMODE(p.stat().st_mode) for p in storage.rglob("*.mp4")}
    assert footage
    assert set(footage.values()) == {0o600}, footage


async def test_another_certificate_at_the_cameras_address_gets_no_credentials_and_a_repair(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    # Another device takes the camera's address with another certificate.
    (_, pinned), (theirs, presented) = [
        await hass.async_add_executor_job(server_tls, tmp_path, n) for n in "ab"
    ]
    impostor = TlsListener()
    server = await asyncio.start_server(impostor.serve, "127.0.0.1", 0, ssl=theirs)
    port = server.sockets[0].getsockname()[1]
    try:
        entry = await _pinned_hub(hass, storage, f"rtsps://127.0.0.1:{port}/doorbell", pinned)
        camera_id = next(iter(entry.subentries))
        issue_id = issue_about(CERTIFICATE_CHANGED, camera_id)
        issues = ir.async_get(hass)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=30)
        await wait_for(lambda: impostor.handshakes >= 2, timeout=30)
        issue = issues.async_get_issue(DOMAIN, issue_id)
        assert issue is not None
        assert issue.is_fixable
        assert issue.translation_placeholders == {"camera": "Front door", "old": pinned, "new": presented}
        # Refused before ffmpeg starts, so the credentials never reach it; nor does the live view hand them
        # to Home Assistant's stream.
        recorder = entry.runtime_data.recording.recorders[camera_id]
        assert (recorder.pid, recorder.online, recorder.problem) == (None, False, "certificate_changed")
        camera_entity = next(
            e.entity_id for e in er.async_get(hass).entities.values() if e.domain == "camera"
        )
        assert await async_get_stream_source(hass, camera_entity) is None
        assert await entry.runtime_data.store.async_call(segments.in_window, camera_id, 0, 2**62) == []
        # Probes are pinned too: new credentials at the same address are not sent to it either.
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "camera"), context={"source": "reconfigure", "subentry_id": camera_id}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**FORM, "password": "n3w-secret"}
        )
        assert result["errors"] == {"base": "certificate_changed"}
        assert impostor.received == b""  # not one byte of RTSP, so no credentials
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.close()
        await server.wait_closed()


async def test_reconfigured_to_a_new_address_the_new_certificate_is_shown_before_anything_is_saved(
    hass: HomeAssistant, storage: Path, tmp_path: Path, tls_camera: tuple[simulator.SimulatedDoorbell, str]
) -> None:
    camera, presented = tls_camera
    _, _, pinned = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "old")
    at = SimpleNamespace(url=camera.url, **LOGIN)
    entry = make_hub(hass, storage, [camera_subentry(at, tls_fingerprint=pinned)])  # not set up
    camera_id = next(iter(entry.subentries))
    # A new address (the same camera by its name): old → new is shown; the owner leaves it there.
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "camera"), context={"source": "reconfigure", "subentry_id": camera_id}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**FORM, "url": camera.url.replace("127.0.0.1", "localhost")}
    )
    assert result["step_id"] == "reconfigure_certificate"
    assert result["description_placeholders"]["old"] == pinned
    assert result["description_placeholders"]["fingerprint"] == presented
    hass.config_entries.subentries.async_abort(result["flow_id"])
    assert entry.subentries[camera_id].data["tls_fingerprint"] == pinned
    assert entry.subentries[camera_id].data["url"] == camera.url


async def test_the_owner_accepts_a_cameras_new_certificate_in_the_repair_and_it_records_again(
    hass: HomeAssistant, storage: Path, tmp_path: Path, tls_camera: tuple[simulator.SimulatedDoorbell, str]
) -> None:
    camera, presented = tls_camera
    _, _, pinned = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "old")
    entry = await _pinned_hub(hass, storage, camera.url, pinned)
    camera_id = next(iter(entry.subentries))
    issue_id = issue_about(CERTIFICATE_CHANGED, camera_id)
    issues = ir.async_get(hass)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=30)
    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_init(DOMAIN, context={"issue_id": issue_id})
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["old"] == pinned
    assert result["description_placeholders"]["new"] == presented
    result = await flows.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.subentries[camera_id].data["tls_fingerprint"] == presented
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    recorder = entry.runtime_data.recording.recorders[camera_id]
    accepted_at = time.time()
    await wait_for(
        lambda: recorder.last_segment is not None and recorder.last_segment.start_us / 1e6 > accepted_at - 3,
        timeout=30,
    )
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_discovered_rtsps_camera_shows_its_fingerprint_before_it_is_pinned(
    hass: HomeAssistant, hub_entry: MockConfigEntry, tls_camera: tuple[simulator.SimulatedDoorbell, str]
) -> None:
    camera, fingerprint = tls_camera
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    info = DhcpServiceInfo(ip="127.0.0.1", hostname="reolink-porch", macaddress="ec71db001122")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_DHCP}, data=info)
    assert result["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Porch", "url": camera.url, **LOGIN}
    )
    assert result["step_id"] == "discovery_certificate"
    assert result["description_placeholders"]["fingerprint"] == fingerprint
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "camera_added"
    porch = next(s for s in hub_entry.subentries.values() if s.title == "Porch")
    assert porch.data["tls_fingerprint"] == fingerprint
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(hub_entry.entry_id)


async def test_an_rtsps_camera_added_before_pinning_is_pinned_when_reconfigured(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    context, fingerprint = await hass.async_add_executor_job(server_tls, tmp_path, "old-camera")
    camera = TlsListener()
    server = await asyncio.start_server(camera.serve, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        old = SimpleNamespace(url=f"rtsps://127.0.0.1:{port}/stream", **LOGIN)
        entry = make_hub(hass, storage, [camera_subentry(old)])  # not set up: nothing records
        subentry = next(iter(entry.subentries.values()))
        assert "tls_fingerprint" not in subentry.data
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "camera"), context={"source": "reconfigure", "subentry_id": subentry.subentry_id}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], FORM | {"mode": "events"}
        )
        assert result["step_id"] == "reconfigure_certificate"
        assert result["description_placeholders"]["fingerprint"] == fingerprint
        assert result["description_placeholders"]["old"] == "none"
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
        assert result["reason"] == "reconfigure_successful"
        assert entry.subentries[subentry.subentry_id].data["tls_fingerprint"] == fingerprint
        assert entry.subentries[subentry.subentry_id].data["mode"] == "events"
        assert camera.received == b""  # a handshake only: no RTSP, no credentials
    finally:
        server.close()
        await server.wait_closed()


async def test_the_certificate_repair_accepts_only_the_certificate_the_owner_was_shown(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    (_, pinned), (shown, presented), (later, rotated) = [
        await hass.async_add_executor_job(server_tls, tmp_path, name) for name in ("pinned", "shown", "later")
    ]
    device = TlsListener()
    server = await asyncio.start_server(device.serve, "127.0.0.1", 0, ssl=shown)
    port = server.sockets[0].getsockname()[1]
    try:
        entry = await _pinned_hub(hass, storage, f"rtsps://127.0.0.1:{port}/stream", pinned)
        camera_id = next(iter(entry.subentries))
        issue_id = issue_about(CERTIFICATE_CHANGED, camera_id)
        issues = ir.async_get(hass)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=15, step=0.05)
        flows = repairs_flow_manager(hass)
        assert flows is not None
        result = await flows.async_init(DOMAIN, context={"issue_id": issue_id})
        placeholders = result["description_placeholders"]
        assert (placeholders["old"], placeholders["new"]) == (pinned, presented)
        # Nothing answers when the owner confirms: nothing is pinned.
        server.close()
        await server.wait_closed()
        result = await flows.async_configure(result["flow_id"], {})
        assert result["errors"] == {"base": "cannot_connect"}
        # The camera now presents yet another certificate: shown, not accepted unseen.
        server = await asyncio.start_server(device.serve, "127.0.0.1", port, ssl=later)
        result = await flows.async_configure(result["flow_id"], {})
        assert result["errors"] == {"base": "certificate_changed_again"}
        assert result["description_placeholders"]["new"] == rotated
        assert entry.subentries[camera_id].data["tls_fingerprint"] == pinned
        assert device.received == b""
        result = await flows.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert entry.subentries[camera_id].data["tls_fingerprint"] == rotated
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.close()
        await server.wait_closed()
