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
