"""The SQLite index: created at the newest schema, older databases migrated forward in place."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from custom_components.doorbell_vault.store import IndexDamaged, Store, StoreError, inbox, segments
from custom_components.doorbell_vault.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate


def _tables(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as db, db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_new_database_has_latest_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    await store.async_open()
    info = await store.async_info()
    await store.async_close()
    assert info.schema_version == SCHEMA_VERSION
    assert info.migrated_from == 0
    assert {"meta", "segments", "events", "holds"} <= _tables(tmp_path / "index.db")


async def test_v1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    database = tmp_path / "index.db"
    with closing(sqlite3.connect(database, isolation_level=None)) as db, db:
        db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        db.execute("INSERT INTO meta (key, value) VALUES ('note', 'from v1')")
        created = db.execute("SELECT value FROM meta WHERE key = 'created_us'").fetchone()[0]
    assert _tables(database) == {"meta"}

    store = Store(database)
    await store.async_open()
    info = await store.async_info()
    await store.async_close()

    assert info.migrated_from == 1
    assert info.schema_version == SCHEMA_VERSION
    with closing(sqlite3.connect(database)) as db, db:
        assert db.execute("SELECT value FROM meta WHERE key = 'note'").fetchone()[0] == "from v1"
        assert db.execute("SELECT value FROM meta WHERE key = 'created_us'").fetchone()[0] == created
        db.execute("INSERT INTO segments (camera, start_us, end_us, bytes, path) VALUES ('c', 1, 2, 3, 'p')")


def test_failed_migration_step_leaves_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "index.db"
    connection = sqlite3.connect(database, isolation_level=None)
    broken = (*MIGRATIONS, "CREATE TABLE half_done (x); THIS IS NOT SQL")
    monkeypatch.setattr("custom_components.doorbell_vault.store.schema.MIGRATIONS", broken)
    monkeypatch.setattr("custom_components.doorbell_vault.store.schema.SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.Error):
        migrate(connection)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    connection.close()


async def test_a_file_that_is_no_database_is_a_damaged_index(tmp_path: Path) -> None:
    (tmp_path / "index.db").write_bytes(b"this is not an sqlite database, not at all" * 100)
    store = Store(tmp_path / "index.db")
    with pytest.raises(IndexDamaged, match="not a database"):
        await store.async_open()


async def test_an_index_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "index.db").mkdir()
    store = Store(tmp_path / "index.db")
    with pytest.raises(StoreError, match="cannot open"):
        await store.async_open()


async def test_closed_store_refuses_work(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    with pytest.raises(StoreError, match="closed"):
        store.call(segments.stats)


async def test_footage_totals_follow_every_change(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    await store.async_open()
    await store.async_call(segments.add, "front", 10, 20, 100, "front/a.mp4")
    await store.async_call(segments.add, "front", 20, 30, 50, "front/b.mp4")
    await store.async_call(segments.add, "back", 5, 15, 7, "back/a.mp4")
    await store.async_call(segments.add, "front", 20, 31, 60, "front/b.mp4")  # re-indexed: replaces
    first = (await store.async_call(segments.in_window, "front", 0, 100))[0]
    await store.async_call(segments.remove, [first.id])

    front, everything = (
        await store.async_call(segments.stats, "front"),
        await store.async_call(segments.stats),
    )

    def direct(db: sqlite3.Connection, where: str) -> tuple[int, int, int | None, int | None]:
        row = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(start_us), MAX(end_us) FROM segments " + where
        ).fetchone()
        return tuple(row)  # type: ignore[return-value]

    assert (front.segments, front.bytes, front.oldest_us, front.newest_us) == (1, 60, 20, 31)
    assert await store.async_call(direct, "WHERE camera = 'front'") == (1, 60, 20, 31)
    assert (everything.segments, everything.bytes, everything.oldest_us) == (2, 67, 5)
    assert await store.async_call(segments.stats, "nobody") == type(front)(0, 0, None, None)
    await store.async_close()


async def test_v5_requests_gain_no_sender_and_are_unverified(tmp_path: Path) -> None:
    database = tmp_path / "index.db"
    with closing(sqlite3.connect(database, isolation_level=None)) as db, db:
        db.executescript(";".join(MIGRATIONS[:5]) + "; PRAGMA user_version = 5;")
        db.execute(
            "INSERT INTO requests (id, received_us, source, agency, case_number, legal_basis, start_us, "
            "end_us, fields, status, problems, deadline_us) "
            "VALUES ('r1', 1, 'webhook', 'Springfield PD', '7', 'warrant', 1, 2, '{}', 'pending', '[]', 3)"
        )
    store = Store(database)
    await store.async_open()
    (request,) = await store.async_call(inbox.load)
    await store.async_close()
    assert (request.id, request.source, request.sender, request.verified) == ("r1", "webhook", None, False)
    assert request.summary()["verified"] is False
