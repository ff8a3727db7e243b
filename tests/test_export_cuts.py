"""Clip ends with B-frames: no reference frame is left at the end without the B-frames shown before it."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

from custom_components.doorbell_vault.evidence.clips import orphaned_tail, trim_orphaned_tail


def _packets(path: Path) -> list[tuple[float, float]]:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,dts_time"]
        + ["-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [(float(pts), float(dts)) for pts, dts in (line.split(",")[:2] for line in output.split())]


def test_a_reference_frame_cut_off_from_its_b_frames_is_dropped(tmp_path: Path) -> None:
    """The clip's last frame in decode order shown after a hole (its B-frames never read) goes."""
    source = tmp_path / "source.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi"]
        + ["-i", "sine=frequency=440:sample_rate=8000", "-t", "3", "-c:v", "libx264", "-bf", "2"]
        + ["-g", "25", "-c:a", "aac", str(source)],
        check=True,
    )
    packets = _packets(source)
    # A reference frame followed (in decode order) by the B-frames shown before it: cut right after it.
    cut_after = next(
        i
        for i in range(30, len(packets) - 1)
        if packets[i][0] > max(p for p, _ in packets[:i]) and packets[i + 1][0] < packets[i][0]
    )
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(source), "-map", "0", "-c", "copy"]
        + ["-frames:v", str(cut_after + 1), str(clip)],
        check=True,
    )
    shown = sorted(p for p, _ in _packets(clip))
    assert shown[-1] - shown[-2] > 0.06, "the clip made for the test has no hole at its end"
    assert orphaned_tail([(p, d, False) for p, d in _packets(clip)]) == 1

    duration = float(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(clip)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    trim_orphaned_tail("ffmpeg", "ffprobe", clip, duration)
    shown = sorted(p for p, _ in _packets(clip))
    assert len(shown) == cut_after
    assert all(b - a < 0.06 for a, b in itertools.pairwise(shown)), "a hole remains"
    assert clip.stat().st_mode & 0o777 == 0o600  # the trimmed clip is as private as the first cut


def test_a_whole_clip_is_left_alone() -> None:
    """Frames shown back to back (B-frames in place, or none at all): nothing is dropped."""
    steady = [(0.0, -0.08, True), (0.12, -0.04, False), (0.04, 0.0, False), (0.08, 0.04, False)]
    assert orphaned_tail(steady) == 0
    assert orphaned_tail([(i * 0.04, i * 0.04, i == 0) for i in range(50)]) == 0
