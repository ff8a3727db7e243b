"""Retention: age, size cap and free space remove the oldest unheld footage; held footage stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.doorbell_vault.recording.retention import DAY_US, GB, Retention, prune
from custom_components.doorbell_vault.store import Store, holds, segments

NOW = 1_800_000_000 * 1_000_000
SEG = 10_000_000


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "index.db")
    await store.async_open()
    yield store  # type: ignore[misc]
    await store.async_close()


async def _record(store: Store, root: Path, camera: str, start_us: int, count: int, size: int) -> list[int]:
    ids = []
    for i in range(count):
        start = start_us + i * SEG
        path = f"{camera}/seg-{start}.mp4"
        (root / camera).mkdir(parents=True, exist_ok=True)
        with (root / path).open("wb") as file:
            file.truncate(size)  # sparse: the index's byte counts are what retention reads
        ids.append(await store.async_call(segments.add, camera, start, start + SEG, size, path))
    return ids


async def _ids(store: Store) -> set[int]:
    return {s.id for s in await store.async_call(segments.in_window, "front", 0, 2**62)} | {
        s.id for s in await store.async_call(segments.in_window, "back", 0, 2**62)
    }


async def test_size_cap_removes_oldest_unheld_and_keeps_every_held_segment(
    store: Store, tmp_path: Path
) -> None:
    start = NOW - 100 * SEG
    ids = await _record(store, tmp_path, "front", start, 100, 10_000_000)  # 1 GB in all
    # Hold the oldest 20 segments (a pending request) and 5 in the middle for one camera only.
    await store.async_call(holds.add, None, start, start + 20 * SEG, "request", "req-1")
    await store.async_call(holds.add, "front", start + 50 * SEG, start + 55 * SEG, "share", "share-1")
    await store.async_call(holds.add, "back", start + 20 * SEG, start + 50 * SEG, "other camera")
    retention = Retention(continuous_days=7, event_days=30, max_size_gb=0.5)

    report = await store.async_job(prune, store, tmp_path, retention, NOW, lambda: 10**12)

    remaining = await _ids(store)
    held = set(ids[:20]) | set(ids[50:55])
    assert held <= remaining
    assert all((tmp_path / f"front/seg-{start + i * SEG}.mp4").exists() for i in range(20))
    # The oldest unheld ones went first: segments 20..49 are gone before anything newer.
    assert not set(ids[20:49]) & remaining
    assert sum(10_000_000 for _ in remaining) <= 0.5 * GB
    assert report.by_space == len(ids) - len(remaining)
    assert not report.over_cap_held


async def test_held_footage_alone_over_the_cap_is_kept(store: Store, tmp_path: Path) -> None:
    ids = await _record(store, tmp_path, "front", NOW - 10 * SEG, 10, 200_000_000)
    await store.async_call(holds.add, None, NOW - 10 * SEG, NOW, "request", "req-1")
    report = await store.async_job(
        prune, store, tmp_path, Retention(7, 30, max_size_gb=0.1), NOW, lambda: 10**12
    )
    assert report.over_cap_held
    assert await _ids(store) == set(ids)


async def test_low_free_space_prunes_until_the_floor_is_met(store: Store, tmp_path: Path) -> None:
    ids = await _record(store, tmp_path, "front", NOW - 10 * SEG, 10, 1000)

    def disk_free() -> int:
        # 1 GB free, and each removed segment frees another (a stand-in for a nearly full disk).
        return GB * (1 + len(ids) - len(list((tmp_path / "front").iterdir())))

    report = await store.async_job(prune, store, tmp_path, Retention(7, 30, min_free_gb=3), NOW, disk_free)
    assert report.by_space == 2
    assert await _ids(store) == set(ids[2:])


async def test_age_keeps_event_footage_longer_and_honours_holds(store: Store, tmp_path: Path) -> None:
    old = NOW - 10 * DAY_US
    very_old = NOW - 40 * DAY_US
    plain = await _record(store, tmp_path, "front", old, 3, 100)
    with_event = await _record(store, tmp_path, "back", old, 3, 100)
    ancient = await _record(store, tmp_path, "back", very_old, 2, 100)
    held = await _record(store, tmp_path, "front", very_old + 100 * SEG, 1, 100)
    await store.async_call(segments.add_event, "back", "ring", "event.door", old + SEG, 5_000_000, 5_000_000)
    await store.async_call(holds.add, "front", very_old + 100 * SEG, very_old + 101 * SEG, "share", "s")
    await store.async_call(holds.add, "front", 0, 1, "expired", "x", until_us=NOW - 1)

    report = await store.async_job(prune, store, tmp_path, Retention(7, 30), NOW, lambda: 10**12)

    remaining = await _ids(store)
    assert not set(plain) & remaining  # continuous footage past 7 days
    assert not set(ancient) & remaining  # anything past 30 days
    assert set(held) <= remaining  # held, whatever its age
    # Only the segments touching the ring (pre/post-roll) are event footage.
    assert remaining & set(with_event) == set(with_event[:2])
    assert report.by_age == len(plain) + len(ancient) + 1
    assert [h.reason for h in await store.async_call(holds.every)] == ["share"]  # the expired hold is gone


async def test_events_only_camera_drops_footage_without_events(store: Store, tmp_path: Path) -> None:
    start = NOW - 60 * SEG
    ids = await _record(store, tmp_path, "front", start, 10, 100)
    await store.async_call(segments.add_event, "front", "motion", None, start + 5 * SEG, 1_000_000, 1_000_000)
    await store.async_job(
        prune, store, tmp_path, Retention(7, 30, events_only=frozenset({"front"})), NOW, lambda: 10**12
    )
    assert await _ids(store) == {ids[4], ids[5]}


async def test_window_query_bounds_and_release(store: Store, tmp_path: Path) -> None:
    ids = await _record(store, tmp_path, "front", NOW, 6, 10)
    window = await store.async_call(segments.in_window, "front", NOW + 15_000_000, NOW + 31_000_000)
    assert [s.id for s in window] == ids[1:4]
    hold = await store.async_call(holds.add, "front", NOW, NOW + SEG, "request", "req-9")
    assert await store.async_call(holds.release_for, "req-9") == 1
    assert not await store.async_call(holds.release, hold.id)
    with pytest.raises(ValueError, match="end after"):
        await store.async_call(holds.add, "front", NOW, NOW, "bad")
