"""Footage is named, filed and indexed in UTC; only the Media panel's labels are local.

Across the end of US daylight saving time (2026-11-01) the local hour 01:00 happens twice: stored in UTC
the two hours never collide. `scripts/test` runs this file again under TZ=Australia/Lord_Howe (a
half-hour DST shift) so that no code path can lean on the process's local time.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from homeassistant.components import media_source
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.recording.segment_filing import name_time_us, segment_folder
from custom_components.doorbell_vault.store import segments

from .conftest import camera_subentry, make_hub


class _Offline:
    url = "rtsp://127.0.0.1:1/nothing-listens-here"
    username = None
    password = None


def _us(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp() * 1_000_000)


def test_names_and_folders_ignore_the_process_time_zone() -> None:
    first, second = _us("2026-11-01T05:30:00+00:00"), _us("2026-11-01T06:30:00+00:00")
    previous = os.environ.get("TZ")
    try:
        for zone in ("America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"):
            os.environ["TZ"] = zone
            time.tzset()
            assert name_time_us("20261101T053000Z.mp4") == first
            assert segment_folder("cam", first) == "cam/2026-11-01/05"
            assert segment_folder("cam", second) == "cam/2026-11-01/06"
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


async def test_repeated_local_hour_at_the_dst_change_stays_two_hours(
    hass: HomeAssistant, storage: Path
) -> None:
    await hass.config.async_set_time_zone("America/New_York")
    await async_setup_component(hass, "media_source", {})
    entry = make_hub(hass, storage, [camera_subentry(_Offline())])  # type: ignore[arg-type]
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    camera = next(iter(vault.cameras))
    for start in ("2026-11-01T01:10:00-04:00", "2026-11-01T01:10:00-05:00"):  # EDT, then EST
        begin = _us(start)
        path = f"{segment_folder(camera, begin)}/x{begin}.mp4"
        await vault.store.async_call(segments.add, camera, begin, begin + 10_000_000, 1, path)

    day = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/{camera}|2026-11-01")
    assert [c.title for c in day.children] == ["01:00 (06:00 UTC)", "01:00 (05:00 UTC)"]
    for hour in day.children:
        clips = await media_source.async_browse_media(hass, hour.media_content_id)
        assert [c.title for c in clips.children] == ["01:10:00–01:10:10"]
    assert await hass.config_entries.async_unload(entry.entry_id)
