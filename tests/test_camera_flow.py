"""Adding cameras: manual RTSP (probed), a Home Assistant camera, ONVIF scan, zeroconf and DHCP."""

from __future__ import annotations

import asyncio
from ipaddress import ip_address
from pathlib import Path

import pytest
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.recording import discovery
from devkit import simulator

from .conftest import PROBE_MATCH, OnvifResponder, camera_subentry, make_hub, start_camera_flow


async def test_manual_camera_with_password(hass: HomeAssistant, hub_entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    with simulator.start(username="door", password="s3cret", audio="pcma") as doorbell:
        result = await start_camera_flow(hass, hub_entry, "manual")
        assert result["step_id"] == "manual"
        form = {"name": "Front door", "url": doorbell.url, "username": "door", "password": "wrong"}
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
        assert result["errors"] == {"base": "invalid_auth"}

        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**form, "password": "s3cret"}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
    subentry = next(iter(hub_entry.subentries.values()))
    assert subentry.title == "Front door"
    assert subentry.data["url"] == doorbell.url
    assert subentry.data["password"] == "s3cret"
    assert subentry.data["audio_codec"] == "pcm_alaw"
    assert subentry.data["video_codec"] == "h264"
    # The entry reloaded with the new camera: a device with its entities.
    assert hub_entry.state is ConfigEntryState.LOADED
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, subentry.unique_id), hub_entry.entry_id
    )
    assert device is not None
    assert device.name == "Front door"
    assert await hass.config_entries.async_unload(hub_entry.entry_id)


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        ("http://127.0.0.1/doorbell", {"url": "invalid_url"}),
        ("rtsp://", {"url": "invalid_url"}),
        ("rtsp://127.0.0.1:99999/x", {"url": "invalid_url"}),
        ("rtsp://127.0.0.1:1/doorbell", {"base": "cannot_connect"}),
    ],
)
async def test_manual_camera_rejects_bad_streams(
    hass: HomeAssistant, hub_entry: MockConfigEntry, url: str, errors: dict[str, str]
) -> None:
    result = await start_camera_flow(hass, hub_entry, "manual")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "x", "url": url}
    )
    assert result["errors"] == errors
    assert not hub_entry.subentries


async def test_same_stream_twice_is_refused(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [])
    for expected in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT):
        result = await start_camera_flow(hass, entry, "manual")
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"name": "Door", "url": doorbell.url}
        )
        assert result["type"] is expected
    assert result["reason"] == "already_configured"
    assert len(entry.subentries) == 1


async def test_camera_from_a_home_assistant_camera_entity(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    assert await hass.config_entries.async_setup(entry.entry_id)
    source = next(e.entity_id for e in er.async_get(hass).entities.values() if e.domain == "camera")
    result = await start_camera_flow(hass, entry, "entity")
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"entity_id": source})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    added = next(s for s in entry.subentries.values() if s.unique_id == f"entity-{source}")
    assert added.data["entity_id"] == source
    assert added.data["url"] is None
    assert await hass.config_entries.async_unload(entry.entry_id)


def _front_door_announced(address: str, mac: str) -> ZeroconfServiceInfo:
    """The Front Door camera's mDNS announcement (Axis video, RTSP on 554) from `address`, with `mac`."""
    return ZeroconfServiceInfo(
        ip_address=ip_address(address),
        ip_addresses=[ip_address(address)],
        hostname="doorbird-1.local.",
        name="Front Door._axis-video._tcp.local.",
        port=554,
        properties={"macaddress": mac},
        type="_axis-video._tcp.local.",
    )


async def test_zeroconf_discovery_adds_a_camera_to_the_hub(
    hass: HomeAssistant, hub_entry: MockConfigEntry, doorbell: simulator.SimulatedDoorbell
) -> None:
    info = _front_door_announced("127.0.0.1", "1CCAE3AABBCC")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info)
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {"name": "Front Door", "host": "127.0.0.1"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Front Door", "url": doorbell.url.replace("127.0.0.1", "localhost")}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "camera_added"
    camera = next(iter(hub_entry.subentries.values()))
    assert camera.unique_id == "mac-1c:ca:e3:aa:bb:cc"
    assert camera.data["source"] == "zeroconf"

    # The same camera at a new address: nothing changes until the owner confirms old → new (a forged
    # announcement must not re-point a camera); then the new address is probed and used.
    moved = _front_door_announced("127.0.0.2", "1ccae3aabbcc")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=moved
    )
    assert result["step_id"] == "discovery_moved"
    assert result["description_placeholders"] == {
        "camera": "Front Door",
        "old": "localhost",
        "new": "127.0.0.2",
    }
    assert next(iter(hub_entry.subentries.values())).data["url"].startswith("rtsp://localhost:")
    # Confirmed, but nothing answers there: the camera keeps its address.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "cannot_connect"}
    assert next(iter(hub_entry.subentries.values())).data["url"].startswith("rtsp://localhost:")
    hass.config_entries.flow.async_abort(result["flow_id"])
    # Where the stream really is, once confirmed and probed, the camera follows.
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=_front_door_announced("127.0.0.1", "1ccae3aabbcc"),
    )
    assert result["step_id"] == "discovery_moved"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "camera_moved"
    assert len(hub_entry.subentries) == 1
    assert next(iter(hub_entry.subentries.values())).data["url"].startswith("rtsp://127.0.0.1:")


async def test_dhcp_discovery_without_a_hub_creates_it(
    hass: HomeAssistant, doorbell: simulator.SimulatedDoorbell
) -> None:
    info = DhcpServiceInfo(ip="127.0.0.1", hostname="reolink-door", macaddress="ec71dbaabbcc")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_DHCP}, data=info)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Porch", "url": "rtsp://127.0.0.1:1/nothing"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Porch", "url": doorbell.url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.data["storage_path"] == hass.config.path("doorbell_vault")
    assert entry.data["footage_path"] == str(
        Path(next(iter(hass.config.media_dirs.values()))) / "doorbell_vault"
    )
    assert [s.title for s in entry.subentries.values()] == ["Porch"]
    assert next(iter(entry.subentries.values())).unique_id == "mac-ec:71:db:aa:bb:cc"
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("socket_enabled")
async def test_onvif_scan_finds_the_camera(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    doorbell: simulator.SimulatedDoorbell,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        OnvifResponder, local_addr=("127.0.0.1", 0)
    )
    monkeypatch.setattr(discovery, "WSD_TARGET", transport.get_extra_info("sockname"))
    try:
        result = await start_camera_flow(hass, hub_entry, "onvif")
    finally:
        transport.close()
    assert result["step_id"] == "onvif"
    options = result["data_schema"].schema["device"].config["options"]
    assert options == [{"value": "0", "label": "Side Gate (127.0.0.1)"}]
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"device": "0"})
    assert result["step_id"] == "manual"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Side Gate", "url": doorbell.url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    camera = next(iter(hub_entry.subentries.values()))
    assert camera.unique_id == "mac-aa:bb:cc:00:11:22"
    assert camera.data["source"] == "onvif"


@pytest.mark.usefixtures("socket_enabled")
async def test_onvif_scan_with_no_answer_aborts(
    hass: HomeAssistant, hub_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "WSD_TARGET", ("127.0.0.1", 9))
    result = await start_camera_flow(hass, hub_entry, "onvif")
    assert result["reason"] == "no_devices_found"


def test_probe_match_parser_refuses_hostile_answers() -> None:
    assert discovery.parse_probe_match(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>") == []
    assert discovery.parse_probe_match(b"x" * 20_000) == []
    bad_host = PROBE_MATCH.replace("127.0.0.1:8080", "ev!l$(rm):80").encode()
    assert discovery.parse_probe_match(bad_host) == []


async def test_reconfigure_links_ring_and_motion(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    subentry = next(iter(entry.subentries.values()))
    result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "mode": "events",
            "record_audio": False,
            "ring_entities": ["binary_sensor.doorbell_button"],
            "motion_entities": ["binary_sensor.porch_motion"],
            "pre_roll": 5,
            "post_roll": 15,
        },
    )
    assert result["reason"] == "reconfigure_successful"
    data = entry.subentries[subentry.subentry_id].data
    assert data["mode"] == "events"
    assert data["record_audio"] is False
    assert data["ring_entities"] == ["binary_sensor.doorbell_button"]
    assert data["url"] == doorbell.url
