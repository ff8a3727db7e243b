"""Where the recorder process ends its segments: at the first video keyframe due, on a fixed schedule.

The schedule is checked by itself here (deterministic, no camera): a keyframe a tick early is still due,
and a camera's clock going back restarts the schedule. The whole process is exercised against real
cameras by test_capture_pacing, test_camera_clock and test_recording.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from custom_components.doorbell_vault.recording.segment_filing import NAME_FORMAT, name_time_us
from custom_components.doorbell_vault.recording.stream_copy.segmenter import Cuts, Segmenter

SECOND = 90_000  # ticks of RTP's 90 kHz video clock
HALF_FRAME = SECOND // 25 // 2


def _cut_at(cuts: Cuts, keyframes: list[int]) -> list[int]:
    cuts.restart(keyframes[0])
    return [pts for pts in keyframes[1:] if cuts.due(pts)]


def test_a_keyframe_a_tick_early_still_ends_its_segment() -> None:
    # A GOP as long as a segment, one keyframe stamped a tick early (seen in CI: a 2-s segment of
    # 1-s ones, 11 µs short of 2 s). Without the slack that keyframe is skipped and the segment doubles.
    keyframes = [0, SECOND - 1, 2 * SECOND, 3 * SECOND + 1, 4 * SECOND - 2]
    assert _cut_at(Cuts(SECOND, HALF_FRAME), keyframes) == keyframes[1:]


def test_keyframes_between_cuts_do_not_end_a_segment() -> None:
    # Half-second GOP, ten-second segments: every twentieth keyframe ends one, with no drift.
    keyframes = [k * SECOND // 2 for k in range(61)]
    assert _cut_at(Cuts(10 * SECOND, HALF_FRAME), keyframes) == [10 * SECOND, 20 * SECOND, 30 * SECOND]


def test_a_late_keyframe_ends_its_segment_and_the_schedule_keeps_its_beat() -> None:
    # A keyframe lost: the next one ends the segment, and later cuts stay on the original beat.
    keyframes = [0, 2 * SECOND + SECOND // 2, 3 * SECOND, 4 * SECOND]
    assert _cut_at(Cuts(SECOND, HALF_FRAME), keyframes) == keyframes[1:]


def test_a_camera_clock_going_back_restarts_the_schedule() -> None:
    cuts = Cuts(SECOND, HALF_FRAME)
    cuts.restart(3600 * SECOND)
    assert cuts.due(3601 * SECOND)
    # The camera restarts its clock at 0: the segment ends there and the next one a period later,
    # not an hour later when the new clock would reach the old schedule.
    assert cuts.due(0, restart=True)
    assert not cuts.due(SECOND // 2)
    assert cuts.due(SECOND)


def test_a_segment_opened_in_the_second_of_a_file_left_there_takes_another_name(tmp_path: Path) -> None:
    # A killed recorder's last segment, and a new recorder whose first segment starts in the same second.
    segmenter = Segmenter(
        "rtsp://127.0.0.1:9/x", argparse.Namespace(output=f"{tmp_path}/{NAME_FORMAT}.mp4", max_offset=5)
    )
    left = tmp_path / "19700101T000000Z.mp4"
    left.write_bytes(b"footage a killed recorder left")
    opened = segmenter._open(0.0)
    opened.container.close()
    assert opened.path.name == "19700101T000000Z-1.mp4"
    assert left.read_bytes() == b"footage a killed recorder left"
    assert name_time_us(opened.path.name) == name_time_us(left.name) == 0
