"""The recorder process reads an RTSP camera in batches: a few wake-ups a second, not one per packet.

Its CPU against the `ffmpeg` command is measured by `scripts/bench recording`; what is checked here is the
mechanism (counted, not timed): the same camera recorded by a paced and an unpaced process side by side,
the paced one woken several times less often, and its footage the same and whole.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

from custom_components.doorbell_vault.recording import recorder_process
from devkit import simulator

from .conftest import ffprobe


def _wake_ups(pid: int) -> int:
    """Voluntary context switches of the process's main thread (each a sleep or a wait for data)."""
    status = Path(f"/proc/{pid}/task/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("voluntary_ctxt")))


def _start(url: str, folder: Path, pace: float) -> subprocess.Popen[str]:
    folder.mkdir()
    command = recorder_process.build_command(sys.executable, url, folder, "aac", record_audio=True)
    command[command.index("--segment-seconds") + 1] = "1"
    process = subprocess.Popen(
        [*command, "--pace", str(pace)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdin is not None
    process.stdin.write(url + "\n")
    process.stdin.close()
    return process


def test_an_rtsp_camera_is_read_in_batches_with_its_footage_whole(tmp_path: Path) -> None:
    with simulator.start(cheap=True, fps=25, audio="aac", bitrate=2000, gop_seconds=1) as doorbell:
        paced = _start(doorbell.url, tmp_path / "paced", 0.25)
        unpaced = _start(doorbell.url, tmp_path / "unpaced", 0)
        try:
            for process in (paced, unpaced):
                assert process.stdout is not None
                json.loads(process.stdout.readline())  # recording: its first segment is finished
            before = {p.pid: _wake_ups(p.pid) for p in (paced, unpaced)}
            reports = []
            for _ in range(5):
                assert paced.stdout is not None
                reports.append(json.loads(paced.stdout.readline()))
            assert unpaced.stdout is not None
            for _ in range(5):
                unpaced.stdout.readline()
            woken = {p.pid: _wake_ups(p.pid) - before[p.pid] for p in (paced, unpaced)}
        finally:
            for process in (paced, unpaced):
                process.terminate()
                process.wait(10)
    # Five seconds of a 2 Mbit/s camera with audio: some 300 reads. Unpaced, most wait for their data;
    # paced, the process sleeps about four times a second and reads what gathered meanwhile.
    assert woken[paced.pid] * 3 < woken[unpaced.pid], woken
    assert woken[paced.pid] < 5 * 12, woken
    # The batches lose nothing: consecutive one-second segments, each whole and playable.
    for earlier, later in itertools.pairwise(reports):
        assert abs(later["start_us"] - earlier["end_us"]) < 1000, (earlier, later)
    for report in reports:
        path = tmp_path / "paced" / report["name"]
        streams = ffprobe(path, count_packets=True)["streams"]
        counted = {s["codec_type"]: int(s["nb_read_packets"]) for s in streams}
        assert counted["video"] == 25, (report, counted)
        # The simulator's AAC: 16 kHz, 1024 samples a frame (15.6 a second).
        assert abs(counted["audio"] - 16000 / 1024) < 1.5, (report, counted)
    assert time.time() > reports[-1]["end_us"] / 1e6
