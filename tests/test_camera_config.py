"""Stream URLs keep credentials apart: stored separately, joined only for ffmpeg, removed from its output."""

from __future__ import annotations

from custom_components.doorbell_vault.recording.camera_config import (
    redact_url,
    strip_credentials,
    url_unique_id,
    validate_stream_url,
    with_credentials,
)


def test_credentials_are_split_joined_and_redacted() -> None:
    assert strip_credentials("rtsp://cam:554/live") == ("rtsp://cam:554/live", None, None)
    assert strip_credentials("rtsp://me:p%40ss@[fe80::1]:8554/a") == (
        "rtsp://[fe80::1]:8554/a",
        "me",
        "p%40ss",
    )
    joined = with_credentials("rtsp://cam/live", "me", "p@ss/word")
    assert joined == "rtsp://me:p%40ss%2Fword@cam/live"
    assert with_credentials("rtsp://cam/live", "me", None) == "rtsp://me@cam/live"
    assert with_credentials("rtsp://cam/live", None, "x") == "rtsp://cam/live"
    line = f"[rtsp] error reading {joined}: p@ss/word"
    assert "p@ss" not in redact_url(line, "me", "p@ss/word")
    assert "p%40ss" not in redact_url(line, "me", "p@ss/word")


def test_stream_url_checks_and_ids() -> None:
    assert validate_stream_url("rtsps://cam.local/x") is None
    assert validate_stream_url("rtsp://cam:notaport/x") == "invalid_url"
    assert validate_stream_url("rtsp://" + "a" * 3000) == "invalid_url"
    assert url_unique_id("rtsp://cam/live") == url_unique_id("rtsp://cam:554/live")
    assert url_unique_id("rtsp://cam/live") != url_unique_id("rtsp://cam/other")
