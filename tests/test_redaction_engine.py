"""The redaction engine on a real clip: the simulated doorbell's picture with three copies of a real face.

The clip is recorded from the RTSP simulator (its SMPTE bars with tests/fixtures/face.png drawn at three
places, x264 as the simulated camera sends it, stream-copied to an MP4 by ffmpeg): the left face is inside
a blur mask (a polygon), the middle one in a region kept clear, the right one free. Hidden pixels are
measured (high-frequency energy against the original), the rest compared (PSNR), black checked.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from custom_components.doorbell_vault.redaction import detect
from custom_components.doorbell_vault.redaction.engine import RedactionError, redact
from custom_components.doorbell_vault.redaction.plan import Box, Plan, Result
from custom_components.doorbell_vault.redaction.regions import Region
from devkit import simulator

FACE = Path(__file__).parent / "fixtures" / "face.png"
W, H, FPS = 640, 360, 15
# The face inside face.png (dlib's box: 49..136 x 43..130), drawn at x = 20, 230, 440 and y = 90.
FACE_BOXES = {"masked": (69, 133, 156, 220), "clear": (279, 133, 366, 220), "free": (489, 133, 576, 220)}
BLUR = Region(
    "window", "polygon", ((10 / W, 80 / H), (205 / W, 70 / H), (200 / W, 285 / H), (15 / W, 280 / H))
)
BLACK = Region("plate", "rect", ((0.0, 300 / H), (200 / W, 1.0)), "black")
CLEAR = Region("door", "rect", ((220 / W, 60 / H), (420 / W, 300 / H)))
START_S, DURATION_S = 1.0, 2.0
# A hidden face keeps at most this share of its original high-frequency energy (measured: ~1 %).
BLURRED_BELOW = 0.1
# Pixels away from every hidden region, redacted against the original (measured: ~40 dB).
PSNR_AT_LEAST = 32.0

Y = NDArray[np.float64]


@dataclass
class Clip:
    path: Path
    # Y planes of the source's frames by time (seconds from the first frame, 3 decimals).
    frames: dict[float, Y]


def _lumas(path: Path) -> list[tuple[float, Y]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        out = []
        first = None
        for frame in container.decode(stream):
            assert frame.pts is not None
            assert stream.time_base is not None
            first = frame.pts if first is None else first
            out.append(
                (float((frame.pts - first) * stream.time_base), frame.to_ndarray(format="gray").astype(float))
            )
    return out


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    folder = tmp_path_factory.mktemp("redaction")
    path = folder / "source.mp4"
    faces = [(20, 90, FACE), (230, 90, FACE), (440, 90, FACE)]
    with simulator.start(
        width=W, height=H, fps=FPS, bitrate=1500, pattern="smpte", gop_seconds=1, overlays=faces
    ) as doorbell:
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "-i",
                doorbell.url,
                "-t",
                "4",
                "-c",
                "copy",
                str(path),
            ],
            check=True,
            timeout=60,
        )
    return Clip(path, dict(_lumas(path)))


def _source_frame(clip: Clip, at_s: float) -> Y:
    """The source frame shown at `at_s` (seconds from its first frame)."""
    times = sorted(clip.frames)
    best = min(times, key=lambda t: abs(t - at_s))
    return clip.frames[best]


def _render(clip: Clip, tmp: Path, plan: Plan) -> tuple[Result, list[tuple[float, Y]]]:
    dest = tmp / "redacted.mp4"
    said: list[float] = []
    result = redact(clip.path, dest, plan, start_s=START_S, duration_s=DURATION_S, progress=said.append)
    # Progress goes forward to 1; the clip is owner-only, as every clip of a package.
    assert said == sorted(said)
    assert said[-1] == 1.0
    assert dest.stat().st_mode & 0o777 == 0o600
    head = dest.read_bytes()[:65536]
    assert 0 < head.find(b"moov") < head.find(b"mdat")  # faststart: plays while it downloads
    assert [p.name for p in tmp.iterdir() if p.name.endswith(".partial")] == []
    return result, _lumas(dest)


def _energy(picture: Y, box: tuple[int, int, int, int]) -> float:
    """Mean squared Laplacian (high-frequency energy) inside a box."""
    left, top, right, bottom = box
    c = picture[top:bottom, left:right]
    lap = 4 * c[1:-1, 1:-1] - c[:-2, 1:-1] - c[2:, 1:-1] - c[1:-1, :-2] - c[1:-1, 2:]
    return float(np.mean(lap**2))


def _ratio(clip: Clip, frames: list[tuple[float, Y]], box: tuple[int, int, int, int]) -> float:
    """The redacted clip's high-frequency energy in a box over the original's (all frames)."""
    redacted = sum(_energy(y, box) for _, y in frames)
    original = sum(_energy(_source_frame(clip, START_S + t), box) for t, _ in frames)
    return redacted / original


def _psnr(clip: Clip, frames: list[tuple[float, Y]], keep: NDArray[np.bool_]) -> float:
    errors = [np.mean((y[keep] - _source_frame(clip, START_S + t)[keep]) ** 2) for t, y in frames]
    return float(10 * np.log10(255**2 / np.mean(errors)))


def _outside(*boxes: tuple[int, int, int, int], margin: int = 16) -> NDArray[np.bool_]:
    keep = np.ones((H, W), dtype=bool)
    for left, top, right, bottom in boxes:
        keep[max(0, top - margin) : bottom + margin, max(0, left - margin) : right + margin] = False
    return keep


def test_masks_blur_black_and_leave_the_rest(clip: Clip, tmp_path: Path) -> None:
    digest = hashlib.sha256(clip.path.read_bytes()).hexdigest()
    result, frames = _render(clip, tmp_path, Plan("masks", regions=(BLUR, BLACK), clear=(CLEAR,)))

    # The window only, at the source's rate, from 0.
    assert result.frames == len(frames) == pytest.approx(DURATION_S * FPS, abs=2)
    assert frames[0][0] == 0.0
    assert frames[-1][0] == pytest.approx(DURATION_S - 1 / FPS, abs=0.1)
    assert (result.width, result.height) == (W, H)
    assert result.encoder["library"] == "libx264"
    assert result.encoder["crf"] == 20
    assert result.encoder["preset"] == "veryfast"
    assert result.encoder["pix_fmt"] == "yuv420p"
    assert result.detector is None
    assert result.detected_frames == []
    assert set(result.hiding) >= {"blur", "black"}

    masked = _ratio(clip, frames, FACE_BOXES["masked"])
    free = _ratio(clip, frames, FACE_BOXES["free"])
    clear = _ratio(clip, frames, FACE_BOXES["clear"])
    print(f"high-frequency energy kept: masked {masked:.3f}, free {free:.3f}, clear {clear:.3f}")
    assert masked < BLURRED_BELOW
    assert free > 0.5
    assert clear > 0.5

    psnr = _psnr(clip, frames, _outside((10, 70, 205, 285), (0, 300, 200, 360)))
    print(f"PSNR outside the hidden regions: {psnr:.1f} dB")
    assert psnr >= PSNR_AT_LEAST

    with av.open(str(tmp_path / "redacted.mp4")) as container:
        assert not container.streams.audio
        frame = next(container.decode(video=0))
        y, u, v = (
            np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width] for p in frame.planes
        )
        assert abs(float(y[304:356, 4:196].mean()) - 16) < 3
        assert abs(float(u[152:178, 2:98].mean()) - 128) < 3
        assert abs(float(v[152:178, 2:98].mean()) - 128) < 3
    assert hashlib.sha256(clip.path.read_bytes()).hexdigest() == digest


def test_faces_found_outside_the_masks_and_not_in_clear(clip: Clip, tmp_path: Path) -> None:
    digest = hashlib.sha256(clip.path.read_bytes()).hexdigest()
    plan = Plan("masks_faces", regions=(BLUR, BLACK), clear=(CLEAR,), audio=True)
    result, frames = _render(clip, tmp_path, plan)

    free = _ratio(clip, frames, FACE_BOXES["free"])
    clear = _ratio(clip, frames, FACE_BOXES["clear"])
    print(f"high-frequency energy kept: free face {free:.3f}, face in the clear region {clear:.3f}")
    assert free < BLURRED_BELOW
    assert clear > 0.5
    # Every frame had a face hidden (the free one is there all the time).
    assert result.detected_frames == [(0, result.frames - 1)]
    assert result.faces >= 1
    assert result.detector is not None
    assert set(result.detector) >= {"name", "package", "version", "threshold", "every_nth", "scale", "widen"}
    assert result.detector["package"] == "dlib-bin"
    assert result.detector["version"]
    with av.open(str(tmp_path / "redacted.mp4")) as container:
        sound = container.streams.audio[0]
        assert sound.codec_context.name == "aac"
        assert sound.duration is not None
        assert sound.time_base is not None
        # The window's sound only (copied whole packets: within one packet of the window).
        assert float(sound.duration * sound.time_base) == pytest.approx(DURATION_S, abs=0.1)
    assert hashlib.sha256(clip.path.read_bytes()).hexdigest() == digest


def test_boxes_drawn_by_hand_hide_only_in_their_time(clip: Clip, tmp_path: Path) -> None:
    box = Box(Region("hand", "rect", ((480 / W, 120 / H), (590 / W, 230 / H))), 0.5, 1.0)
    result, frames = _render(clip, tmp_path, Plan("masks", boxes=(box,), preview=True))
    assert result.width <= 640
    assert result.encoder["preset"] == "ultrafast"
    inside = [(t, y) for t, y in frames if 0.5 <= t < 1.0 - 0.05]
    after = [(t, y) for t, y in frames if t >= 1.05]
    assert inside
    assert after
    assert _ratio(clip, inside, FACE_BOXES["free"]) < BLURRED_BELOW
    assert _ratio(clip, after, FACE_BOXES["free"]) > 0.5


def test_cancel_corrupt_source_and_dead_detector_leave_nothing(
    clip: Clip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "out" / "redacted.mp4"
    dest.parent.mkdir()
    cancel = threading.Event()
    with pytest.raises(RedactionError) as caught:
        redact(
            clip.path, dest, Plan("masks", regions=(BLUR,)), progress=lambda _f: cancel.set(), cancel=cancel
        )
    assert caught.value.reason == "cancelled"
    assert list(dest.parent.iterdir()) == []

    corrupt = tmp_path / "corrupt.mp4"
    data = bytearray(clip.path.read_bytes())
    data[: len(data) // 2] = bytes(len(data) // 2)
    corrupt.write_bytes(bytes(data))
    with pytest.raises(RedactionError):
        redact(corrupt, dest, Plan("masks", regions=(BLUR,)))
    assert list(dest.parent.iterdir()) == []

    # A detector process that dies on its first picture: an error, not a hang.
    crashing = tmp_path / "crashing_worker.py"
    crashing.write_text(
        "import json, os, sys\n"
        'print(json.dumps({"ready": "crash"}), flush=True)\n'
        "sys.stdin.buffer.read(12)\n"
        "os._exit(3)\n"
    )
    monkeypatch.setattr(detect, "WORKER", crashing)
    with pytest.raises(RedactionError) as caught:
        redact(clip.path, dest, Plan("masks_faces", regions=(BLUR,)))
    assert caught.value.reason == "detector"
    assert "exit status 3" in caught.value.detail
    assert list(dest.parent.iterdir()) == []


def test_detector_status(monkeypatch: pytest.MonkeyPatch) -> None:
    detect.detector_status.cache_clear()
    status = detect.detector_status()
    assert status.available
    assert status.reason is None
    assert status.version
    detect.detector_status.cache_clear()
    monkeypatch.setitem(sys.modules, "dlib", None)  # what an install without dlib looks like
    status = detect.detector_status()
    detect.detector_status.cache_clear()
    assert not status.available
    assert status.reason is not None
    assert "dlib" in status.reason


def test_a_moving_face_stays_covered(tmp_path: Path) -> None:
    # The simulator's own encoding written to a file: the face walks right at 200 px/s (13 px a frame,
    # 67 px between two of the detector's samples; the face is 87 px wide).
    source = tmp_path / "moving.mp4"
    speed, start_x = 200, 20
    simulator.write_clip(
        source,
        seconds=3,
        width=W,
        height=H,
        fps=FPS,
        bitrate=1500,
        pattern="smpte",
        audio="none",
        overlays=[(start_x, 90, FACE)],
        overlay_speed=speed,
    )
    original = _lumas(source)
    dest = tmp_path / "redacted.mp4"
    result = redact(source, dest, Plan("masks_faces"))
    redacted = _lumas(dest)
    assert len(redacted) == len(original) == result.frames
    assert result.detector is not None
    assert result.detector["every_nth"] == FPS // 3
    kept = []
    for (t, before), (_, after) in zip(original, redacted, strict=True):
        x = start_x + 49 + round(speed * t)
        if x + 87 <= W:  # while the whole face is in the picture
            kept.append(_energy(after, (x, 133, x + 87, 220)) / _energy(before, (x, 133, x + 87, 220)))
    print(f"high-frequency energy kept on the moving face: at most {max(kept):.3f} over {len(kept)} frames")
    assert max(kept) < BLURRED_BELOW
