"""The face detector's process and the faces carried through a clip, each failure an error and never a hang.

Stand-in workers (a few lines of Python run exactly as face_worker.py is) play a detector that breaks,
never starts, never answers or never ends; FaceTrack is checked with a stand-in detector that answers at
once, so its picture preparation and its rule of carrying boxes between samples are seen frame by frame.
The real detector on real footage is test_redaction_engine's.
"""

from __future__ import annotations

import sys
import textwrap
import threading
import time
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av
import numpy as np
import pytest

from custom_components.doorbell_vault.redaction import detect, faces
from custom_components.doorbell_vault.redaction.errors import RedactionError
from custom_components.doorbell_vault.redaction.regions import Region

READY = 'import json, sys\nprint(json.dumps({"ready": "stand-in"}), flush=True)\n'


def _worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    worker = tmp_path / "worker.py"
    worker.write_text(textwrap.dedent(body))
    monkeypatch.setattr(detect, "WORKER", worker)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # Lines that are not JSON or say nothing known are passed over; the worker's error is the reason.
        pytest.param(
            'import json\nprint("dlib: warming up", flush=True)\nprint(json.dumps({"note": 1}), flush=True)\n'
            'print(json.dumps({"error": "dlib cannot load its model"}), flush=True)\n',
            "dlib cannot load its model",
            id="its error",
        ),
        # A worker that dies at once: its exit status and its last words (what the owner's log needs).
        pytest.param(
            'import sys\nsys.stderr.write("ImportError: numpy\\n")\nsys.exit(4)\n',
            "(exit status 4) ImportError: numpy",
            id="its death",
        ),
    ],
)
def test_a_detector_that_cannot_start_is_an_error_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, said: str
) -> None:
    _worker(tmp_path, monkeypatch, body)
    with pytest.raises(RedactionError) as caught:
        detect.FaceDetector()
    assert caught.value.reason == "detector"
    assert said in caught.value.detail


class _SlowStderrReader(threading.Thread):
    """The start of the stderr reader delayed, as a busy machine did in CI: the death must still be heard."""

    def start(self) -> None:
        if self.name == "face-detector-stderr":
            time.sleep(0.5)
        super().start()


def test_a_worker_that_dies_before_its_stderr_is_read_is_still_its_death(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _worker(tmp_path, monkeypatch, 'import sys\nsys.stderr.write("ImportError: numpy\\n")\nsys.exit(4)\n')
    monkeypatch.setattr(detect.threading, "Thread", _SlowStderrReader)
    monkeypatch.setattr(detect, "START_TIMEOUT_S", 5.0)
    with pytest.raises(RedactionError) as caught:
        detect.FaceDetector()
    assert "(exit status 4) ImportError: numpy" in caught.value.detail


def test_an_unreadable_answer_ends_the_detector_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Answers the first picture (a 12-byte header and 8 by 8 grey bytes) with a face of one number.
    answer = 'sys.stdin.buffer.read(76)\nprint(json.dumps({"i": 0, "faces": [[1]]}), flush=True)\n'
    _worker(tmp_path, monkeypatch, READY + answer + "sys.stdin.buffer.read()\n")
    detector = detect.FaceDetector()
    try:
        detector.submit(0, np.zeros((8, 8), np.uint8))
        with pytest.raises(RedactionError) as caught:
            detector.faces(0)
        assert caught.value.detail.startswith("unreadable answer:")
    finally:
        detector.close()


def test_a_detector_that_never_starts_or_cannot_be_run_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Silent until its input ends (the close that follows the give-up).
    _worker(tmp_path, monkeypatch, "import sys\nsys.stdin.buffer.read()\n")
    monkeypatch.setattr(detect, "START_TIMEOUT_S", 0.3)
    with pytest.raises(RedactionError) as caught:
        detect.FaceDetector()
    assert (caught.value.reason, caught.value.detail) == ("detector", "did not start in time")

    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(RedactionError) as caught:
        detect.FaceDetector()
    assert caught.value.reason == "detector"
    assert caught.value.detail.startswith("cannot start:")


def test_waiting_for_an_answer_ends_on_cancel_or_after_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Takes pictures, never answers; ends when its input ends.
    _worker(tmp_path, monkeypatch, READY + "sys.stdin.buffer.read()\n")
    detector = detect.FaceDetector()
    try:
        assert detector.version == "stand-in"
        detector.submit(0, np.zeros((8, 8), np.uint8))
        assert not detector.done(0)
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(RedactionError) as caught:
            detector.faces(0, cancel)
        assert caught.value.reason == "cancelled"
        monkeypatch.setattr(detect, "ANSWER_TIMEOUT_S", 0.3)
        with pytest.raises(RedactionError) as caught:
            detector.faces(0)
        assert (caught.value.reason, caught.value.detail) == ("detector", "no answer in time")
    finally:
        detector.close()
    assert detector._process.returncode == 0


def test_a_detector_that_does_not_end_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _worker(tmp_path, monkeypatch, READY + "import time\ntime.sleep(60)\n")
    monkeypatch.setattr(detect, "CLOSE_TIMEOUT_S", 0.3)
    detector = detect.FaceDetector()
    detector.close()
    # Killed after its grace (not waited for a minute): no clock read here, the signal says it.
    assert detector._process.returncode == -9
    assert not any(thread.is_alive() for thread in detector._threads)


def test_detector_status_without_package_metadata_or_with_a_broken_dlib(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    request.addfinalizer(detect.detector_status.cache_clear)

    def unknown(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    # dlib installed some other way than the dlib-bin wheel: found, its version its own.
    monkeypatch.setattr(metadata, "version", unknown)
    detect.detector_status.cache_clear()
    status = detect.detector_status()
    assert status.available
    assert status.version == (getattr(sys.modules["dlib"], "__version__", "") or None)

    def broken() -> None:
        raise RuntimeError("illegal instruction in the HOG model")

    monkeypatch.setitem(sys.modules, "dlib", SimpleNamespace(get_frontal_face_detector=broken))
    detect.detector_status.cache_clear()
    status = detect.detector_status()
    assert not status.available
    assert status.reason == "dlib does not work: RuntimeError: illegal instruction in the HOG model"
    assert status.version is None


class _StandIn:
    """A detector that answers at once: `found[i]` are the boxes of picture i (pixels of what was sent)."""

    def __init__(self, found: dict[int, list[tuple[int, int, int, int, float]]]) -> None:
        self.found = found
        self.sent: dict[int, Any] = {}
        self.version = "stand-in"
        self.closed = False

    def submit(self, index: int, picture: Any) -> None:
        self.sent[index] = picture

    def done(self, index: int) -> bool:
        return False  # never seen done: frames wait until two samples are held (or the end)

    def faces(
        self, index: int, cancel: threading.Event | None = None
    ) -> list[tuple[int, int, int, int, float]]:
        assert index in self.sent
        return self.found.get(index, [])

    def close(self) -> None:
        self.closed = True


def _track(monkeypatch: pytest.MonkeyPatch, stand_in: _StandIn, *args: Any) -> faces.FaceTrack:
    monkeypatch.setattr(faces, "FaceDetector", lambda _threshold: stand_in)
    return faces.FaceTrack(*args)


def test_a_wide_picture_goes_to_the_detector_grey_and_averaged_down(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = _StandIn({})
    track = _track(monkeypatch, stand_in, (), 1920, 1080, 3)
    rng = np.random.default_rng(7)
    frame = av.VideoFrame.from_ndarray(rng.integers(0, 256, (1080, 1920, 3), np.uint8), format="rgb24")
    assert track.add(0, frame, 0.0, None) == []
    grey = frame.to_ndarray(format="gray").astype(np.uint16)
    expected = (grey.reshape(540, 2, 960, 2).sum(axis=(1, 3)) // 4).astype(np.uint8)
    np.testing.assert_array_equal(stand_in.sent[0], expected)
    assert track.description()["scale"] == 0.5
    track.close()
    assert stand_in.closed


def test_a_face_is_carried_past_a_sample_that_misses_it_and_left_alone_in_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    door = Region("door", "rect", ((0.5, 0.0), (1.0, 1.0)))
    # Sample 0: a face on the left; sample 2 misses it; sample 4: only a face in the clear region.
    stand_in = _StandIn({0: [(8, 8, 24, 24, 1.0)], 4: [(40, 8, 56, 24, 1.0)]})
    track = _track(monkeypatch, stand_in, (door,), 64, 32, 2)
    out = []
    for index in range(6):
        frame = av.VideoFrame(64, 32, "yuv420p")
        ready = track.add(index, frame, index / 10, None)
        # Frames wait while their sample's answer is not in and fewer than two samples are held.
        out += [(at_s, boxes) for _frame, at_s, boxes in ready]
        if index < 4:
            assert ready == []
    out += [(at_s, boxes) for _frame, at_s, boxes in track.finish(None)]
    assert [at_s for at_s, _ in out] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    left = (0.125 - 0.35 * 0.25, 0.25 - 0.35 * 0.5, 0.375 + 0.35 * 0.25, 0.75 + 0.35 * 0.5)
    for at_s, boxes in out[:4]:
        assert boxes == [pytest.approx(left)], at_s
    assert [boxes for _, boxes in out[4:]] == [[], []]
    assert track.detected_ranges() == [(0, 3)]
    assert track.most_faces == 1
    assert track.areas(out[0][1], 64, 32)
