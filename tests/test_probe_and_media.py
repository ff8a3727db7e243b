"""ffprobe's verdicts, the ffmpeg-missing repair, snapshots and the Media panel's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from homeassistant.components import media_source
from homeassistant.components.camera import async_get_image
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.issues import FFMPEG_MISSING
from custom_components.doorbell_vault.recording import recorder_process
from custom_components.doorbell_vault.recording.camera_config import CameraConfig
from custom_components.doorbell_vault.recording.probe import ProbeError, probe_duration, probe_stream
from custom_components.doorbell_vault.recording.recorder import Recorder
from custom_components.doorbell_vault.store import Store, segments
from devkit import simulator

from .conftest import camera_subentry, make_hub, wait_for


@pytest.mark.parametrize(
    ("binary", "path", "timeout", "reason"),
    [
        ("ffprobe", "/no-such-path", 15, "not_found"),
        ("/nonexistent/ffprobe", "/doorbell", 15, "ffmpeg_missing"),
        ("ffprobe", "/doorbell", 0.01, "timeout"),
    ],
)
async def test_probe_reasons(
    doorbell: simulator.SimulatedDoorbell, binary: str, path: str, timeout: float, reason: str
) -> None:
    url = doorbell.url.replace("/doorbell", path)
    with pytest.raises(ProbeError) as caught:
        await probe_stream(binary, url, timeout)
    assert caught.value.reason == reason


async def test_probe_of_an_audio_only_file_is_no_video(tmp_path: Path) -> None:
    import subprocess

    audio = tmp_path / "a.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine", "-t", "1", str(audio)], check=True)
    # A local file is never a camera's stream: refused before ffprobe opens it.
    with pytest.raises(ProbeError, match="source_refused"):
        await probe_stream("ffprobe", str(audio))
    assert await probe_duration("ffprobe", tmp_path / "missing.mp4") is None
    (tmp_path / "junk.mp4").write_bytes(b"junk")
    assert await probe_duration("ffprobe", tmp_path / "junk.mp4") is None


async def test_probe_of_an_audio_only_camera_is_no_video() -> None:
    with simulator.start(codec="none", audio="pcmu") as intercom, pytest.raises(ProbeError) as caught:
        await probe_stream("ffprobe", intercom.url)
    assert caught.value.reason == "no_video"


async def test_missing_ffmpeg_raises_its_repair_and_recording_goes_on(
    hass: HomeAssistant, storage: Path, doorbell: simulator.SimulatedDoorbell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder process is PyAV: ffmpeg (stills, clips) missing is a repair, not a stop."""
    monkeypatch.setattr(recorder_process, "SEGMENT_SECONDS", 2)
    assert await async_setup_component(hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": "/nonexistent/ffmpeg"}})
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    assert await hass.config_entries.async_setup(entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, FFMPEG_MISSING)
    assert issue is not None
    assert issue.translation_placeholders == {"binary": "/nonexistent/ffmpeg"}
    (front,) = entry.runtime_data.recording.recorders.values()
    await wait_for(lambda: front.last_segment is not None, timeout=30)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_without_ffprobe_a_salvage_keeps_the_files_it_cannot_check(tmp_path: Path) -> None:
    """A cut-short file is removed only when ffprobe says it holds nothing playable."""
    store = Store(tmp_path / "doorbell_vault.db")
    await store.async_open()
    left = Recorder(CameraConfig(id="cam", name="Door", url=None), tmp_path, store, "/nonexistent/ffprobe")
    left.incoming.mkdir(parents=True)
    (left.incoming / "20261124T101000Z.mp4").write_bytes(b"a cut-short fragment")
    assert await left.salvage() == 0
    await store.async_close()
    assert (left.incoming / "20261124T101000Z.mp4").exists()


async def test_snapshot_browse_errors_and_view_refusals(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    storage: Path,
    doorbell: simulator.SimulatedDoorbell,
) -> None:
    await async_setup_component(hass, "media_source", {})
    entry = make_hub(hass, storage, [camera_subentry(doorbell)])
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    camera = next(iter(vault.cameras))
    entity = next(e.entity_id for e in er.async_get(hass).entities.values() if e.domain == "camera")

    async def has_segment() -> bool:
        return await vault.store.async_call(segments.newest, camera) is not None

    await wait_for(has_segment, timeout=40)
    image = await async_get_image(hass, entity)
    assert image.content[:2] == b"\xff\xd8"

    for bad in (f"{camera}|not-a-day", f"{camera}|2026-11-24|25", "nobody", f"{camera}|a|b|c"):
        with pytest.raises(BrowseError):
            await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/{bad}")
    for bad in ("segment|x", "segment|999999", "event|999999", "other|1"):
        with pytest.raises(media_source.Unresolvable):
            await media_source.async_resolve_media(hass, f"media-source://{DOMAIN}/{bad}", None)

    client = await hass_client()
    for path in ("x", "999999", "..%2F..%2Fetc%2Fpasswd"):
        response = await client.get(f"/api/doorbell_vault/segment/{path}")
        assert response.status in (400, 404)  # HA's security filter answers traversal with 400
    unauthenticated = await client.session.get(
        client.make_url("/api/doorbell_vault/segment/1"), headers={"Authorization": ""}
    )
    assert unauthenticated.status == 401
    assert await hass.config_entries.async_unload(entry.entry_id)
