"""Startup reconciliation: make the index agree with the files on disk after a crash or a restart."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..clock import now_us
from ..store import Store, audit, segments
from ..store.segments import Segment
from .probe import ProbeError, probe_duration
from .recorder import Recorder
from .seal_records import Leaf
from .segment_filing import file_segment, name_time_us, sha256_file

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What reconciliation changed for one camera."""

    salvaged: int
    indexed: int  # files found in the folder that the index lacked and no seal record proves: foreign
    forgotten: int
    recovered: int = 0  # files the index lacked that a signed seal record proves: the household's own


def _scan(store: Store, storage: Path, camera: str) -> tuple[list[Path], list[Segment]]:
    """Unindexed files in the hour folders, and rows whose file is gone (store thread)."""
    root = storage / camera
    indexed = store.call(segments.indexed_paths, camera)
    on_disk: list[Path] = []
    if root.is_dir():
        for day in os.scandir(root):
            if not day.is_dir() or day.name == "incoming":
                continue
            for hour in os.scandir(day.path):
                if hour.is_dir():
                    on_disk.extend(Path(f.path) for f in os.scandir(hour.path) if f.name.endswith(".mp4"))
    unindexed = [p for p in on_disk if str(p.relative_to(storage)) not in indexed]
    present = {str(p.relative_to(storage)) for p in on_disk}
    missing = [s for s in store.call(segments.of_camera, camera) if s.path not in present]
    return sorted(unindexed), missing


def _index_proven(store: Store, storage: Path, camera: str, path: Path, leaf: Leaf) -> bool:
    """Index a file a seal record lists, as recorded, if it still holds the sealed bytes (store thread)."""
    path.chmod(0o600)
    digest = sha256_file(path)
    if digest != leaf.sha256 or leaf.camera != camera:
        return False
    store.call(
        segments.add,
        camera,
        leaf.start_us,
        leaf.end_us,
        path.stat().st_size,
        str(path.relative_to(storage)),
        digest,
        segments.RECORDED,
        leaf.time_source,
        leaf.clock_offset_us,
    )
    return True


@dataclass(frozen=True, slots=True)
class Leftovers:
    """What a camera's folder holds that the index does not agree with, found before its recorder starts."""

    salvaged: int
    unindexed: list[Path]
    missing: list[Segment]


async def survey(recorder: Recorder) -> Leftovers:
    """Index what a killed recorder left behind; list the files the index lacks and the rows without files.

    Quick (no file is hashed): it runs before the recorder starts, so its new files are never listed.
    """
    salvaged = await recorder.salvage()
    unindexed, missing = await recorder.store.async_job(
        _scan, recorder.store, recorder.storage, recorder.camera.id
    )
    return Leftovers(salvaged, unindexed, missing)


async def settle(
    recorder: Recorder,
    leftovers: Leftovers,
    proven: Callable[[], Awaitable[Mapping[str, Leaf]]],
) -> Reconciliation:
    """Index the finished files the index lacks; forget rows without files.

    A file the index lacks is the household's own where a signed seal record proves it, foreign otherwise.
    Slow where many files must be hashed (a rebuilt index): it may run while the recorder records.
    """
    store, storage, camera = recorder.store, recorder.storage, recorder.camera
    salvaged, unindexed, missing = leftovers.salvaged, leftovers.unindexed, leftovers.missing
    indexed = recovered = 0
    leaves = await proven() if unindexed else {}
    for path in unindexed:
        leaf = leaves.get(str(path.relative_to(storage)))
        if leaf is not None and await store.async_job(_index_proven, store, storage, camera.id, path, leaf):
            recovered += 1
            continue
        start_us = name_time_us(path.name)
        try:
            duration = await probe_duration(recorder.ffprobe_binary, path)
        except ProbeError:
            duration = None
        if start_us is None or duration is None:
            _LOGGER.warning("%s: %s is not a playable segment; left in place", camera.name, path)
            continue
        end_us = start_us + round(duration * 1_000_000)
        # Not recorded by us (or not indexed when it was): kept and shown, never exported as evidence.
        found = await store.async_job(
            file_segment, store, storage, camera.id, path, start_us, end_us, segments.FOREIGN
        )
        await store.async_call(
            audit.record,
            now_us(),
            "footage_found",
            camera.id,
            {"path": found.path, "origin": segments.FOREIGN},
        )
        indexed += 1
    if missing:
        await store.async_call(segments.remove, [s.id for s in missing])
        await store.async_call(
            audit.record, now_us(), "footage_missing", camera.id, {"paths": [s.path for s in missing]}
        )
        _LOGGER.warning(
            "%s: %d indexed segments were missing on disk and were removed from the index: %s",
            camera.name,
            len(missing),
            ", ".join(s.path for s in missing[:5]),
        )
    if recovered:
        await store.async_call(
            audit.record, now_us(), "footage_recovered", camera.id, {"segments": recovered}
        )
    if salvaged or indexed or recovered:
        _LOGGER.info(
            "%s: indexed %d interrupted segments, %d segments its seal records prove, and %d files it did "
            "not record (marked foreign)",
            camera.name,
            salvaged,
            recovered,
            indexed,
        )
    return Reconciliation(salvaged, indexed, len(missing), recovered)
