"""A camera that refuses its password asks for new credentials; reconfigure changes URL and credentials."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.issues import CAMERA_OFFLINE, issue_about
from custom_components.doorbell_vault.recording import desk
from custom_components.doorbell_vault.recording.camera_config import REAUTH_CAMERA, url_unique_id
from devkit import simulator

from .conftest import Offline, camera_subentry, make_hub, wait_for


def _reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def _answer_reauth_wrongly_then_rightly(
    hass: HomeAssistant, flow_id: str, entry: MockConfigEntry, camera: str, url: str
) -> None:
    """The reauth flow names the camera; a wrong password changes nothing, the new one is taken."""
    result = await hass.config_entries.flow.async_configure(flow_id)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["camera"] == "Front door"
    assert result["description_placeholders"]["url"] == url
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"username": "door", "password": "still wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert entry.subentries[camera].data["password"] == "old password"

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"username": "door", "password": "new password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


async def test_camera_refusing_its_password_asks_for_new_credentials_and_records_again(
    hass: HomeAssistant, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk, "OFFLINE_CHECK_INTERVAL", timedelta(seconds=1))
    doorbell = simulator.start(username="door", password="old password")
    try:
        entry = make_hub(hass, storage, [camera_subentry(doorbell)], offline_minutes=0.05)
        assert await hass.config_entries.async_setup(entry.entry_id)
        camera = next(iter(entry.subentries))
        vault: DoorbellVault = entry.runtime_data
        await wait_for(lambda: vault.recording.recorders[camera].last_segment is not None, timeout=40)
        assert _reauth_flows(hass) == []

        # Someone changes the camera's password (it restarts with it, on the same address).
        port = doorbell.port
        doorbell.stop()
        doorbell = simulator.start(port=port, username="door", password="new password")

        await wait_for(lambda: _reauth_flows(hass) != [], timeout=60)
        assert vault.recording.recorders[camera].credentials_refused
        assert any("401" in line for line in vault.recording.recorders[camera].stderr_tail)
        (flow,) = _reauth_flows(hass)
        assert flow["context"]["title_placeholders"] == {"name": "Front door"}
        # Home Assistant tells the owner through its repairs that the hub needs attention.
        issues = ir.async_get(hass)
        assert issues.async_get_issue("homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}")
        # The camera's own repair says why in words, not ffmpeg's.
        offline = issue_about(CAMERA_OFFLINE, camera)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is not None, timeout=20)
        placeholders = issues.async_get_issue(DOMAIN, offline).translation_placeholders
        assert placeholders["error"] == "the camera refuses its user name or password"

        await _answer_reauth_wrongly_then_rightly(hass, flow["flow_id"], entry, camera, doorbell.url)
        assert entry.subentries[camera].data["password"] == "new password"
        assert entry.subentries[camera].data["url"] == doorbell.url
        assert not issues.async_get_issue("homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}")

        # The hub reloads with the new credentials and a new segment is indexed.
        await wait_for(
            lambda: entry.state is ConfigEntryState.LOADED and entry.runtime_data is not vault, timeout=30
        )
        reloaded: DoorbellVault = entry.runtime_data
        await wait_for(lambda: reloaded.recording.recorders[camera].last_segment is not None, timeout=40)
        assert not reloaded.recording.recorders[camera].credentials_refused
        await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is None, timeout=10)
        assert _reauth_flows(hass) == []
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        doorbell.stop()


async def test_reconfigure_changes_the_stream_url_and_credentials(hass: HomeAssistant, storage: Path) -> None:
    entry = make_hub(hass, storage, [camera_subentry(Offline())])
    subentry = next(iter(entry.subentries.values()))
    recording = {
        "mode": "continuous",
        "record_audio": True,
        "ring_entities": [],
        "motion_entities": [],
        "pre_roll": 10,
        "post_roll": 20,
    }
    with simulator.start(username="door", password="s3cret", audio="pcma") as doorbell:
        result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
        assert result["step_id"] == "reconfigure"
        flow_id = result["flow_id"]
        schema = {str(key): key for key in result["data_schema"].schema}
        assert schema["url"].description == {"suggested_value": Offline.url}
        assert "suggested_value" not in (schema["password"].description or {})

        async def submit(**stream: str) -> dict[str, Any]:
            return await hass.config_entries.subentries.async_configure(flow_id, {**stream, **recording})

        result = await submit(url="http://example.invalid/")
        assert result["errors"] == {"url": "invalid_url"}
        result = await submit(url=doorbell.url, username="door", password="wrong")
        assert result["errors"] == {"base": "invalid_auth"}
        assert entry.subentries[subentry.subentry_id].data["url"] == Offline.url

        result = await submit(url=doorbell.url, username="door", password="s3cret")
        assert result["reason"] == "reconfigure_successful"
        data = entry.subentries[subentry.subentry_id].data
        assert (data["url"], data["username"], data["password"]) == (doorbell.url, "door", "s3cret")
        assert (data["video_codec"], data["audio_codec"]) == ("h264", "pcm_alaw")

        # Recording settings alone leave the stream as it is (no probe: the password field stays empty).
        result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"url": doorbell.url, "username": "door", **recording, "mode": "events"}
        )
        assert result["reason"] == "reconfigure_successful"
        data = entry.subentries[subentry.subentry_id].data
        assert (data["password"], data["mode"]) == ("s3cret", "events")


async def test_a_camera_known_by_its_url_takes_the_new_one_unless_another_camera_has_it(
    hass: HomeAssistant, storage: Path
) -> None:
    recording = {"mode": "continuous", "record_audio": True, "pre_roll": 10, "post_roll": 20}
    with simulator.start() as doorbell, simulator.start() as other:
        front = camera_subentry(Offline())
        front["unique_id"] = url_unique_id(Offline.url)
        back = camera_subentry(other, "Back")
        back["unique_id"] = url_unique_id(other.url)
        entry = make_hub(hass, storage, [front, back])
        subentry = next(s for s in entry.subentries.values() if s.title == "Front door")

        result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"url": doorbell.url, **recording}
        )
        assert result["reason"] == "reconfigure_successful"
        assert entry.subentries[subentry.subentry_id].unique_id == url_unique_id(doorbell.url)

        result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"url": other.url, **recording}
        )
        assert result["reason"] == "already_configured"
        assert entry.subentries[subentry.subentry_id].data["url"] == doorbell.url


async def test_a_camera_entity_is_reconfigured_without_url_or_credentials(
    hass: HomeAssistant, storage: Path
) -> None:
    camera = camera_subentry(Offline(), url=None, source="entity", entity_id="camera.porch")
    entry = make_hub(hass, storage, [camera])
    subentry = next(iter(entry.subentries.values()))
    result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
    assert {str(key) for key in result["data_schema"].schema}.isdisjoint({"url", "username", "password"})


async def test_reauth_for_a_camera_that_is_gone_aborts(hass: HomeAssistant, storage: Path) -> None:
    entry = make_hub(hass, storage, [camera_subentry(Offline())])
    result = await entry.start_reauth_flow(hass, data={REAUTH_CAMERA: "removed-meanwhile"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "camera_gone"


async def test_a_camera_that_accepts_its_credentials_again_records_by_itself(
    hass: HomeAssistant, storage: Path
) -> None:
    doorbell = simulator.start(username="door", password="changed")
    try:
        camera = camera_subentry(doorbell)
        camera["data"] = {**camera["data"], "password": "ours"}
        entry = make_hub(hass, storage, [camera])
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        recorder = next(iter(vault.recording.recorders.values()))
        await wait_for(lambda: recorder.credentials_refused, timeout=30)
        await wait_for(lambda: recorder.problem == "credentials_refused", timeout=10)

        # The owner sets the camera's password back: the recorder's next retry records again.
        port = doorbell.port
        doorbell.stop()
        doorbell = simulator.start(port=port, username="door", password="ours")
        await wait_for(lambda: recorder.last_segment is not None, timeout=60)
        assert not recorder.credentials_refused
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        doorbell.stop()
