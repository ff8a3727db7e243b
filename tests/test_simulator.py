"""The simulated doorbell is a real RTSP camera with doorbell-like settings."""

from __future__ import annotations

import itertools
import json
import subprocess

from devkit import simulator


def _probe(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-rtsp_transport",
            "tcp",
            "-timeout",
            "5000000",
            *extra,
            "-of",
            "json",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_streams_h264_and_aac_with_two_second_gop() -> None:
    with simulator.start() as doorbell:
        streams = json.loads(
            _probe(
                doorbell.url, "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate"
            ).stdout
        )["streams"]
        frames = json.loads(
            _probe(
                doorbell.url,
                "-select_streams",
                "v",
                "-skip_frame",
                "nokey",
                "-read_intervals",
                "%+5.5",
                "-show_entries",
                "frame=best_effort_timestamp_time",
            ).stdout
        )["frames"]
    video = next(s for s in streams if s["codec_type"] == "video")
    audio = next(s for s in streams if s["codec_type"] == "audio")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 1280, 720)
    assert video["r_frame_rate"] == "15/1"
    assert audio["codec_name"] == "aac"
    keyframes = [float(f["best_effort_timestamp_time"]) for f in frames if "best_effort_timestamp_time" in f]
    gaps = [b - a for a, b in itertools.pairwise(keyframes)]
    assert gaps
    assert all(abs(gap - 2.0) < 0.2 for gap in gaps), gaps


def test_password_protected_doorbell_refuses_wrong_credentials() -> None:
    with simulator.start(username="door", password="s3cret", audio="pcma") as doorbell:
        assert "door:s3cret@" in doorbell.authenticated_url
        refused = _probe(doorbell.url, "-show_entries", "stream=codec_name")
        assert refused.returncode != 0
        assert "401" in refused.stderr
        accepted = _probe(doorbell.authenticated_url, "-show_entries", "stream=codec_name")
        assert accepted.returncode == 0, accepted.stderr
        codecs = {s["codec_name"] for s in json.loads(accepted.stdout)["streams"]}
        assert codecs == {"h264", "pcm_alaw"}


def _packets(url: str) -> tuple[dict[str, object], list[dict[str, str]]]:
    probed = json.loads(
        _probe(
            url,
            "-read_intervals",
            "%+6",
            "-show_entries",
            "stream=codec_type,codec_name,profile,width,height,r_frame_rate,has_b_frames:packet=stream_index,pts_time,flags",
        ).stdout
    )
    return probed["streams"], probed["packets"]


def test_cheap_mode_serves_a_b_frame_h264_camera_in_a_loop() -> None:
    with simulator.start(
        cheap=True, codec="h264", bframes=2, fps=25, width=800, height=600, audio="pcmu", gop_seconds=4
    ) as doorbell:
        streams, packets = _packets(doorbell.url)
        epoch = doorbell.epoch()
    video = next(s for s in streams if s["codec_type"] == "video")
    audio = next(s for s in streams if s["codec_type"] == "audio")
    assert (video["codec_name"], video["profile"], video["width"], video["height"]) == (
        "h264",
        "High",
        800,
        600,
    )
    assert (video["r_frame_rate"], video["has_b_frames"]) == ("25/1", 2)
    assert audio["codec_name"] == "pcm_mulaw"
    # Presentation order differs from decode order: B-frames are really there.
    video_index = video.get("index", 0)
    pts = [float(p["pts_time"]) for p in packets if p["stream_index"] == video_index and "pts_time" in p]
    assert any(b < a for a, b in itertools.pairwise(pts))
    # More than one loop of the 8 s clip would need more time; the timestamps run on at 25 fps.
    assert len(pts) >= 25 * 5
    assert epoch > 0


def test_h265_camera_live_and_cheap() -> None:
    for cheap in (False, True):
        with simulator.start(
            cheap=cheap, codec="h265", fps=15, width=960, height=540, audio="pcma", bitrate=1000
        ) as doorbell:
            streams, _ = _packets(doorbell.url)
        video = next(s for s in streams if s["codec_type"] == "video")
        assert (video["codec_name"], video["width"], video["height"]) == ("hevc", 960, 540)
        assert {s["codec_name"] for s in streams} == {"hevc", "pcm_alaw"}
