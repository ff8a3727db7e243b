"""One recorder per camera, ever: a real `hass` killed with SIGKILL leaves no ffmpeg behind, a restart
records with exactly one ffmpeg per camera and loses nothing, and a SIGTERM indexes the last segment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_sigkill_leaves_no_recorder_and_sigterm_indexes_the_last_segment(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devkit.recorder_check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = tmp_path / "config" / "home-assistant.log"
    assert result.returncode == 0, result.stderr[-4000:] + (log.read_text()[-4000:] if log.exists() else "")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print("recorder life cycle:", report)
    assert report["ffmpeg_while_recording"] == 2
    assert report["indexed_before_kill"] >= 2
    assert report["seconds_until_no_ffmpeg_after_sigkill"] < 15
    assert report["ffmpeg_after_restart"] == 2
    assert report["indexed_lost"] == []
    assert report["indexed_without_file"] == []
    assert report["files_not_indexed_after_restart"] == []
    assert report["hass_exit_code"] == 0
    assert report["ffmpeg_after_sigterm"] == 0
    assert report["left_in_incoming"] == []
    assert report["files_not_indexed_after_sigterm"] == []
    assert report["last_segment_plays"] is True
    assert -3 < report["last_segment_end_minus_sigterm_s"] < 10
