"""Faces found by dlib's HOG detector, in a process of its own.

`detector_status()` says whether the detector can run here (dlib-bin installs on musl and glibc, amd64
and aarch64, but a broken or missing install must only switch faces off, with the reason, never stop
the integration). `FaceDetector` runs `face_worker.py` by path (`python -P`, so nothing of ours is on its
path) and exchanges grey pictures and boxes with it over pipes; its own threads feed and read it, so
the caller's decoding and encoding go on while it works. A detector that dies or stops answering is a
`RedactionError`, never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import queue
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from .errors import RedactionError

WORKER: Final = Path(__file__).with_name("face_worker.py")
NAME: Final = "dlib HOG frontal face detector"
PACKAGE: Final = "dlib-bin"
THRESHOLD: Final = 0.0
START_TIMEOUT_S: Final = 60.0
ANSWER_TIMEOUT_S: Final = 60.0
# A detector asked to end (its input closed) that has not ended by then is killed.
CLOSE_TIMEOUT_S: Final = 5.0
# index, width, height of each picture sent (face_worker.HEADER).
HEADER: Final = struct.Struct("<III")

Face = tuple[int, int, int, int, float]


@dataclass(frozen=True, slots=True)
class DetectorStatus:
    """Whether faces can be found here; `reason` says why not (shown by the panel)."""

    available: bool
    reason: str | None
    name: str
    version: str | None


@functools.cache
def detector_status() -> DetectorStatus:
    """Whether dlib imports here (checked once; the import stays loaded but detection runs elsewhere)."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        version = None
    try:
        import dlib  # type: ignore[import-untyped,import-not-found,unused-ignore]

        dlib.get_frontal_face_detector()
    except ImportError as err:
        return DetectorStatus(False, f"dlib does not import: {err}"[:200], NAME, version)
    except Exception as err:
        return DetectorStatus(False, f"dlib does not work: {type(err).__name__}: {err}"[:200], NAME, version)
    return DetectorStatus(True, None, NAME, version or str(getattr(dlib, "__version__", "")) or None)


async def async_detector_status() -> DetectorStatus:
    """detector_status() from the event loop (importing dlib blocks, once)."""
    return await asyncio.get_running_loop().run_in_executor(None, detector_status)


class FaceDetector:
    """One detector process for one clip: `submit` grey pictures, `faces` waits for one's answer."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", str(WORKER), repr(threshold)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as err:
            raise RedactionError("detector", f"cannot start: {err}") from err
        self._answers: dict[int, list[Face]] = {}
        self._ready: str | None = None
        self._dead: str | None = None
        self._condition = threading.Condition()
        self._outbox: queue.Queue[tuple[int, bytes, int, int] | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        # The stderr reader starts first: the stdout reader joins it when the process ends (to quote its last
        # words); joining a thread not yet started raises, which left a dead worker unnoticed for a minute.
        self._stderr_thread = threading.Thread(target=self._drain, name="face-detector-stderr", daemon=True)
        self._threads = [
            self._stderr_thread,
            threading.Thread(target=self._read, name="face-detector-read", daemon=True),
            threading.Thread(target=self._write, name="face-detector-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        with self._condition:
            while self._ready is None and self._dead is None:
                if not self._condition.wait(max(0.0, deadline - time.monotonic())):
                    self._dead = "did not start in time"
        failure = self._failure()
        if failure is not None:
            self.close()
            raise RedactionError("detector", failure)
        self.version: str | None = self._ready

    def _failure(self) -> str | None:
        with self._condition:
            return self._dead

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            try:
                message: dict[str, Any] = json.loads(line)
            except ValueError:
                continue
            with self._condition:
                try:
                    self._take(message)
                except TypeError, ValueError, KeyError, IndexError:
                    # Said to whoever waits, instead of a reader that dies and leaves them to time out.
                    self._dead = f"unreadable answer: {line[:120]!r}"
                    self._process.kill()
                self._condition.notify_all()
        code = self._process.wait()
        # Its last words (a traceback) are read by the stderr thread: wait for them before quoting them.
        self._stderr_thread.join(CLOSE_TIMEOUT_S)
        with self._condition:
            if self._dead is None:
                tail = " | ".join(self._stderr)[-300:]
                self._dead = f"the detector process ended (exit status {code}) {tail}".strip()
            self._condition.notify_all()

    def _take(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if "ready" in message:
            self._ready = str(message["ready"])
        elif "error" in message:
            self._dead = str(message["error"])
        elif "i" in message:
            self._answers[int(message["i"])] = [
                (int(f[0]), int(f[1]), int(f[2]), int(f[3]), float(f[4])) for f in message["faces"]
            ]

    def _write(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        with contextlib.suppress(OSError, ValueError):
            while (item := self._outbox.get()) is not None:
                index, data, width, height = item
                stdin.write(HEADER.pack(index, width, height))
                stdin.write(data)
                stdin.flush()
            stdin.write(bytes(12))
            stdin.close()

    def _drain(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.decode(errors="replace").rstrip()[:200])

    def submit(self, index: int, picture: NDArray[np.uint8]) -> None:
        """Queue a grey picture (2-D uint8) for detection; the answer is kept under `index`."""
        height, width = picture.shape
        self._outbox.put((index, np.ascontiguousarray(picture).tobytes(), width, height))

    def done(self, index: int) -> bool:
        """Whether the answer for `index` is in (never waits)."""
        with self._condition:
            return index in self._answers

    def faces(self, index: int, cancel: threading.Event | None = None) -> list[Face]:
        """The faces of picture `index` (pixels of the picture sent); waits for the answer."""
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        with self._condition:
            while index not in self._answers:
                if self._dead is not None:
                    raise RedactionError("detector", self._dead)
                if cancel is not None and cancel.is_set():
                    raise RedactionError("cancelled")
                if time.monotonic() > deadline:
                    raise RedactionError("detector", "no answer in time")
                self._condition.wait(0.2)
            return self._answers.pop(index)

    def close(self) -> None:
        """End the process (politely, then by force) and its threads."""
        self._outbox.put(None)
        try:
            self._process.wait(CLOSE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for thread in self._threads:
            thread.join(CLOSE_TIMEOUT_S)
