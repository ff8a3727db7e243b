"""A camera that seems to move (a DHCP or ONVIF sighting at a new address) is followed only when the new
address proves to be the same camera: the same ONVIF device, or the certificate the camera is pinned to.
Otherwise the move is refused before the camera's credentials are sent there."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_socket
from homeassistant.config_entries import SOURCE_DHCP
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.recording import discovery

from .conftest import OnvifResponder, TlsListener, camera_subentry, make_hub, server_tls, start_camera_flow


async def _dhcp_move(hass: HomeAssistant, ip: str, hostname: str, mac: str) -> dict[str, Any]:
    """A DHCP sighting of a known camera at `ip`, confirmed by the owner."""
    info = DhcpServiceInfo(ip=ip, hostname=hostname, macaddress=mac)
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_DHCP}, data=info)
    assert flow["step_id"] == "discovery_moved"
    return dict(await hass.config_entries.flow.async_configure(flow["flow_id"], {}))


@pytest.mark.usefixtures("socket_enabled")
async def test_an_onvif_camera_moves_only_to_the_same_onvif_device(
    hass: HomeAssistant, hub_entry: MockConfigEntry, doorbell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "SCAN_SECONDS", 0.3)
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        OnvifResponder, local_addr=("127.0.0.1", 0)
    )
    monkeypatch.setattr(discovery, "WSD_TARGET", transport.get_extra_info("sockname"))
    try:
        result = await start_camera_flow(hass, hub_entry, "onvif")
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"device": "0"})
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Side Gate", "url": doorbell.url.replace("127.0.0.1", "localhost")}
        )
        camera = next(iter(hub_entry.subentries.values()))
        assert camera.data["onvif_endpoint"] == "urn:uuid:4a1b2c3d"
        # Nothing answers as that camera at 127.0.0.2: refused before any credential is sent.
        refused = await _dhcp_move(hass, "127.0.0.2", "reolink-side", "aabbcc001122")
        assert refused["errors"] == {"base": "identity_changed"}
        hass.config_entries.flow.async_abort(refused["flow_id"])
        # 127.0.0.1 answers with the same endpoint and streams: the camera follows.
        assert (await _dhcp_move(hass, "127.0.0.1", "reolink-side", "aabbcc001122"))[
            "reason"
        ] == "camera_moved"
    finally:
        transport.close()
    assert next(iter(hub_entry.subentries.values())).data["url"].startswith("rtsp://127.0.0.1:")


@pytest.mark.usefixtures("socket_enabled")
async def test_a_pinned_camera_does_not_move_to_an_address_with_another_certificate(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    (_, pinned), (later, _) = [await hass.async_add_executor_job(server_tls, tmp_path, n) for n in ("a", "b")]
    pytest_socket.socket_allow_hosts(["127.0.0.1", "127.0.0.2"])  # loopback only (reset per test)
    elsewhere = TlsListener()
    other = await asyncio.start_server(elsewhere.serve, "127.0.0.2", 0, ssl=later)
    port = other.sockets[0].getsockname()[1]
    at = SimpleNamespace(url=f"rtsps://127.0.0.1:{port}/stream", username="door", password="s3cret")
    subentry = camera_subentry(at, tls_fingerprint=pinned, mac="ec:71:db:00:11:22")
    subentry["unique_id"] = "mac-ec:71:db:00:11:22"
    entry = make_hub(hass, storage, [subentry])
    camera_id = next(iter(entry.subentries))
    assert await hass.config_entries.async_setup(entry.entry_id)
    try:
        # The camera "moves" (a forged DHCP request) to an address with another certificate.
        moved = await _dhcp_move(hass, "127.0.0.2", "reolink-door", "ec71db001122")
        assert moved["errors"] == {"base": "identity_changed"}
        hass.config_entries.flow.async_abort(moved["flow_id"])
    finally:
        other.close()
        await other.wait_closed()
    assert elsewhere.handshakes == 1
    assert elsewhere.received == b""
    assert entry.subentries[camera_id].data["url"] == at.url
    assert await hass.config_entries.async_unload(entry.entry_id)
