"""One supervised recorder process per camera: stream copy into fMP4 segments, indexed as they finish.

The recorder process (`capture.py`, FFmpeg's libraries through PyAV, run with Home Assistant's own
Python) writes `<camera>/incoming/<UTC start>.mp4` and prints each finished segment on stdout as a JSON
line; the supervisor moves it to `<camera>/<UTC day>/<hour>/` and indexes it.

The camera's own timestamps are recorded untouched (B-frames and their reordering intact). They are
mapped to UTC separately, per connection: by the camera's RTCP sender reports where it sends them (its
NTP clock; the offset from the server's clock at arrival is stored with each segment), else by the
arrival of the connection's earliest video packet. The recorder process decides and names the files.

The process runs in its own process group, dies with its parent (a parent-death signal it sets itself:
no other program is needed), and leaves a pid file per camera, so a recorder of a killed Home Assistant
is found and ended at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import logging
import os
import select
import signal
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from ..store import PRIVATE_UMASK, Store, make_private_folder, segments, write_private
from ..store.segments import Segment
from .camera_config import CameraConfig, checked_source, redact
from .pinning import (
    TLS_REFUSED,
    CertificateChanged,
    CertificateError,
    CertificateUnverifiable,
    RecorderTls,
    check_pin,
    presented_fingerprint,
    recorder_tls,
)
from .probe import ProbeError, probe_duration, refuses_credentials

_LOGGER = logging.getLogger(__name__)

SEGMENT_SECONDS: Final = 10
WATCHDOG_MARGIN: Final = 10.0
CONNECT_GRACE: Final = 15.0
BACKOFF_FIRST: Final = 0.5
BACKOFF_MAX: Final = 60.0
STOP_GRACE: Final = 5.0
INCOMING: Final = "incoming"
PID_FILE: Final = "recorder.pid"
# The pinned certificate, the recorder process's only TLS trust anchor (a public certificate, no secret).
PINNED_CERTIFICATE: Final = "pinned-certificate.pem"
NAME_FORMAT: Final = "%Y%m%dT%H%M%SZ"
G711: Final = frozenset({"pcm_alaw", "pcm_mulaw"})
# Why a camera is down, for the repair (translated by the hub); None: FFmpeg's own words say it.
PROBLEM_STALLED: Final = "stalled"
PROBLEM_NO_STREAM_SOURCE: Final = "no_stream_source"
PROBLEM_CREDENTIALS_REFUSED: Final = "credentials_refused"
PROBLEM_CERTIFICATE_CHANGED: Final = "certificate_changed"
PROBLEM_CERTIFICATE_UNVERIFIABLE: Final = "certificate_unverifiable"
TIME_ARRIVAL: Final = "arrival"
TIME_RTCP: Final = "rtcp"
TIME_FILE_NAME: Final = "file_name"
# A camera clock further than this from the server's is measured but neither names nor places footage
# (a camera that never set its clock would otherwise file today's footage in 1970).
MAX_CAMERA_OFFSET_S: Final = 3600
CAPTURE: Final = Path(__file__).with_name("capture.py")


def build_command(
    python: str,
    url: str,
    incoming: Path,
    audio_codec: str | None,
    record_audio: bool,
    *,
    allow_http: bool = False,
    tls_ca: Path | None = None,
    tls_host: str | None = None,
    parent_pid: int | None = None,
) -> list[str]:
    """The recorder process's command (the URL goes on its stdin): video copied, audio copied or made AAC.

    `tls_ca`: the pinned certificate, checked by FFmpeg on the recorder's own TLS session (against
    `tls_host` when the URL's host is not one of its names). `parent_pid`: the process that starts it
    (this one unless said), whose death ends it (a SIGTERM, which lets it close the open segment).

    Raises SourceRefused for a URL whose protocol is not a camera's.
    """
    protocols = checked_source(url, allow_http=allow_http)
    audio = "none"
    if record_audio and audio_codec:
        # MP4 cannot hold G.711: convert the audio alone, never the video.
        audio = "copy" if audio_codec == "aac" else "aac"
    command = [
        # -P: its own folder is not put on the path (its neighbours are the integration's modules).
        *(python, "-P", str(CAPTURE)),
        *("--output", str(incoming / f"{NAME_FORMAT}.mp4"), "--protocols", protocols),
        *("--segment-seconds", str(SEGMENT_SECONDS), "--audio", audio),
        *("--max-offset", str(MAX_CAMERA_OFFSET_S)),
        *("--parent-pid", str(os.getpid() if parent_pid is None else parent_pid)),
    ]
    if tls_ca is not None:
        command += ["--tls-ca", str(tls_ca)]
        if tls_host:
            command += ["--tls-host", tls_host]
    return command


def name_time_us(name: str) -> int | None:
    """The UTC start encoded in a segment's file name, in microseconds."""
    try:
        moment = datetime.strptime(Path(name).stem, NAME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(moment.timestamp() * 1_000_000)


def segment_folder(camera: str, start_us: int) -> str:
    """`<camera>/<UTC day>/<hour>`: relative to the storage folder."""
    moment = datetime.fromtimestamp(start_us / 1_000_000, UTC)
    return f"{camera}/{moment:%Y-%m-%d}/{moment:%H}"


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks (flat memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_segment(
    store: Store,
    storage: Path,
    camera: str,
    source: Path,
    start_us: int,
    end_us: int,
    origin: str = segments.RECORDED,
    time_source: str | None = None,
    clock_offset_us: int | None = None,
) -> Segment:
    """Move a finished file to its hour folder, hash it and index it (runs on the store's thread)."""
    relative = f"{segment_folder(camera, start_us)}/{source.name}"
    target = storage / relative
    make_private_folder(target.parent)
    if source != target:
        source.replace(target)
    # The recorder process creates it 0600 (its umask); one written by anything else becomes owner-only here.
    target.chmod(0o600)
    size = target.stat().st_size
    digest = sha256_file(target)
    segment_id = store.call(
        segments.add, camera, start_us, end_us, size, relative, digest, origin, time_source, clock_offset_us
    )
    return Segment(segment_id, camera, start_us, end_us, size, relative, time_source, clock_offset_us)


# Recorders left by a killed Home Assistant ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """A process beyond its id (ids are reused): its start in clock ticks since boot, and that boot."""

    pid: int
    start: str
    boot: str

    @classmethod
    def of(cls, pid: int) -> ProcessIdentity | None:
        """The running process `pid`'s identity (Linux), or None when it is gone or a zombie."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        except OSError, IndexError:
            return None
        # After the command and its ")": state (field 3), ..., starttime (field 22).
        if len(fields) < 20 or fields[0] == "Z":
            return None
        return cls(pid, fields[19], boot)

    def text(self) -> str:
        """As the pid file holds it."""
        return json.dumps({"pid": self.pid, "start": self.start, "boot": self.boot})

    @classmethod
    def parse(cls, text: str) -> ProcessIdentity | None:
        """From a pid file's text; None for anything else (an old bare pid proves nothing)."""
        try:
            found = json.loads(text)
            return cls(int(found["pid"]), str(found["start"]), str(found["boot"]))
        except ValueError, TypeError, KeyError:
            return None


def _is_own_recorder(identity: ProcessIdentity, incoming: Path) -> bool:
    """The process is the one the pid file names (not a reused id) and runs capture.py into `incoming`."""
    if ProcessIdentity.of(identity.pid) != identity:
        return False
    try:
        arguments = Path(f"/proc/{identity.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    # As build_command starts it.
    expected = [sys.executable, "-P", str(CAPTURE), "--output", str(incoming / f"{NAME_FORMAT}.mp4")]
    return arguments[:5] == [argument.encode() for argument in expected]


def end_stale_recorders(storage: Path, camera: str) -> list[int]:
    """End the recorder of this storage folder's camera that a killed Home Assistant left (blocking).

    Only a process proven to be that recorder is signalled: the one its pid file names, with the start
    time recorded when it was spawned (so not another process given the same id since), running
    capture.py into this camera's `incoming/`. It is held by a pidfd from that check on, so the SIGKILL
    that follows an ignored SIGTERM reaches the same process (its identity is checked again first).
    Runs at start-up before reconciliation, so its partial files can be salvaged afterwards.
    """
    incoming = storage / camera / INCOMING
    pid_file = storage / camera / PID_FILE
    try:
        identity = ProcessIdentity.parse(pid_file.read_text())
    except OSError:
        identity = None
    pid_file.unlink(missing_ok=True)
    if identity is None or not _is_own_recorder(identity, incoming):
        return []
    try:
        pidfd = os.pidfd_open(identity.pid)
    except OSError:
        return []
    try:
        if not _is_own_recorder(identity, incoming):
            return []  # exited (and its id reused) before the pidfd held it
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if sig == signal.SIGKILL and not _is_own_recorder(identity, incoming):
                break
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(pidfd, sig)
            if select.select([pidfd], [], [], STOP_GRACE)[0]:
                break  # readable: it exited
    finally:
        os.close(pidfd)
    return [identity.pid]


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
        self._process: asyncio.subprocess.Process | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self.paused = False
        self.online = False
        self.down_since: float | None = time.monotonic()
        self.last_segment: Segment | None = None
        self.restarts = 0
        self.disk_full = False
        self.credentials_refused = False
        self.problem: str | None = None
        self._run_problem: str | None = None
        self._refused_this_run = False
        self._tls_refused_this_run = False
        self.stderr_tail: deque[str] = deque(maxlen=20)
        # Where the next segment starts, and how its time was mapped (for one a killed recorder left).
        self._expected: tuple[int, str, int | None] | None = None
        self._logged_errors: set[str] = set()

    # Public ------------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """True while the recorder process runs and segments arrive."""
        return self.online and not self.paused

    @property
    def pid(self) -> int | None:
        """The running recorder process's id."""
        return self._process.pid if self._process and self._process.returncode is None else None

    async def current_url(self) -> str | None:
        """The stream URL to record now (a camera entity's source is looked up each time)."""
        return await self._resolve_url() if self._resolve_url else self.camera.stream_url

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever the recorder's state changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def start(self) -> None:
        """Start supervising."""
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
                _LOGGER.warning(
                    "%s stopped recording: %s",
                    self.camera.name,
                    self.stderr_tail[-1] if self.stderr_tail else "the recorder process exited",
                )
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
            await self.salvage()
        if self._tls_refused_this_run and not produced:
            await self._refused_on_own_connection(url)
            return False
        self._check_credentials(produced)
        # Kept until the next run ends, so a repair raised meanwhile reads a settled reason.
        self.problem = self._run_problem
        return produced

    async def _same_certificate(self, url: str) -> RecorderTls | Literal[False] | None:
        """An rtsps:// camera presents the certificate pinned when it was added (a TLS handshake only).

        That handshake is a connection of its own: the recorder process checks its own against the pinned
        certificate too (returned here for it; None without a pin). False: the camera is not recorded.
        """
        try:
            der = await check_pin(url, self.camera.tls_fingerprint)
            return None if der is None else recorder_tls(der, url, datetime.now(UTC))
        except CertificateChanged as err:
            self._certificate_refused(err.pinned, err.presented)
        except CertificateError as err:
            self.problem = None
            self._note(f"no TLS certificate read from the camera ({err.reason})")
        except CertificateUnverifiable as err:
            self.problem = PROBLEM_CERTIFICATE_UNVERIFIABLE
            self._note(
                f"the pinned certificate cannot be checked on the recorder's own connection: {err.reason}"
            )
        return False

    def _certificate_refused(self, pinned: str, presented: str) -> None:
        self.problem = PROBLEM_CERTIFICATE_CHANGED
        self._note(f"certificate changed: {pinned} → {presented}")
        if self._on_certificate_changed and not self._stopping:
            self._on_certificate_changed(pinned, presented)

    async def _refused_on_own_connection(self, url: str) -> None:
        """The recorder's own TLS session did not present the pinned certificate: nothing was sent on it.

        The camera is asked again for the repair's "presented now"; one that shows the pinned certificate
        to that handshake alone (a machine in the middle choosing whom to deceive) is named by the note.
        """
        pinned = self.camera.tls_fingerprint or ""
        try:
            presented = await presented_fingerprint(url)
        except CertificateError:
            presented = pinned
        if presented != pinned:
            self._certificate_refused(pinned, presented)
            return
        self.problem = PROBLEM_CERTIFICATE_CHANGED
        self._note("the recorder's own TLS connection presented another certificate than the pinned one")

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
        await self.store.async_job(_make_folder, self.incoming)
        if tls is not None:
            await self.store.async_job(write_private, self.pinned_certificate, tls.pem)
        command = build_command(
            sys.executable,
            url,
            self.incoming,
            self.camera.audio_codec,
            self.camera.record_audio,
            allow_http=self._resolve_url is not None,
            tls_ca=None if tls is None else self.pinned_certificate,
            tls_host=None if tls is None else tls.host,
        )
        # Started from the event loop's thread, which lives as long as Home Assistant: the parent-death
        # signal the recorder process asks for follows the thread that started it, not the process.
        self._process = process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            # Home Assistant's own import path (its `deps` folder included), for PyAV.
            env={**os.environ, "TZ": "UTC", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            # Every segment is born owner-only (0600), not only reachable through the 0700 folder.
            umask=PRIVATE_UMASK,
            # Its own process group: a Ctrl-C or a signal to Home Assistant's group never cuts a segment.
            process_group=0,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        stderr_task = asyncio.create_task(self._read_stderr(process.stderr))
        try:
            # On stdin, not the command line: /proc/<pid>/cmdline is readable by every local user.
            process.stdin.write(url.encode() + b"\n")
            with contextlib.suppress(ConnectionError):
                await process.stdin.drain()
            process.stdin.close()
            await self.store.async_job(_write_pid, self.pid_file, process.pid)
            return await self._follow(process.stdout)
        finally:
            await self._terminate()
            await stderr_task
            with contextlib.suppress(Exception):
                await self.store.async_job(_remove, self.pid_file)

    async def _follow(self, stdout: asyncio.StreamReader) -> bool:
        """Index each segment the recorder process finishes, with its UTC span and time source."""
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
            if end_us <= start_us:
                # Opened and closed with no sample (stopped at a cut): nothing to play or keep.
                await self.store.async_job(_remove, self.incoming / name)
                _LOGGER.debug("%s: removed empty segment %s", self.camera.name, name)
                continue
            await self._index(self.incoming / name, start_us, end_us, source, offset_us)
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
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            # SIGINT lets the recorder process finish the open segment.
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()

    async def _index(
        self, path: Path, start_us: int, end_us: int, time_source: str, clock_offset_us: int | None = None
    ) -> None:
        try:
            segment = await self.store.async_job(
                file_segment,
                self.store,
                self.storage,
                self.camera.id,
                path,
                start_us,
                end_us,
                segments.RECORDED,
                time_source,
                clock_offset_us,
            )
        except FileNotFoundError:
            _LOGGER.warning("%s: segment %s vanished before indexing", self.camera.name, path.name)
            return
        self._expected = (end_us, time_source, clock_offset_us)
        self.last_segment = segment
        self.credentials_refused = False  # footage arrives: whatever was refused is accepted now
        self._set_online(True)
        if self._on_segment:
            self._on_segment(segment)
        self._notify()

    async def salvage(self) -> int:
        """Index what a stopped or killed recorder process left in `incoming/`, to its last whole fragment."""
        try:
            names = await self.store.async_job(_list_mp4, self.incoming)
        except FileNotFoundError:
            return 0
        indexed = 0
        for name in names:
            path = self.incoming / name
            try:
                duration = await probe_duration(self.ffprobe_binary, path)
            except ProbeError:
                # Without ffprobe nothing can tell playable from broken: kept for a later salvage.
                _LOGGER.warning("%s: ffprobe does not run; %s stays in incoming/", self.camera.name, name)
                break
            if duration is None:
                # Not one whole fragment: no playable footage in it.
                await self.store.async_job(_remove, path)
                _LOGGER.debug("%s: removed empty segment %s", self.camera.name, name)
                continue
            start_us = name_time_us(name)
            source = TIME_FILE_NAME
            offset_us: int | None = None
            if self._expected is not None and (
                start_us is None or abs(start_us - self._expected[0]) < 1_500_000
            ):
                # The segment that followed the last finished one: start exactly where it ended,
                # on the same clock.
                start_us, source, offset_us = self._expected
            if start_us is None:
                start_us = int((await self.store.async_job(_mtime, path) - duration) * 1_000_000)
            await self._index(path, start_us, start_us + round(duration * 1_000_000), source, offset_us)
            indexed += 1
        self._expected = None
        return indexed


def _is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(err, sqlite3.OperationalError) and "disk is full" in str(err)


def parse_report(line: bytes) -> tuple[str, int, int, str, int | None] | None:
    """(name, start_us, end_us, time source, offset_us) of a finished segment's JSON line, or None."""
    try:
        report = json.loads(line)
        name = report["name"]
        start_us, end_us = int(report["start_us"]), int(report["end_us"])
        source = report["time_source"]
        offset = report.get("offset_us")
    except ValueError, TypeError, KeyError:
        return None
    if not isinstance(name, str) or "/" in name or not name.endswith(".mp4"):
        return None
    if source not in (TIME_RTCP, TIME_ARRIVAL) or end_us < start_us:
        return None
    return name, start_us, end_us, source, None if offset is None else int(offset)


def _make_folder(folder: Path) -> None:
    make_private_folder(folder)


def _write_pid(path: Path, pid: int) -> None:
    # Its start time is read now, while it is this process's unreaped child (its id not reusable yet).
    identity = ProcessIdentity.of(pid)
    if identity is not None:
        write_private(path, identity.text() + "\n")


def _list_mp4(folder: Path) -> list[str]:
    return sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".mp4"))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime
