"""Startup reconciliation: the index agrees with the disk after a crash."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.recording.camera_config import CameraConfig
from custom_components.doorbell_vault.recording.recorder import Recorder
from custom_components.doorbell_vault.recording.segment_filing import file_segment, name_time_us
from custom_components.doorbell_vault.store import Store, segments

from .conftest import Offline, camera_subentry, make_hub

# Yesterday at 10:15 UTC: footage within every retention period, whatever day the suite runs (a fixed date
# was pruned at set-up once it was older than the seven days of continuous footage).
_AT = (datetime.now(UTC) - timedelta(days=1)).replace(hour=10, minute=15, second=0, microsecond=0)
DAY = f"{_AT:%Y-%m-%d}"
NAME = f"{_AT:%Y%m%dT%H%M%SZ}.mp4"
HALF = f"{_AT + timedelta(minutes=1):%Y%m%dT%H%M%SZ}.mp4"
EMPTY = f"{_AT + timedelta(minutes=2):%Y%m%dT%H%M%SZ}.mp4"


def _setup(hass: HomeAssistant, storage: Path) -> tuple[MockConfigEntry, str]:
    """A hub with one unreachable camera; its id (the subentry id) is known before setup."""
    entry = make_hub(hass, storage, [camera_subentry(Offline())])
    return entry, next(iter(entry.subentries))


async def test_reconciles_the_three_crash_cases(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry, camera = _setup(hass, storage)
    # 1. A finished segment on disk that the index never saw (crash between rename and insert).
    finished = storage / camera / DAY / "10" / NAME
    finished.parent.mkdir(parents=True)
    shutil.copy(sample_segment, finished)
    # 2. A row whose file is gone.
    storage.mkdir(exist_ok=True)
    store = Store(storage / "doorbell_vault.db")
    await store.async_open()
    await store.async_call(segments.add, camera, 1, 2, 3, f"{camera}/2026-11-23/09/gone.mp4")
    await store.async_close()
    # 3. A half-written segment that ffmpeg was writing when it was killed.
    data = sample_segment.read_bytes()
    partial = storage / camera / "incoming" / HALF
    partial.parent.mkdir(parents=True)
    partial.write_bytes(data[: int(len(data) * 0.6)])
    # And a segment that never got one whole fragment (nothing playable in it).
    (storage / camera / "incoming" / EMPTY).write_bytes(data[:40])

    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    found = await vault.store.async_call(segments.in_window, camera, 0, 2**62)
    await hass.config_entries.async_unload(entry.entry_id)

    by_name = {Path(s.path).name: s for s in found}
    assert set(by_name) == {NAME, HALF}
    whole = by_name[NAME]
    assert whole.start_us == name_time_us(NAME)
    assert 5.5e6 <= whole.end_us - whole.start_us <= 6.5e6
    half = by_name[HALF]
    assert half.path == f"{camera}/{DAY}/10/{HALF}"
    assert (storage / half.path).exists()
    assert 1e6 <= half.end_us - half.start_us < 6e6  # up to its last whole fragment
    assert not (storage / camera / "incoming" / EMPTY).exists()


async def test_a_segment_closed_without_a_sample_is_not_indexed(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    """A recorder stopped at a cut reports a segment with no sample (start == end): unplayable, dropped."""
    camera = CameraConfig(id="cam", name="Door", url=None)
    storage.mkdir(exist_ok=True)
    store = Store(storage / "doorbell_vault.db")
    await store.async_open()
    recorder = Recorder(camera, storage, store, "ffprobe")
    recorder.incoming.mkdir(parents=True)
    (recorder.incoming / "20261124T101000Z.mp4").write_bytes(sample_segment.read_bytes()[:40])
    shutil.copy(sample_segment, recorder.incoming / "20261124T101001Z.mp4")
    start = name_time_us("20261124T101001Z.mp4")
    assert start is not None
    reports = [
        {"name": "20261124T101000Z.mp4", "start_us": start, "end_us": start, "time_source": "arrival"},
        {
            "name": "20261124T101001Z.mp4",
            "start_us": start,
            "end_us": start + 6_000_000,
            "time_source": "rtcp",
            "offset_us": -1500,
        },
        {"name": "../escape.mp4", "start_us": start, "end_us": start + 1, "time_source": "rtcp"},
        {"name": "x.mp4", "start_us": start, "end_us": start + 1, "time_source": "guess"},
    ]
    listed = asyncio.StreamReader()
    listed.feed_data(b"".join(json.dumps(r).encode() + b"\n" for r in reports) + b"not json\n")
    listed.feed_eof()
    assert await recorder._follow(listed) is True
    await recorder.stop()  # what it queued is filed
    found = await store.async_call(segments.in_window, camera.id, 0, 2**62)
    found = await store.async_call(segments.timing, found)
    await store.async_close()
    assert [Path(s.path).name for s in found] == ["20261124T101001Z.mp4"]
    assert found[0].end_us - found[0].start_us == 6_000_000
    assert (found[0].time_source, found[0].clock_offset_us) == ("rtcp", -1500)
    assert not (recorder.incoming / "20261124T101000Z.mp4").exists()


async def test_a_segment_filed_where_a_file_of_its_name_is_kept_never_replaces_it(tmp_path: Path) -> None:
    # A camera whose clock was set back, or a restart in the same second: the hour folder holds the name.
    store = Store(tmp_path / "index.db")
    await store.async_open()
    try:
        storage = tmp_path / "footage"
        incoming = storage / "cam" / "incoming"
        incoming.mkdir(parents=True)
        name = "20261206T120000Z.mp4"
        start = name_time_us(name) or 0
        filed = []
        for content in (b"held footage", b"a later segment of the same name"):
            (incoming / name).write_bytes(content)
            filed.append(
                await store.async_job(file_segment, store, storage, "cam", incoming / name, start, start + 1)
            )
        assert [Path(s.path).name for s in filed] == [name, "20261206T120000Z-1.mp4"]
        assert [(storage / s.path).read_bytes() for s in filed] == [
            b"held footage",
            b"a later segment of the same name",
        ]
    finally:
        await store.async_close()
