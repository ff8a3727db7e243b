"""The redaction engine refuses what it cannot make, with its reason, and leaves no file behind.

Small clips written here with PyAV (a few frames, 64 px high) stand for sources an owner's camera could
give: no picture, a picture too small, a nonsense frame rate, a container without a stream duration, a
picture wider than a preview. The encoding thread is checked with a stand-in encoder that fails or stalls,
the window's sound with conftest's sample segment and with stand-in packets.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import av
import numpy as np
import pytest
from av.video.stream import VideoStream

from custom_components.doorbell_vault.evidence import clips, previews
from custom_components.doorbell_vault.evidence.order import CameraFootage
from custom_components.doorbell_vault.redaction.engine import RedactionError, redact
from custom_components.doorbell_vault.redaction.plan import Plan
from custom_components.doorbell_vault.redaction.regions import Region
from custom_components.doorbell_vault.redaction.writer import QUEUE_FRAMES, Sound, Writer

TOP_LEFT = Region("r1", "rect", ((0.0, 0.0), (0.5, 0.5)), "black")
PLAN = Plan("masks", regions=(TOP_LEFT,))


def _write(path: Path, width: int, height: int, frames: int, rate: int, codec: str = "libx264") -> Path:
    pix_fmt = "yuv444p" if codec == "ffv1" else "yuv420p"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        for n in range(frames):
            picture = np.full((height, width, 3), 40 + n * 10 % 200, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sources")
    sound = folder / "sound.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=0.3", str(sound)],
        check=True,
        timeout=30,
    )
    return {
        "short": _write(folder / "short.mp4", 64, 48, 8, 8),
        "sound": sound,
        "dot": _write(folder / "dot.mkv", 1, 1, 3, 5, "ffv1"),
        "fast": _write(folder / "fast.mp4", 64, 48, 12, 1000),
        "mkv": _write(folder / "long.mkv", 64, 48, 40, 10),
        "wide": _write(folder / "wide.mp4", 802, 302, 4, 8),
    }


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of this test's own (the harness keeps files of its own in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    ("source", "window", "reason"),
    [
        ("missing", {}, "source"),
        ("sound", {}, "no_video"),
        ("dot", {}, "no_video"),
        ("short", {"start_s": -1.0}, "window"),
        ("short", {"duration_s": 0.0}, "window"),
        ("short", {"start_s": 5.0}, "empty"),
    ],
)
def test_a_clip_that_cannot_be_made_is_refused_and_leaves_nothing(
    sources: dict[str, Path], out: Path, source: str, window: dict[str, Any], reason: str
) -> None:
    given = sources.get(source, out / "missing.mp4")
    with pytest.raises(RedactionError) as caught:
        redact(given, out / "redacted.mp4", PLAN, **window)
    assert caught.value.reason == reason
    assert _left(out) == []


def test_a_clip_into_a_missing_folder_is_a_failure(sources: dict[str, Path], out: Path) -> None:
    with pytest.raises(RedactionError) as caught:
        redact(sources["short"], out / "gone" / "redacted.mp4", PLAN)
    assert caught.value.reason == "failed"
    assert caught.value.detail.startswith("FileNotFoundError")
    assert _left(out) == []


def test_a_nonsense_frame_rate_is_encoded_at_25_and_every_frame_kept(
    sources: dict[str, Path], out: Path
) -> None:
    result = redact(sources["fast"], out / "redacted.mp4", PLAN)
    assert result.encoder["frame_rate"] == "25"
    assert result.frames == 12
    assert _left(out) == ["redacted.mp4"]


def test_progress_without_a_stream_duration_comes_from_the_container(
    sources: dict[str, Path], out: Path
) -> None:
    with av.open(str(sources["mkv"])) as container:
        assert container.streams.video[0].duration is None  # Matroska: only the container's
    said: list[float] = []
    result = redact(sources["mkv"], out / "redacted.mp4", PLAN, start_s=1.0, progress=said.append)
    assert result.frames == 30
    assert said == sorted(said)
    assert 0 < said[0] < said[-2] < 1.0 == said[-1]


def test_a_wide_preview_is_scaled_to_640_with_even_sides(sources: dict[str, Path], out: Path) -> None:
    dest = out / "preview.mp4"
    result = redact(sources["wide"], dest, Plan("masks", regions=(TOP_LEFT,), preview=True))
    assert (result.width, result.height) == (640, 240)
    with av.open(str(dest)) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (640, 240)
        luma = frame.to_ndarray(format="gray")
    assert float(luma[:120, :320].mean()) < 4  # the black region, at the preview's size
    assert float(luma[130:, 330:].mean()) > 30


class _Encoder:
    """Stands in for libx264: fails a frame or the flush as told, or waits for `gate` on each frame."""

    width, height = 16, 16

    def __init__(self, fail: str = "", gate: threading.Event | None = None) -> None:
        self.fail = fail
        self.gate = gate

    def encode(self, frame: Any) -> list[Any]:
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail == ("flush" if frame is None else "frame"):
            raise ValueError(f"x264 refused the {self.fail}")
        return []


class _Out:
    def mux(self, packet: Any) -> None:
        raise AssertionError("nothing to mux")


def _writer(encoder: _Encoder, cancel: threading.Event | None = None) -> Writer:
    return Writer(cast(Any, _Out()), encoder, lambda _packet: None, cancel)


def _frame() -> tuple[av.VideoFrame, list[Any]]:
    return av.VideoFrame(16, 16, "yuv420p"), []


def test_an_encoding_failure_is_raised_on_the_decoding_side(out: Path) -> None:
    writer = _writer(_Encoder("frame"))
    writer.put(_frame())
    writer.thread.join(5)
    with pytest.raises(RedactionError, match="encoding: x264 refused the frame") as caught:
        writer.put(_frame())
    assert caught.value.reason == "failed"
    writer.stop()  # its thread has ended: nothing to stop

    writer = _writer(_Encoder("flush"))
    writer.put(_frame())
    with pytest.raises(RedactionError, match="encoding: x264 refused the flush"):
        writer.finish()
    assert not writer.thread.is_alive()


def test_a_cancel_ends_a_wait_for_room_and_the_thread_ends(out: Path) -> None:
    gate, cancel = threading.Event(), threading.Event()
    writer = _writer(_Encoder(gate=gate), cancel)
    for _ in range(QUEUE_FRAMES + 1):  # one taken by the stalled encoder, the queue full behind it
        writer.put(_frame())
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(RedactionError) as caught:
        writer.put(_frame())
    assert caught.value.reason == "cancelled"
    assert time.monotonic() - started >= 0.3
    gate.set()
    writer.stop()
    assert not writer.thread.is_alive()


@pytest.fixture
def failing_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut writes an original that is no video (the render then fails)."""

    def cut(_order: Any, _footage: Any, target: Path) -> dict[str, Any]:
        target.write_bytes(b"not a video")
        return {"start": "1970-01-01T00:00:00+00:00", "starts_before_window_s": 0.0}

    monkeypatch.setattr(clips, "cut", cut)


@pytest.mark.usefixtures("failing_cut")
def test_a_preview_that_fails_leaves_neither_file(out: Path) -> None:
    footage = CameraFootage("Front door", [], PLAN)
    order = previews.preview_order(out, "req", (0, 5_000_000), footage, "ffmpeg", "ffprobe")
    with pytest.raises(RedactionError) as caught:
        previews.make(order, "ab" * 16)
    assert caught.value.reason == "source"
    assert _left(out / previews.PREVIEWS_FOLDER) == []
    # Originals have nothing to preview: refused before anything is cut.
    plain = previews.preview_order(out, "req", (0, 5_000_000), CameraFootage("Porch", [], None), "", "")
    with pytest.raises(ValueError, match="needs a redaction plan"):
        previews.make(plain, "cd" * 16)


def test_previews_older_than_an_hour_are_swept_the_rest_kept(out: Path) -> None:
    folder = out / previews.PREVIEWS_FOLDER
    folder.mkdir()
    old, new = folder / f"{'a' * 32}-original.mp4", folder / f"{'b' * 32}-original.mp4"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    an_hour_ago = time.time() - previews.KEEP_S - 5
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert previews.sweep(out, previews.KEEP_S) == 1
    assert _left(folder) == [new.name]
    assert previews.sweep(out / "elsewhere", previews.KEEP_S) == 0


def test_the_sound_of_the_window_or_of_the_whole_clip(sample_segment: Path, out: Path) -> None:
    windows: list[tuple[dict[str, Any], float]] = [({"start_s": 1.0, "duration_s": 2.0}, 2.0), ({}, 6.0)]
    for window, seconds in windows:
        dest = out / "redacted.mp4"
        redact(sample_segment, dest, Plan("masks", regions=(TOP_LEFT,), audio=True), **window)
        with av.open(str(dest)) as container:
            sound = container.streams.audio[0]
            assert sound.duration is not None
            assert sound.time_base is not None
            # Whole packets copied: within one packet of the window.
            assert float(sound.duration * sound.time_base) == pytest.approx(seconds, abs=0.1)


def test_sound_waits_for_the_first_frame_then_sends_the_window_moved(tmp_path: Path) -> None:
    sent: list[Any] = []
    audio = SimpleNamespace(time_base=Fraction(1, 1000))
    sound = Sound(sent.append, cast(Any, audio), "copied", Fraction(1, 1000), 3.0)

    def packet(pts: int | None, dts: int | None = None) -> Any:
        return SimpleNamespace(pts=pts, dts=dts, stream="source")

    sound.add(packet(None))  # no time: cannot be placed, dropped
    sound.add(packet(500, 500))  # before the first frame is known: held
    assert sent == []
    sound.start(base_pts=0, first_s=1.0)  # the window is 1 s .. 3 s of the source
    assert sent == []  # the held packet was before the window
    for pts, dts in ((1500, None), (2500, 2500), (3000, 3000)):
        sound.add(packet(pts, dts))
    assert [(p.pts, p.dts, p.stream) for p in sent] == [(500, None, "copied"), (1500, 1500, "copied")]
    assert sound.done(packet(3000))
    assert not sound.done(packet(2999))
