"""One supervised ffmpeg per camera: stream copy into fragmented-MP4 segments, indexed as they finish.

ffmpeg writes `<camera>/incoming/<UTC start>.mp4` and prints each finished segment on stdout (a CSV
segment list); the recorder moves it to `<camera>/<UTC day>/<hour>/` and indexes it. With
`use_wallclock_as_timestamps` the segment list's times are arrival times relative to the first packet,
so the first packet's wall-clock time is recovered from when each line arrives (never later than it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Final

import ffmpeg  # type: ignore[import-untyped]

from ..store import Store, segments
from ..store.segments import Segment
from .camera_config import CameraConfig, redact_url
from .probe import probe_duration, refuses_credentials

_LOGGER = logging.getLogger(__name__)

SEGMENT_SECONDS: Final = 10
WATCHDOG_MARGIN: Final = 10.0
CONNECT_GRACE: Final = 15.0
BACKOFF_FIRST: Final = 0.5
BACKOFF_MAX: Final = 60.0
STOP_GRACE: Final = 5.0
INCOMING: Final = "incoming"
NAME_FORMAT: Final = "%Y%m%dT%H%M%SZ"
G711: Final = frozenset({"pcm_alaw", "pcm_mulaw"})
# Why the recorder itself stopped (keys of `common.offline_*`); None: see ffmpeg's own last message.
PROBLEM_STALLED: Final = "stalled"
PROBLEM_NO_STREAM_SOURCE: Final = "no_stream_source"
PROBLEM_CREDENTIALS_REFUSED: Final = "credentials_refused"


def build_command(
    binary: str, url: str, incoming: Path, audio_codec: str | None, record_audio: bool
) -> list[str]:
    """The ffmpeg command: RTSP over TCP with timeouts, video always copied, audio copied or made AAC."""
    options: dict[str, object] = {}
    if url.startswith(("rtsp://", "rtsps://")):
        options = {"rtsp_transport": "tcp", "timeout": 10_000_000}
    source = ffmpeg.input(url, use_wallclock_as_timestamps=1, fflags="+genpts+discardcorrupt", **options)
    streams = [source["v:0"]]
    codecs: dict[str, object] = {"c:v": "copy"}
    if record_audio and audio_codec:
        streams.append(source["a:0"])
        # MP4 cannot hold G.711: convert the audio alone, never the video.
        codecs["c:a"] = "copy" if audio_codec == "aac" else "aac"
        if audio_codec != "aac":
            codecs["b:a"] = "64k"
    output = ffmpeg.output(
        *streams,
        str(incoming / f"{NAME_FORMAT}.mp4"),
        f="segment",
        segment_time=SEGMENT_SECONDS,
        segment_format="mp4",
        segment_format_options="movflags=+frag_keyframe+empty_moov+default_base_moof",
        segment_list="pipe:1",
        segment_list_type="csv",
        segment_list_flags="live",
        reset_timestamps=1,
        strftime=1,
        avoid_negative_ts="make_zero",
        **codecs,
    )
    args: list[str] = output.compile(cmd=binary)
    return [args[0], "-nostdin", "-hide_banner", "-loglevel", "warning", *args[1:]]


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
) -> Segment:
    """Move a finished file to its hour folder, hash it and index it (runs on the store's thread)."""
    relative = f"{segment_folder(camera, start_us)}/{source.name}"
    target = storage / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source != target:
        source.replace(target)
    size = target.stat().st_size
    digest = sha256_file(target)
    segment_id = store.call(segments.add, camera, start_us, end_us, size, relative, digest, origin)
    return Segment(segment_id, camera, start_us, end_us, size, relative)


type Listener = Callable[[], None]


class Recorder:
    """Supervise one camera's ffmpeg: restart with capped backoff, watch for stalls, index segments."""

    def __init__(
        self,
        camera: CameraConfig,
        storage: Path,
        store: Store,
        ffmpeg_binary: str,
        ffprobe_binary: str,
        *,
        resolve_url: Callable[[], Awaitable[str | None]] | None = None,
        on_segment: Callable[[Segment], None] | None = None,
        on_credentials_refused: Callable[[], None] | None = None,
    ) -> None:
        """Prepare, without starting."""
        self.camera = camera
        self.storage = storage
        self.store = store
        self.ffmpeg_binary = ffmpeg_binary
        self.ffprobe_binary = ffprobe_binary
        self.incoming = storage / camera.id / INCOMING
        self._resolve_url = resolve_url
        self._on_segment = on_segment
        self._on_credentials_refused = on_credentials_refused
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
        self.credentials_refused = False
        self.problem: str | None = None
        self._run_problem: str | None = None
        self._refused_this_run = False
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self._expected_start_us: int | None = None

    # Public ------------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """True while ffmpeg runs and segments arrive."""
        return self.online and not self.paused

    @property
    def pid(self) -> int | None:
        """The running ffmpeg's process id."""
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
        """Stop ffmpeg gracefully (the open segment is finished) and index what it left."""
        self._stopping = True
        self._wake.set()
        await self._terminate()
        if self._task:
            # Normally the loop ends by itself once ffmpeg is gone; a stuck lookup is cancelled.
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
        else:
            self.down_since = time.monotonic()
            if not self._stopping and not self.paused:
                _LOGGER.warning(
                    "%s stopped recording: %s",
                    self.camera.name,
                    self.stderr_tail[-1] if self.stderr_tail else "ffmpeg exited",
                )
        self._notify()

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
            url = await self.current_url()
            produced = False
            if url:
                produced = await self._run_once(url)
                await self.salvage()
                self._check_credentials(produced)
                # Kept until the next run ends, so a repair raised meanwhile reads a settled reason.
                self.problem = self._run_problem
            else:
                self.problem = PROBLEM_NO_STREAM_SOURCE
                self.stderr_tail.append("no stream source")
            if self.stopping():
                break
            if not self.paused:
                self._set_online(False)
            self.restarts += 1
            backoff = BACKOFF_FIRST if produced else min(backoff * 2, BACKOFF_MAX)
            await self._sleep(backoff)
        self._set_online(False)

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

    async def _run_once(self, url: str) -> bool:
        self._refused_this_run = False
        self._run_problem = None
        await self.store.async_job(partial(self.incoming.mkdir, parents=True, exist_ok=True))
        command = build_command(
            self.ffmpeg_binary,
            url,
            self.incoming,
            self.camera.audio_codec,
            self.camera.record_audio,
        )
        self._process = process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "TZ": "UTC"},
            umask=0o077,  # segments are the household's: owner-only (0600)
        )
        assert process.stdout is not None
        assert process.stderr is not None
        stderr_task = asyncio.create_task(self._read_stderr(process.stderr))
        first_packet: float | None = None
        produced = False
        timeout = 2 * SEGMENT_SECONDS + WATCHDOG_MARGIN + CONNECT_GRACE
        try:
            while True:
                try:
                    line = await asyncio.wait_for(process.stdout.readline(), timeout)
                except TimeoutError:
                    self._run_problem = PROBLEM_STALLED
                    self.stderr_tail.append(f"no new segment for {timeout:.0f} s")
                    _LOGGER.debug("%s: watchdog fired", self.camera.name)
                    break
                if not line:
                    break
                arrived = time.time()
                parsed = _parse_list_line(line.decode(errors="replace"))
                if parsed is None:
                    continue
                name, rel_start, rel_end = parsed
                estimate = arrived - rel_end
                first_packet = estimate if first_packet is None else min(first_packet, estimate)
                start_us = round((first_packet + rel_start) * 1_000_000)
                end_us = round((first_packet + rel_end) * 1_000_000)
                await self._index(self.incoming / name, start_us, end_us)
                produced = True
                timeout = 2 * SEGMENT_SECONDS + WATCHDOG_MARGIN
        finally:
            await self._terminate()
            await stderr_task
        return produced

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        async for raw in stream:
            text = raw.decode(errors="replace").strip()
            if text:
                self._refused_this_run |= refuses_credentials(text)
                self.stderr_tail.append(redact_url(text, self.camera.username, self.camera.password))

    async def _terminate(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            # SIGINT lets ffmpeg finish the open fragment and segment.
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def _index(self, path: Path, start_us: int, end_us: int) -> None:
        try:
            segment = await self.store.async_job(
                file_segment, self.store, self.storage, self.camera.id, path, start_us, end_us
            )
        except FileNotFoundError:
            _LOGGER.warning("%s: segment %s vanished before indexing", self.camera.name, path.name)
            return
        self._expected_start_us = end_us
        self.last_segment = segment
        self.credentials_refused = False  # footage arrives: whatever was refused is accepted now
        self._set_online(True)
        if self._on_segment:
            self._on_segment(segment)
        self._notify()

    async def salvage(self) -> int:
        """Index what a stopped or killed ffmpeg left in `incoming/`, up to its last whole fragment."""
        try:
            names = await self.store.async_job(_list_mp4, self.incoming)
        except FileNotFoundError:
            return 0
        indexed = 0
        for name in names:
            path = self.incoming / name
            duration = await probe_duration(self.ffprobe_binary, path)
            if duration is None:
                # Not one whole fragment: no playable footage in it.
                await self.store.async_job(_remove, path)
                _LOGGER.debug("%s: removed empty segment %s", self.camera.name, name)
                continue
            start_us = name_time_us(name)
            if self._expected_start_us is not None and (
                start_us is None or abs(start_us - self._expected_start_us) < 1_500_000
            ):
                # The segment that followed the last finished one: start exactly where it ended.
                start_us = self._expected_start_us
            if start_us is None:
                start_us = int((await self.store.async_job(_mtime, path) - duration) * 1_000_000)
            await self._index(path, start_us, start_us + round(duration * 1_000_000))
            indexed += 1
        self._expected_start_us = None
        return indexed


def _parse_list_line(line: str) -> tuple[str, float, float] | None:
    parts = line.strip().rsplit(",", 2)
    if len(parts) != 3:
        return None
    name = parts[0].strip('"')
    if "/" in name or not name.endswith(".mp4"):
        return None
    try:
        return name, float(parts[1]), float(parts[2])
    except ValueError:
        return None


def _list_mp4(folder: Path) -> list[str]:
    return sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".mp4"))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime
