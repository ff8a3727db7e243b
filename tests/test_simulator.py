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
