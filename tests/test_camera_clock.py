"""The recording is what the camera sent: its own clock, B-frames, H.265 tagged for Apple players.

Cameras the project never saw (H.264 High with B-frames at 800x600 25 fps, G.711 µ-law, 4 s GOP, a
password with `@ : / #`; H.265 960x540 15 fps whose clock is 90.25 s ahead of true time; one that sends
no RTCP at all) recorded by a real Home Assistant, then exported. Those that send RTCP sender reports have
their footage mapped to UTC by the camera's own clock, with the offset from the server's clock measured;
the other is anchored at the arrival of its frames.
"""

from __future__ import annotations

import itertools
import json
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.doorbell_vault.evidence.clips import cut
from custom_components.doorbell_vault.evidence.order import CameraFootage, Order
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.recording import recorder_process
from custom_components.doorbell_vault.recording.segment_filing import TIME_ARRIVAL, TIME_RTCP, name_time_us
from custom_components.doorbell_vault.store import segments
from custom_components.doorbell_vault.store.segments import Segment
from devkit import simulator

from .conftest import camera_subentry, make_hub, wait_for

PASSWORD = "p@ss:/#w"
# The Garage camera's clock runs this far ahead of true time (its RTCP sender reports say so).
SHIFTS = {"Porch": 0.0, "Garage": 90.25, "Gate": 0.0}


def _packets(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    result = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-select_streams", "v:0"),
            *("-show_entries", "stream=codec_name,codec_tag_string,has_b_frames,duration,start_time"),
            *("-show_entries", "packet=pts_time,dts_time,flags", "-of", "json", str(path)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data = json.loads(result.stdout)
    return data["streams"][0], data["packets"]


def _decode_errors(path: Path) -> str:
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.stderr.strip()


def _check_clip(path: Path, fps: int, b_frames: bool) -> dict[str, float]:
    """Assert what the issue asks of a clip; return the measured figures."""
    assert _decode_errors(path) == ""
    _stream, packets = _packets(path)
    pts = [float(p["pts_time"]) for p in packets]
    dts = [float(p["dts_time"]) for p in packets]
    reordered = sum(1 for p, d in zip(pts, dts, strict=True) if abs(p - d) > 1e-6)
    if b_frames:
        assert any(b < a for a, b in itertools.pairwise(pts)), "no B-frames: pts in decode order"
        assert reordered > len(pts) // 2
    ordered = sorted(pts)
    intervals = [b - a for a, b in itertools.pairwise(ordered)]
    assert all(i > 0 for i in intervals), "pts not strictly increasing"
    gaps = [(round(ordered[i], 3), round(v, 3)) for i, v in enumerate(intervals) if v > 1.5 / fps]
    assert not gaps, (gaps, len(ordered), ordered[0], ordered[-1])
    stdev_ms = statistics.pstdev(intervals) * 1000
    assert stdev_ms < 1.0, stdev_ms
    duration = ordered[-1] - ordered[0] + 1 / fps
    assert abs(len(pts) - fps * duration) <= 0.01 * fps * duration, (len(pts), duration)
    return {"frames": len(pts), "seconds": duration, "stdev_ms": stdev_ms, "reordered": reordered}


async def _segments(vault: DoorbellVault, camera: str) -> list[Segment]:
    found = await vault.store.async_call(segments.in_window, camera, 0, 2**62)
    return await vault.store.async_call(segments.timing, found)


Camera = tuple[simulator.SimulatedDoorbell, dict[str, Any], int]  # the simulator, its subentry's codecs, fps


def _start_three_cameras() -> dict[str, Camera]:
    """Porch (H.264 with B-frames, G.711 µ-law, a password), Garage (H.265, its clock ahead) and Gate (no
    RTCP, no audio)."""
    return {
        "Porch": (
            simulator.start(
                cheap=True,
                codec="h264",
                bframes=2,
                fps=25,
                width=800,
                height=600,
                audio="pcmu",
                gop_seconds=4,
                bitrate=1500,
                path="/Streaming/Channels/101",
                username="admin",
                password=PASSWORD,
            ),
            {"video_codec": "h264", "audio_codec": "pcm_mulaw"},
            25,
        ),
        "Garage": (
            simulator.start(
                cheap=True,
                codec="h265",
                fps=15,
                width=960,
                height=540,
                audio="aac",
                bitrate=1000,
                ntp_offset=SHIFTS["Garage"],
            ),
            {"video_codec": "hevc", "audio_codec": "aac"},
            15,
        ),
        "Gate": (
            simulator.start(cheap=True, fps=15, width=640, height=360, audio="none", bitrate=500, rtcp=False),
            {"video_codec": "h264", "audio_codec": None},
            15,
        ),
    }


def _assert_recorded_by_the_cameras_clock(
    storage: Path, name: str, recorded: list[Segment], extra: dict[str, Any]
) -> dict[str, Any]:
    """Each segment timed, named and placed by the camera's clock; the measured offsets."""
    shift = SHIFTS[name]
    source = TIME_ARRIVAL if name == "Gate" else TIME_RTCP
    # The camera's clock, from its sender reports; its offset from the server's is measured
    # (loopback: the arrival delay is near 0). Without sender reports: arrival, no offset.
    assert {s.time_source for s in recorded} == {source}
    offsets = [s.clock_offset_us / 1e6 for s in recorded if s.clock_offset_us is not None]
    assert len(offsets) == (len(recorded) if source == TIME_RTCP else 0)
    assert all(abs(o - shift) < 0.2 for o in offsets), offsets
    for segment in recorded:
        # Names, folders and the index are UTC by the camera's clock.
        assert abs(name_time_us(segment.path) - segment.start_us) < 1_000_000, segment
        day = datetime.fromtimestamp(segment.start_us / 1e6, UTC).strftime("%Y-%m-%d")
        assert segment.path.split("/")[1] == day
        path = storage / segment.path
        assert _decode_errors(path) == "", segment.path
        stream, _ = _packets(path)
        if extra["video_codec"] == "hevc":
            assert (stream["codec_name"], stream["codec_tag_string"]) == ("hevc", "hvc1")
    return {"offset_ms": [round(o * 1000, 1) for o in offsets]}


async def _cut_across_three_joins(
    hass: HomeAssistant, storage: Path, name: str, recorded: list[Segment]
) -> tuple[Path, dict[str, Any]]:
    """A window across three segment joins, cut as a share would be: the clip and its description."""
    window = recorded[1:4]
    order = Order(
        storage=storage,
        request_id="clock",
        request={},
        decision={},
        start_us=window[0].start_us + 500_000,
        end_us=window[-1].end_us - 500_000,
        cameras=[CameraFootage(name, window)],
        include_audio=True,
        audit_head={},
        software={},
        terms={},
        key_fingerprint={},
        ffmpeg="ffmpeg",
        ffprobe="ffprobe",
    )
    target = storage / f"{name}.mp4"
    described = await hass.async_add_executor_job(cut, order, order.cameras[0], target)
    return target, described


async def _assert_exported_by_the_cameras_clock(
    hass: HomeAssistant, storage: Path, name: str, recorded: list[Segment], fps: int, epoch: float
) -> dict[str, Any]:
    """The clip of a window says the camera's clock and offset, is as sent, and starts on a keyframe at the
    true time the simulator sent it; the measured figures."""
    shift = SHIFTS[name]
    source = TIME_ARRIVAL if name == "Gate" else TIME_RTCP
    target, described = await _cut_across_three_joins(hass, storage, name, recorded)
    assert described["time_source"] == source
    if source == TIME_RTCP:
        assert abs(described["camera_clock_offset_ms"] - shift * 1000) < 200, described
    else:
        assert described["camera_clock_offset_ms"] is None
    figures: dict[str, Any] = _check_clip(target, fps, b_frames=name == "Porch")
    # The clip starts on a keyframe; the simulator sent keyframe k at epoch + k * GOP (true
    # time), which the camera's clock calls epoch + shift + k * GOP.
    gop = 4.0 if name == "Porch" else 2.0
    start = datetime.fromisoformat(described["start"]).timestamp()
    since = start - epoch - shift
    error = abs(since - round(since / gop) * gop)
    figures["utc_start_error_ms"] = error * 1000
    assert error < 0.1, figures
    return figures


async def test_b_frame_h264_and_h265_cameras_recorded_and_exported_as_sent(
    hass: HomeAssistant, storage: Path
) -> None:
    cameras = _start_three_cameras()
    try:
        entry = make_hub(
            hass,
            storage,
            [camera_subentry(doorbell, name, **extra) for name, (doorbell, extra, _) in cameras.items()],
        )
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        ids = {c.name: c.id for c in vault.cameras.values()}

        async def enough() -> bool:
            counts = [len(await _segments(vault, ids[name])) for name in cameras]
            return min(counts) >= 4

        await wait_for(enough, timeout=120, step=1)
        epochs = {name: doorbell.epoch() for name, (doorbell, _, _) in cameras.items()}
        figures: dict[str, Any] = {}
        for name, (_doorbell, extra, fps) in cameras.items():
            recorded = await _segments(vault, ids[name])
            figures[name] = _assert_recorded_by_the_cameras_clock(storage, name, recorded, extra)
            figures[name] |= await _assert_exported_by_the_cameras_clock(
                hass, storage, name, recorded, fps, epochs[name]
            )
        print("camera clock figures:", json.dumps(figures))
        # Nothing prints the password, and the log has no credentials.
        diagnostics = json.dumps([list(r.stderr_tail) for r in vault.recording.recorders.values()])
        assert PASSWORD not in diagnostics
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        for doorbell, _, _ in cameras.values():
            doorbell.stop()
    assert time.time() > 0


def test_a_camera_clock_far_off_is_measured_but_footage_is_placed_by_arrival(tmp_path: Path) -> None:
    """The recorder process alone: a camera clock two hours off names and places nothing."""
    shift = 7200.0
    with simulator.start(
        cheap=True, fps=15, width=320, height=240, audio="none", bitrate=300, gop_seconds=1, ntp_offset=shift
    ) as doorbell:
        command = recorder_process.build_command(
            sys.executable, doorbell.url, tmp_path, None, record_audio=False
        )
        command[command.index("--segment-seconds") + 1] = "1"
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(doorbell.url + "\n")
        process.stdin.close()
        try:
            reports = [json.loads(process.stdout.readline()) for _ in range(3)]
            arrived = time.time()
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(10)
    last = reports[-1]
    assert last["time_source"] == TIME_ARRIVAL
    assert abs(last["offset_us"] / 1e6 - shift) < 0.2
    # Named and timed by the server's clock: the segment ended a moment ago, not two hours ahead.
    assert abs(last["end_us"] / 1e6 - arrived) < 2
    assert abs(name_time_us(last["name"]) - last["start_us"]) < 1_000_000
    assert (tmp_path / last["name"]).exists()
