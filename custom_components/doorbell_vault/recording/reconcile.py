"""Startup reconciliation: make the index agree with the files on disk after a crash or a restart."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..clock import now_us
from ..store import Store, audit, segments
from ..store.segments import Segment
from .probe import probe_duration
from .recorder import Recorder, file_segment, name_time_us

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What reconciliation changed for one camera."""

    salvaged: int
    indexed: int  # files found in the folder that the index lacked: marked foreign
    forgotten: int


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


async def reconcile(recorder: Recorder) -> Reconciliation:
    """Index what ffmpeg left behind, index finished files the index lacks, forget rows without files."""
    store, storage, camera = recorder.store, recorder.storage, recorder.camera
    salvaged = await recorder.salvage()
    unindexed, missing = await store.async_job(_scan, store, storage, camera.id)
    indexed = 0
    for path in unindexed:
        start_us = name_time_us(path.name)
        duration = await probe_duration(recorder.ffprobe_binary, path)
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
    if salvaged or indexed:
        _LOGGER.info(
            "%s: indexed %d interrupted segments, and %d files it did not record (marked foreign)",
            camera.name,
            salvaged,
            indexed,
        )
    return Reconciliation(salvaged, indexed, len(missing))
