"""A finished segment filed: moved to its UTC hour folder, hashed and indexed.

The recorder process names each segment by its UTC start and reports it on stdout as one JSON line
(`parse_report`); what a stopped or killed recorder process left in `incoming/` is salvaged to its last
whole fragment (`salvage`). A camera's filings run one at a time, in order, beside its supervision
(`Filings`): a backup holds the store, and a recorder process that dies meanwhile is started again at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from ..store import Store, make_private_folder, segments
from ..store.segments import Segment
from .probe import ProbeError, probe_duration

_LOGGER = logging.getLogger(__name__)

NAME_FORMAT: Final = "%Y%m%dT%H%M%SZ"
TIME_ARRIVAL: Final = "arrival"
TIME_RTCP: Final = "rtcp"
TIME_FILE_NAME: Final = "file_name"

# Where the next segment starts, and how its time was mapped: (start_us, time source, offset_us).
type Expected = tuple[int, str, int | None]
# Files one segment: (path, start_us, end_us, time source, offset_us); None: it vanished.
type Index = Callable[[Path, int, int, str, int | None], Awaitable[Segment | None]]


def name_time_us(name: str) -> int | None:
    """The UTC start encoded in a segment's file name (`-N` after it: a second of that name), in µs."""
    try:
        moment = datetime.strptime(Path(name).stem.split("-")[0], NAME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(moment.timestamp() * 1_000_000)


def unused_name(path: Path) -> Path:
    """`path`, or the first `<stem>-N<suffix>` beside it that no file holds (blocking)."""
    candidate, number = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


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
    """Move a finished file to its hour folder, hash it and index it (runs on the store's thread).

    A file already there under its name (a camera clock set back, a restart in the same second) is never
    replaced: this one takes the next free `-N` name.
    """
    target = storage / segment_folder(camera, start_us) / source.name
    make_private_folder(target.parent)
    if source != target:
        target = unused_name(target)
        source.replace(target)
    relative = target.relative_to(storage).as_posix()
    # The recorder process creates it 0600 (its umask); one written by anything else becomes owner-only here.
    target.chmod(0o600)
    size = target.stat().st_size
    digest = sha256_file(target)
    segment_id = store.call(
        segments.add, camera, start_us, end_us, size, relative, digest, origin, time_source, clock_offset_us
    )
    return Segment(segment_id, camera, start_us, end_us, size, relative, time_source, clock_offset_us)


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


async def salvage(
    store: Store,
    ffprobe_binary: str,
    incoming: Path,
    names: Iterable[str],
    expected: Expected | None,
    index: Index,
    camera: str,
) -> int:
    """Index the files `names` a stopped or killed recorder left in `incoming/`, to their last whole fragment.

    `expected`: where the segment that follows the last one indexed starts (None: its name says).
    """
    indexed = 0
    following = expected
    for name in names:
        path = incoming / name
        try:
            duration = await probe_duration(ffprobe_binary, path)
        except ProbeError:
            # Without ffprobe nothing can tell playable from broken: kept for a later salvage.
            _LOGGER.warning("%s: ffprobe does not run; %s stays in incoming/", camera, name)
            break
        if duration is None:
            # Not one whole fragment: no playable footage in it.
            await store.async_job(remove, path)
            _LOGGER.debug("%s: removed empty segment %s", camera, name)
            continue
        start_us = name_time_us(name)
        source = TIME_FILE_NAME
        offset_us: int | None = None
        if following is not None and (start_us is None or abs(start_us - following[0]) < 1_500_000):
            # The segment that followed the last finished one: start exactly where it ended,
            # on the same clock.
            start_us, source, offset_us = following
        if start_us is None:
            start_us = int((await store.async_job(_mtime, path) - duration) * 1_000_000)
        end_us = start_us + round(duration * 1_000_000)
        if await index(path, start_us, end_us, source, offset_us) is not None:
            following = (end_us, source, offset_us)
        indexed += 1
    return indexed


def list_segments(folder: Path) -> list[str]:
    """The names of the segment files in `folder`, in order; none without the folder (blocking)."""
    try:
        return sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".mp4"))
    except FileNotFoundError:
        return []


def remove(path: Path) -> None:
    """Remove a file if it is there (blocking)."""
    path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


class Filings:
    """One camera's segments filed and indexed one job at a time, in order, beside its supervision.

    The store may be held meanwhile (a backup, up to half an hour): the supervisor queues its filings and
    goes on watching and restarting the recorder process. `done()` waits for every job queued so far.
    """

    def __init__(self, store: Store, storage: Path, camera: str, incoming: Path, ffprobe_binary: str) -> None:
        """Nothing queued yet; `camera`: the camera's id."""
        self.store, self.storage, self.camera = store, storage, camera
        self.incoming, self.ffprobe_binary = incoming, ffprobe_binary
        self.pending: set[str] = set()  # the names of the files queued and not filed yet
        self.newest: Segment | None = None
        self._last: asyncio.Task[Any] | None = None

    def add[T](self, names: Iterable[str], job: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """Run `job` (filing the files `names`) once the jobs added before it ended, however they did."""
        claimed = set(names)
        self.pending |= claimed
        earlier = self._last

        async def run() -> T:
            try:
                if earlier is not None:
                    await asyncio.wait({earlier})
                return await job()
            finally:
                self.pending -= claimed

        self._last = task = asyncio.get_running_loop().create_task(run(), name="doorbell_vault filing")
        return task

    async def done(self) -> None:
        """Wait for every job added so far."""
        if self._last is not None:
            await asyncio.wait({self._last})

    async def file(
        self, path: Path, start_us: int, end_us: int, time_source: str, clock_offset_us: int | None
    ) -> Segment | None:
        """File and index one segment of the camera's (None: it vanished, or it holds no sample)."""
        if end_us <= start_us:
            # Opened and closed with no sample (stopped at a cut): nothing to play or keep.
            await asyncio.to_thread(remove, path)
            _LOGGER.debug("%s: removed empty segment %s", self.camera, path.name)
            return None
        try:
            segment = await self.store.async_job(
                file_segment,
                self.store,
                self.storage,
                self.camera,
                path,
                start_us,
                end_us,
                segments.RECORDED,
                time_source,
                clock_offset_us,
            )
        except FileNotFoundError:
            _LOGGER.warning("%s: segment %s vanished before indexing", self.camera, path.name)
            return None
        if self.newest is None or segment.end_us >= self.newest.end_us:
            self.newest = segment
        return segment

    async def leftovers(self) -> list[str]:
        """The files in `incoming/` that no job holds: what a stopped or killed recorder process left."""
        queued = set(self.pending)  # before the listing: a file filed meanwhile is not listed as left
        return [name for name in await asyncio.to_thread(list_segments, self.incoming) if name not in queued]

    async def salvage(self, names: list[str] | None, expected: Expected | None, camera_name: str) -> int:
        """Index the leftovers `names` (None: all), to their last whole fragment (see `salvage`)."""
        names = await self.leftovers() if names is None else names
        return await salvage(
            self.store, self.ffprobe_binary, self.incoming, names, expected, self.file, camera_name
        )
