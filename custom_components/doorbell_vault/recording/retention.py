"""Pruning by age, size and free space; footage under a hold is never touched.

Every deletion is chosen by one SQL query that excludes held segments, on the store's thread, so a hold
placed on the event loop is either seen by the query or placed after the file is already gone.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ..store import Store, seals, segments
from ..store.segments import Segment

_LOGGER = logging.getLogger(__name__)

DAY_US: Final = 86_400 * 1_000_000
GB: Final = 1_000_000_000
BATCH: Final = 200
# In "events only" mode footage is kept at least this long, so a later event still finds its pre-roll.
EVENTS_ONLY_GRACE_US: Final = 300 * 1_000_000


@dataclass(frozen=True, slots=True)
class Retention:
    """The owner's retention settings."""

    continuous_days: float
    event_days: float
    max_size_gb: float = 0
    min_free_gb: float = 0
    events_only: frozenset[str] = frozenset()


@dataclass(slots=True)
class PruneReport:
    """What one pruning pass removed and why."""

    by_age: int = 0
    by_space: int = 0
    bytes: int = 0
    over_cap_held: bool = False
    removed: list[Segment] = field(default_factory=list)


def _delete(store: Store, storage: Path, found: list[Segment], report: PruneReport) -> None:
    for segment in found:
        (storage / segment.path).unlink(missing_ok=True)
        report.bytes += segment.bytes
    store.call(segments.remove, [s.id for s in found])
    report.removed.extend(found)


def prune(
    store: Store,
    storage: Path,
    retention: Retention,
    now_us: int,
    free_bytes: Callable[[], int] | None = None,
    need_free: int = 0,
) -> PruneReport:
    """One pruning pass (store thread): expired holds, then age, then size cap and free space.

    `need_free`: free bytes wanted now (the disk ran full), on top of the owner's minimum.
    """
    report = PruneReport()
    free = free_bytes or (lambda: shutil.disk_usage(storage).free)
    store.call(segments.drop_lapsed, now_us, now_us - int(retention.event_days * DAY_US))
    aged = store.call(
        segments.aged_unheld,
        now_us,
        now_us - int(retention.event_days * DAY_US),
        now_us - int(retention.continuous_days * DAY_US),
        now_us - EVENTS_ONLY_GRACE_US,
        sorted(retention.events_only),
    )
    _delete(store, storage, aged, report)
    report.by_age = len(aged)

    max_bytes = int(retention.max_size_gb * GB)
    min_free = max(int(retention.min_free_gb * GB), need_free)
    while True:
        total = store.call(segments.total_bytes)
        over_cap = max_bytes > 0 and total > max_bytes
        low_space = min_free > 0 and free() < min_free
        if not (over_cap or low_space):
            break
        oldest = store.call(segments.oldest_unheld, now_us, BATCH)
        if not oldest:
            report.over_cap_held = True
            break
        excess = total - max_bytes if over_cap else 0
        batch: list[Segment]
        if low_space:
            # The disk is what is measured: remove one segment at a time and look again.
            batch = [oldest[0]]
        else:
            # Remove only as much as the cap needs.
            batch = []
            for segment in oldest:
                if excess <= 0:
                    break
                batch.append(segment)
                excess -= batch[-1].bytes
        _delete(store, storage, batch, report)
        report.by_space += len(batch)
    if report.removed:
        store.call(seals.forget_empty)
        _LOGGER.info(
            "Retention removed %d segments (%d by age, %d for space), %.1f MB",
            len(report.removed),
            report.by_age,
            report.by_space,
            report.bytes / 1e6,
        )
    if report.over_cap_held:
        _LOGGER.warning("Held footage alone exceeds the size or free-space limit; it is kept")
    return report
