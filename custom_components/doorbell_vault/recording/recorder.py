"""One supervised recorder process per camera: restarted with backoff, watched, its segments indexed.

The recorder process (`capture.py`, PyAV; forked by recorder_server.py) writes `<camera>/incoming/<UTC
start>.mp4` and prints each finished segment on stdout as a JSON line; the supervisor files it in
`<camera>/<UTC day>/<hour>/` and indexes it (segment_filing.py).

The camera's own timestamps are recorded untouched (B-frames and their reordering intact). They are
mapped to UTC separately, per connection: by the camera's RTCP sender reports where it sends them (its
NTP clock; the offset from the server's clock at arrival is stored with each segment), else by the
arrival of the connection's earliest video packet. The recorder process decides and names the files.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal

from ..store import Store, make_private_folder, write_private
from ..store.segments import Segment
from .camera_config import CameraConfig, redact
from .pinning import TLS_REFUSED, PinRefused, RecorderTls, recorder_pin, refused_on_own_connection
from .probe import refuses_credentials
from .recorder_process import (
    INCOMING,
    PID_FILE,
    PINNED_CERTIFICATE,
    SEGMENT_SECONDS,
    STOP_GRACE,
    capture_arguments,
    write_pid,
)
from .recorder_server import ForkedRecorder
from .segment_filing import Expected, Filings, parse_report, remove

_LOGGER = logging.getLogger(__name__)

WATCHDOG_MARGIN: Final = 10.0
CONNECT_GRACE: Final = 15.0
BACKOFF_FIRST: Final = 0.5
BACKOFF_MAX: Final = 60.0
# Why a camera is down, for the repair (translated by the hub); None: FFmpeg's own words say it.
PROBLEM_STALLED: Final = "stalled"
PROBLEM_NO_STREAM_SOURCE: Final = "no_stream_source"
PROBLEM_CREDENTIALS_REFUSED: Final = "credentials_refused"


type Listener = Callable[[], None]


class Recorder:
    """Supervise one camera's recorder process: restart with backoff, watch for stalls, index segments.

    Whatever goes wrong (the recorder process, the disk, the index) is logged once, shows the camera
    offline and is retried with backoff; the supervisor itself never ends before stop().
    """

    def __init__(
        self,
        camera: CameraConfig,
        storage: Path,
        store: Store,
        ffprobe_binary: str,
        *,
        resolve_url: Callable[[], Awaitable[str | None]] | None = None,
        on_segment: Callable[[Segment], None] | None = None,
        on_disk_full: Callable[[], Awaitable[bool]] | None = None,
        on_credentials_refused: Callable[[], None] | None = None,
        on_certificate_changed: Callable[[str, str], None] | None = None,
    ) -> None:
        """Prepare, without starting."""
        self.camera = camera
        self.storage = storage
        self.store = store
        self.ffprobe_binary = ffprobe_binary
        self.incoming = storage / camera.id / INCOMING
        self.pid_file = storage / camera.id / PID_FILE
        self.pinned_certificate = storage / camera.id / PINNED_CERTIFICATE
        self._resolve_url = resolve_url
        self._on_segment = on_segment
        self._on_disk_full = on_disk_full
        self._on_credentials_refused = on_credentials_refused
        self._on_certificate_changed = on_certificate_changed
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._process: ForkedRecorder | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self.paused = False
        self.online = False
        self.down_since: float | None = time.monotonic()
        self.restarts = 0
        self.disk_full = False
        self.credentials_refused = False
        self.problem: str | None = None
        self._run_problem: str | None = None
        self._refused_this_run = False
        self._tls_refused_this_run = False
        self.stderr_tail: deque[str] = deque(maxlen=20)
        # Where the next segment starts, and how its time was mapped (for one a killed recorder left).
        self._expected: Expected | None = None
        self._filings = Filings(store, storage, camera.id, self.incoming, ffprobe_binary)
        self._filing_failed: Exception | None = None
        self._logged_errors: set[str] = set()

    # Public ------------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """True while the recorder process runs and segments arrive."""
        return self.online and not self.paused

    @property
    def last_segment(self) -> Segment | None:
        """The newest segment filed."""
        return self._filings.newest

    @property
    def pid(self) -> int | None:
        """The running recorder process's id."""
        return self._process.pid if self._process and self._process.running else None

    async def current_url(self) -> str | None:
        """The stream URL to record now (a camera entity's source is looked up each time)."""
        return await self._resolve_url() if self._resolve_url else self.camera.stream_url

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever the recorder's state changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def start(self) -> None:
        """Start supervising (again after a stop: a footage move that failed records on)."""
        self._stopping = False
        self._wake.clear()
        self._task = asyncio.get_running_loop().create_task(
            self._supervise(), name=f"doorbell_vault recorder {self.camera.name}"
        )

    async def stop(self) -> None:
        """Stop the recorder process gracefully (the open segment is finished) and index what it left."""
        self._stopping = True
        self._wake.set()
        await self._terminate()
        if self._task:
            # Normally the loop ends by itself once the recorder process is gone; a stuck lookup is cancelled.
            done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE)
            if not done:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._filings.done()

    async def set_paused(self, paused: bool) -> None:
        """Pause or resume recording."""
        if paused == self.paused:
            return
        self.paused = paused
        self._wake.set()
        if paused:
            await self._terminate()
        self._notify()

    def stopping(self) -> bool:
        """True once stop() was called."""
        return self._stopping

    # Supervision ---------------------------------------------------------------------------------

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        if online:
            if self.down_since is not None and self.restarts:
                _LOGGER.info("%s is recording again", self.camera.name)
            self.down_since = None
            self.disk_full = False
        else:
            self.down_since = time.monotonic()
            if not self._stopping and not self.paused:
                last = self.stderr_tail[-1] if self.stderr_tail else "the recorder process exited"
                _LOGGER.warning("%s stopped recording: %s", self.camera.name, last)
        self._notify()

    def _note(self, text: str) -> None:
        self.stderr_tail.append(redact(text, self.camera.password, self.camera.username))

    async def _sleep(self, seconds: float) -> None:
        # Cleared after waking, not before: a stop or resume that came earlier still counts.
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _supervise(self) -> None:
        backoff = BACKOFF_FIRST
        while not self.stopping():
            if self.paused:
                await self._sleep(3600)
                continue
            produced = False
            try:
                produced = await self._attempt()
            except Exception as err:  # whatever it is: the camera shows offline and it is retried
                self._failed(err)
            if self.stopping():
                break
            if not self.paused:
                self._set_online(False)
            if self.disk_full and self._on_disk_full is not None:
                with contextlib.suppress(Exception):
                    if await self._on_disk_full():
                        produced = True  # room was made: try again at once
            self.restarts += 1
            backoff = BACKOFF_FIRST if produced else min(backoff * 2, BACKOFF_MAX)
            await self._sleep(backoff)
        self._set_online(False)

    async def _attempt(self) -> bool:
        url = await self.current_url()
        if not url:
            self.problem = PROBLEM_NO_STREAM_SOURCE
            self._note("no stream source")
            return False
        tls = await self._same_certificate(url)
        if tls is False:
            return False  # not started: the stored credentials never go to another certificate's server
        if self._stopping or self.paused:
            return False  # stopped or paused during the handshake
        try:
            produced = await self._run_once(url, tls)
        finally:
            await self._salvage_later()
        if self._tls_refused_this_run and not produced:
            self._pin_refused(await refused_on_own_connection(url, self.camera.tls_fingerprint or ""))
            return False
        self._check_credentials(produced)
        # Kept until the next run ends, so a repair raised meanwhile reads a settled reason.
        self.problem = self._run_problem
        return produced

    async def _same_certificate(self, url: str) -> RecorderTls | Literal[False] | None:
        """The pinned certificate for the recorder's own connection (None: no pin); False: not recorded."""
        checked = await recorder_pin(url, self.camera.tls_fingerprint)
        if isinstance(checked, PinRefused):
            self._pin_refused(checked)
            return False
        return checked

    def _pin_refused(self, refused: PinRefused) -> None:
        self.problem = refused.problem
        self._note(refused.note)
        if refused.changed is not None and self._on_certificate_changed and not self._stopping:
            self._on_certificate_changed(*refused.changed)

    def _check_credentials(self, produced: bool) -> None:
        refused = self._refused_this_run and not produced
        changed = refused != self.credentials_refused
        self.credentials_refused = refused
        if changed:
            self._notify()
        if refused and not self._stopping:
            self._run_problem = PROBLEM_CREDENTIALS_REFUSED
            if changed:
                _LOGGER.warning("%s refuses its user name or password", self.camera.name)
            if self._on_credentials_refused:
                self._on_credentials_refused()

    def _failed(self, err: Exception) -> None:
        full = _is_disk_full(err)
        self.disk_full = self.disk_full or full
        self.problem = None  # the repair quotes what went wrong
        text = "disk full" if full else redact(f"{type(err).__name__}: {err}", self.camera.password)
        self._note(text)
        key = f"{type(err).__name__}:{getattr(err, 'errno', '')}"
        if key in self._logged_errors:
            _LOGGER.debug("%s: recorder failed again: %s", self.camera.name, text)
            return
        self._logged_errors.add(key)
        _LOGGER.error(
            "%s: recording failed (%s); retrying with backoff", self.camera.name, text, exc_info=not full
        )

    async def _run_once(self, url: str, tls: RecorderTls | None) -> bool:
        self._refused_this_run = False
        self._tls_refused_this_run = False
        self._run_problem = None
        # Files alone, no index: not behind the store's queue (a backup holds it for up to half an hour).
        await asyncio.to_thread(make_private_folder, self.incoming)
        if tls is not None:
            await asyncio.to_thread(write_private, self.pinned_certificate, tls.pem)
        arguments = capture_arguments(
            url,
            self.incoming,
            self.camera.audio_codec,
            self.camera.record_audio,
            allow_http=self._resolve_url is not None,
            tls_ca=None if tls is None else self.pinned_certificate,
            tls_host=None if tls is None else tls.host,
        )
        self._process = process = await ForkedRecorder.start(arguments, url)
        stderr_task = asyncio.create_task(self._read_stderr(process.stderr))
        try:
            await asyncio.to_thread(write_pid, self.pid_file, process.pid, process.pidfd)
            produced = await self._follow(process.stdout)
        finally:
            await self._terminate()
            await stderr_task
            with contextlib.suppress(Exception):
                await asyncio.to_thread(remove, self.pid_file)
        if (failed := self._filing_failed) is not None:
            self._filing_failed = None
            raise failed
        return produced

    async def _follow(self, stdout: asyncio.StreamReader) -> bool:
        """Queue each segment the recorder process finishes for filing (the store may be held meanwhile)."""
        produced = False
        timeout = 2 * SEGMENT_SECONDS + WATCHDOG_MARGIN + CONNECT_GRACE
        while True:
            try:
                line = await asyncio.wait_for(stdout.readline(), timeout)
            except TimeoutError:
                self._run_problem = PROBLEM_STALLED
                self._note(f"no new segment for {timeout:.0f} s")
                _LOGGER.debug("%s: watchdog fired", self.camera.name)
                return produced
            if not line:
                return produced
            report = parse_report(line)
            if report is None:
                continue
            name, start_us, end_us, source, offset_us = report
            self._filings.add([name], partial(self._file_reported, self._process, *report))
            if end_us <= start_us:
                continue
            self._expected = (end_us, source, offset_us)
            produced = True
            timeout = 2 * SEGMENT_SECONDS + WATCHDOG_MARGIN

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        async for raw in stream:
            text = raw.decode(errors="replace").strip()
            if text:
                self._refused_this_run |= refuses_credentials(text)
                self._tls_refused_this_run |= any(words in text for words in TLS_REFUSED)
                self._note(text)
                if "No space left on device" in text:
                    self.disk_full = True

    async def _terminate(self) -> None:
        if self._process is not None:
            await self._process.stop()

    async def _file_reported(self, process: ForkedRecorder | None, name: str, *report: Any) -> None:
        """File a segment `process` reported; a failure ends the running recorder (its run raises it)."""
        try:
            segment = await self._filings.file(self.incoming / name, *report)
        except Exception as err:
            self._filing_failed = err
            await self._terminate()
            return
        if segment is not None and process is self._process and self.pid is not None:
            self.credentials_refused = False  # footage arrives: whatever was refused is accepted now
            self._set_online(True)
            if self._on_segment:
                self._on_segment(segment)
        self._notify()

    async def _salvage_later(self) -> None:
        """Queue the salvage of what the ended run left, with its continuation; the next run starts meanwhile.

        The next run's segments share nothing with it; its recorder process names its files by later times.
        """
        expected, self._expected = self._expected, None
        if names := await self._filings.leftovers():
            self._filings.add(names, partial(self._salvage, names, expected))

    async def _salvage(self, names: list[str], expected: Expected | None) -> None:
        try:
            await self._filings.salvage(names, expected, self.camera.name)
        except Exception as err:  # the files stay in incoming/ for the salvage after the next run
            self._failed(err)
        self._notify()

    async def salvage(self) -> int:
        """Index what a stopped or killed recorder process left in `incoming/`, to its last whole fragment."""
        expected, self._expected = self._expected, None
        return await self._filings.add((), partial(self._filings.salvage, None, expected, self.camera.name))


def _is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(err, sqlite3.OperationalError) and "disk is full" in str(err)
