"""The storage folder and its SQLite index.

All file and database work happens on one dedicated thread, never on the event loop: SQLite connections
belong to the thread that made them, and one writer keeps the index consistent without extra locking.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final

_LOGGER = logging.getLogger(__name__)

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
# Times are integer microseconds since the Unix epoch, UTC.
MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: installation metadata
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('created_us', CAST(unixepoch('subsec') * 1000000 AS INTEGER));
    """,
    # 2: recorded footage, events and holds
    """
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        camera TEXT NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        path TEXT NOT NULL UNIQUE,
        CHECK (end_us >= start_us)
    );
    CREATE INDEX segments_camera_start ON segments (camera, start_us);
    CREATE INDEX segments_start ON segments (start_us);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        camera TEXT NOT NULL,
        kind TEXT NOT NULL,
        source TEXT,
        at_us INTEGER NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL
    );
    CREATE INDEX events_camera_start ON events (camera, start_us);
    CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        camera TEXT,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        reason TEXT NOT NULL,
        ref TEXT,
        until_us INTEGER,
        created_us INTEGER NOT NULL
    );
    CREATE INDEX holds_ref ON holds (ref);
    """,
    # 3: window queries answered from the index alone (no table lookups per segment), and running
    #    totals per camera kept by triggers, so sizes never need a scan of millions of rows
    """
    CREATE INDEX segments_window ON segments (camera, start_us, end_us, id, bytes, path);
    DROP INDEX segments_camera_start;
    CREATE TABLE footage_totals (
        camera TEXT PRIMARY KEY, segments INTEGER NOT NULL, bytes INTEGER NOT NULL
    );
    INSERT INTO footage_totals SELECT camera, COUNT(*), SUM(bytes) FROM segments GROUP BY camera;
    CREATE TRIGGER segments_added AFTER INSERT ON segments BEGIN
        INSERT INTO footage_totals VALUES (new.camera, 1, new.bytes)
        ON CONFLICT (camera) DO UPDATE SET segments = segments + 1, bytes = bytes + new.bytes;
    END;
    CREATE TRIGGER segments_removed AFTER DELETE ON segments BEGIN
        UPDATE footage_totals SET segments = segments - 1, bytes = bytes - old.bytes
        WHERE camera = old.camera;
    END;
    CREATE TRIGGER segments_changed AFTER UPDATE OF camera, bytes ON segments BEGIN
        UPDATE footage_totals SET segments = segments - 1, bytes = bytes - old.bytes
        WHERE camera = old.camera;
        INSERT INTO footage_totals VALUES (new.camera, 1, new.bytes)
        ON CONFLICT (camera) DO UPDATE SET segments = segments + 1, bytes = bytes + new.bytes;
    END;
    """,
    # 4: footage requests and the hash-chained audit log
    """
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        received_us INTEGER NOT NULL,
        source TEXT NOT NULL,
        agency TEXT NOT NULL,
        case_number TEXT,
        legal_basis TEXT NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        fields TEXT NOT NULL,
        status TEXT NOT NULL,
        problems TEXT NOT NULL,
        deadline_us INTEGER NOT NULL,
        decided_by TEXT,
        decided_us INTEGER,
        message TEXT
    );
    CREATE INDEX requests_status ON requests (status);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at_us INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    """,
    # 5: shares (evidence packages behind hashed tokens); the token itself is never stored
    """
    CREATE TABLE shares (
        request_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_us INTEGER NOT NULL,
        expires_us INTEGER NOT NULL,
        max_downloads INTEGER NOT NULL,
        downloads INTEGER NOT NULL DEFAULT 0,
        ended_us INTEGER,
        end_reason TEXT,
        folder TEXT NOT NULL,
        package_bytes INTEGER NOT NULL,
        manifest TEXT NOT NULL
    );
    CREATE INDEX shares_live ON shares (ended_us);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


class FolderError(Exception):
    """The storage folder cannot be used; `reason` is a translation key."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(f"{reason}: {path}")
        self.reason = reason
        self.path = path


class StoreError(Exception):
    """The database cannot be opened or is newer than this version of the integration."""


def prepare_folder(path: Path) -> int:
    """Create the storage folder if needed, prove it is writable and return its free bytes (blocking)."""
    if not path.is_absolute():
        raise FolderError("not_absolute", path)
    if path.exists() and not path.is_dir():
        raise FolderError("not_a_folder", path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FolderError("cannot_create", path) from err
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-") as probe:
            probe.write(b"doorbell vault")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as err:
        raise FolderError("not_writable", path) from err
    return shutil.disk_usage(path).free


def migrate(connection: sqlite3.Connection) -> int:
    """Bring a database to SCHEMA_VERSION, one transaction per step; return the version found."""
    found: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise StoreError(f"database schema {found} is newer than this version ({SCHEMA_VERSION})")
    for version in range(found + 1, SCHEMA_VERSION + 1):
        _LOGGER.info("Migrating the Doorbell Vault index to schema %s", version)
        # executescript() commits first; BEGIN makes each step all-or-nothing.
        try:
            connection.executescript(
                f"BEGIN; {MIGRATIONS[version - 1]}; PRAGMA user_version = {version}; COMMIT;"
            )
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return found


@dataclass(slots=True)
class Segment:
    """One recorded file: `path` is relative to the storage folder.

    Not frozen: window queries build hundreds of these, and frozen dataclasses pay for every field.
    """

    id: int
    camera: str
    start_us: int
    end_us: int
    bytes: int
    path: str


@dataclass(frozen=True, slots=True)
class Event:
    """A doorbell ring or motion, with the footage window it keeps (pre- and post-roll)."""

    id: int
    camera: str
    kind: str
    source: str | None
    at_us: int
    start_us: int
    end_us: int


@dataclass(frozen=True, slots=True)
class Hold:
    """Footage of one camera (or all, when `camera` is None) that retention must keep."""

    id: int
    camera: str | None
    start_us: int
    end_us: int
    reason: str
    ref: str | None
    until_us: int | None


@dataclass(frozen=True, slots=True)
class FootageStats:
    """Size and span of the footage of one camera, or of all."""

    segments: int
    bytes: int
    oldest_us: int | None
    newest_us: int | None


SEGMENT_COLUMNS = "id, camera, start_us, end_us, bytes, path"
HELD = """EXISTS (
    SELECT 1 FROM holds h
    WHERE (h.camera IS NULL OR h.camera = s.camera)
      AND h.start_us < s.end_us AND h.end_us > s.start_us
      AND (h.until_us IS NULL OR h.until_us > :now)
)"""


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What diagnostics show about the index."""

    schema_version: int
    migrated_from: int
    database_bytes: int


class Store:
    """The SQLite index in the storage folder."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="doorbell_vault_store")
        self._connection: sqlite3.Connection | None = None
        self._longest_us = -1
        self.migrated_from = 0

    async def _run[T](self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(func, *args))

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection; only for use on the store's own thread."""
        if self._connection is None:
            raise StoreError("the store is closed")
        return self._connection

    def _open(self) -> None:
        connection = sqlite3.connect(self.database, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            self.migrated_from = migrate(connection)
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    async def async_open(self) -> None:
        """Open (and create or migrate) the database."""
        try:
            await self._run(self._open)
        except sqlite3.Error as err:
            self._executor.shutdown(wait=False)
            raise StoreError(f"cannot open {self.database}: {err}") from err
        except StoreError:
            self._executor.shutdown(wait=False)
            raise

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.execute("PRAGMA optimize")
            self._connection.close()
            self._connection = None

    async def async_close(self) -> None:
        """Close the database and stop the store's thread."""
        await self._run(self._close)
        self._executor.shutdown(wait=True)

    def _info(self) -> StoreInfo:
        version: int = self.connection.execute("PRAGMA user_version").fetchone()[0]
        size = sum(p.stat().st_size for p in (self.database, Path(f"{self.database}-wal")) if p.exists())
        return StoreInfo(version, self.migrated_from, size)

    async def async_info(self) -> StoreInfo:
        """Return the schema version and size of the database."""
        return await self._run(self._info)

    async def async_call[T](self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking `func(*args)` on the store's thread, where it may use `connection`."""
        return await self._run(func, *args)

    def indexed_paths(self, camera: str) -> set[str]:
        """Every indexed path of a camera (store thread)."""
        rows = self.connection.execute("SELECT path FROM segments WHERE camera = ?", (camera,))
        return {row[0] for row in rows}

    def remove_segments(self, ids: list[int]) -> None:
        """Forget segments (store thread); their files are already gone."""
        self.connection.executemany("DELETE FROM segments WHERE id = ?", [(i,) for i in ids])

    # Settings kept with the footage (not in the config entry) ------------------------------------

    async def async_get_meta(self, key: str) -> str | None:
        """A setting stored in the index."""

        def get() -> str | None:
            row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row else None

        return await self._run(get)

    async def async_set_meta(self, key: str, value: str) -> None:
        """Store a setting in the index."""
        await self._run(
            lambda: self.connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    # Segments ------------------------------------------------------------------------------------

    def add_segment(self, camera: str, start_us: int, end_us: int, size: int, path: str) -> int:
        """Index a finished segment (store thread)."""
        cursor = self.connection.execute(
            "INSERT INTO segments (camera, start_us, end_us, bytes, path) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET start_us = excluded.start_us, end_us = excluded.end_us, "
            "bytes = excluded.bytes RETURNING id",
            (camera, start_us, end_us, size, path),
        )
        segment_id: int = cursor.fetchone()[0]
        self._longest_us = max(self._longest_us, end_us - start_us)
        return segment_id

    async def async_add_segment(self, camera: str, start_us: int, end_us: int, size: int, path: str) -> int:
        """Index a finished segment."""
        return await self._run(self.add_segment, camera, start_us, end_us, size, path)

    def _longest(self) -> int:
        if self._longest_us < 0:
            row = self.connection.execute("SELECT MAX(end_us - start_us) FROM segments").fetchone()
            self._longest_us = row[0] or 0
        return self._longest_us

    def segments_in_window(self, camera: str, start_us: int, end_us: int) -> list[Segment]:
        """Segments of `camera` overlapping [start, end) in time order (store thread).

        The start is bounded below by the longest segment, so the (camera, start) index answers
        without scanning everything that ended before the window.
        """
        rows = self.connection.execute(
            f"SELECT {SEGMENT_COLUMNS} FROM segments "
            "WHERE camera = ? AND start_us >= ? AND start_us < ? AND end_us > ? ORDER BY start_us",
            (camera, start_us - self._longest(), end_us, start_us),
        ).fetchall()
        return [Segment(*row) for row in rows]

    async def async_segments_in_window(self, camera: str, start_us: int, end_us: int) -> list[Segment]:
        """Segments of `camera` overlapping [start, end) in time order."""
        return await self._run(self.segments_in_window, camera, start_us, end_us)

    async def async_segment(self, segment_id: int) -> Segment | None:
        """One segment by id."""

        def get() -> Segment | None:
            row = self.connection.execute(
                f"SELECT {SEGMENT_COLUMNS} FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
            return Segment(*row) if row else None

        return await self._run(get)

    async def async_newest_segment(self, camera: str) -> Segment | None:
        """The most recent segment of a camera."""

        def get() -> Segment | None:
            row = self.connection.execute(
                f"SELECT {SEGMENT_COLUMNS} FROM segments WHERE camera = ? ORDER BY start_us DESC LIMIT 1",
                (camera,),
            ).fetchone()
            return Segment(*row) if row else None

        return await self._run(get)

    async def async_stats(self, camera: str | None = None) -> FootageStats:
        """Size and span of the footage of one camera, or of all."""

        def get() -> FootageStats:
            # Index seeks and the trigger-kept totals only: no scan, however much footage there is.
            where, args = ("WHERE camera = ?", (camera,)) if camera else ("", ())
            db = self.connection
            count, size = db.execute(
                f"SELECT COALESCE(SUM(segments), 0), COALESCE(SUM(bytes), 0) FROM footage_totals {where}",
                args,
            ).fetchone()
            oldest = db.execute(f"SELECT MIN(start_us) FROM segments {where}", args).fetchone()[0]
            newest = db.execute(
                f"SELECT end_us FROM segments {where} ORDER BY start_us DESC LIMIT 1", args
            ).fetchone()
            return FootageStats(count, size, oldest, newest[0] if newest else None)

        return await self._run(get)

    async def async_days(self, camera: str) -> list[str]:
        """UTC days (YYYY-MM-DD) with footage of a camera, newest first."""

        def get() -> list[str]:
            rows = self.connection.execute(
                "SELECT DISTINCT date(start_us / 1000000, 'unixepoch') AS day FROM segments "
                "WHERE camera = ? ORDER BY day DESC",
                (camera,),
            )
            return [row[0] for row in rows]

        return await self._run(get)

    # Events --------------------------------------------------------------------------------------

    async def async_add_event(
        self, camera: str, kind: str, source: str | None, at_us: int, pre_us: int, post_us: int
    ) -> Event:
        """Record an event and the footage window it keeps."""

        def add() -> Event:
            start, end = at_us - pre_us, at_us + post_us
            cursor = self.connection.execute(
                "INSERT INTO events (camera, kind, source, at_us, start_us, end_us) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (camera, kind, source, at_us, start, end),
            )
            return Event(cursor.fetchone()[0], camera, kind, source, at_us, start, end)

        return await self._run(add)

    async def async_events(self, camera: str, start_us: int, end_us: int) -> list[Event]:
        """Events of a camera that happened in [start, end), in time order."""

        def get() -> list[Event]:
            rows = self.connection.execute(
                "SELECT id, camera, kind, source, at_us, start_us, end_us FROM events "
                "WHERE camera = ? AND at_us >= ? AND at_us < ? ORDER BY at_us",
                (camera, start_us, end_us),
            )
            return [Event(*row) for row in rows]

        return await self._run(get)

    async def async_event_segment(self, event_id: int) -> Segment | None:
        """The first segment holding an event's footage."""

        def get() -> Segment | None:
            row = self.connection.execute(
                "SELECT camera, start_us, end_us FROM events WHERE id = ?", (event_id,)
            ).fetchone()
            if row is None:
                return None
            segments = self.segments_in_window(*row)
            return segments[0] if segments else None

        return await self._run(get)

    # Holds ---------------------------------------------------------------------------------------

    async def async_add_hold(
        self,
        camera: str | None,
        start_us: int,
        end_us: int,
        reason: str,
        ref: str | None = None,
        until_us: int | None = None,
    ) -> Hold:
        """Keep footage of a camera (None: every camera) in [start, end) until released or `until`."""
        if end_us <= start_us:
            raise ValueError("a hold must end after it starts")

        def add() -> Hold:
            cursor = self.connection.execute(
                "INSERT INTO holds (camera, start_us, end_us, reason, ref, until_us, created_us) "
                "VALUES (?, ?, ?, ?, ?, ?, CAST(unixepoch('subsec') * 1000000 AS INTEGER)) "
                "RETURNING id",
                (camera, start_us, end_us, reason, ref, until_us),
            )
            return Hold(cursor.fetchone()[0], camera, start_us, end_us, reason, ref, until_us)

        return await self._run(add)

    async def async_release_hold(self, hold_id: int) -> bool:
        """Release one hold; False when there was none."""
        return await self._run(
            lambda: self.connection.execute("DELETE FROM holds WHERE id = ?", (hold_id,)).rowcount > 0
        )

    async def async_release_holds(self, ref: str) -> int:
        """Release every hold placed for `ref` (a request or a share); return how many."""
        return await self._run(
            lambda: self.connection.execute("DELETE FROM holds WHERE ref = ?", (ref,)).rowcount
        )

    async def async_holds(self) -> list[Hold]:
        """Every hold, oldest first."""

        def get() -> list[Hold]:
            rows = self.connection.execute(
                "SELECT id, camera, start_us, end_us, reason, ref, until_us FROM holds ORDER BY id"
            )
            return [Hold(*row) for row in rows]

        return await self._run(get)
