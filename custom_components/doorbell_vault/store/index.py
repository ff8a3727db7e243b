"""The storage folder and its SQLite index, run on one dedicated thread.

All file and database work happens on that thread, never on the event loop: SQLite connections belong to
the thread that made them, and one writer keeps the index consistent without extra locking. The
connection never leaves this package: callers hand a repository function (`segments.in_window`,
`requests.insert`, …) to `Store.async_call`, which runs it on the thread with the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Concatenate

from . import segments
from .errors import FolderError, IndexDamaged, StoreError
from .schema import migrate

# What repository functions receive as their first argument.
type Connection = sqlite3.Connection


def prepare_folder(path: Path) -> int:
    """Create the storage folder if needed, prove it is writable and return its free bytes (blocking)."""
    if not path.is_absolute():
        raise FolderError("not_absolute", path)
    if path.exists() and not path.is_dir():
        raise FolderError("not_a_folder", path)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise FolderError("cannot_create", path) from err
    # Footage, the index, the keys and the exports are the household's: no other local user may
    # list or read them (files inside inherit nothing, but cannot be reached through a 0700 folder).
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-") as probe:
            probe.write(b"doorbell vault")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as err:
        raise FolderError("not_writable", path) from err
    return shutil.disk_usage(path).free


def set_aside(database: Path) -> Path:
    """Move a damaged index (and its journal files) aside, kept for inspection; return where (blocking)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = database.with_name(f"{database.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            source.replace(Path(f"{target}{suffix}"))
    return target


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
        self._released: threading.Event | None = None
        self.migrated_from = 0

    async def _run[T](self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(func, *args))

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StoreError("the store is closed")
        return self._connection

    def _open(self) -> None:
        connection = sqlite3.connect(self.database, isolation_level=None)
        try:
            # A power cut on an SD card can leave a torn page or a cut file: found here, at every start,
            # rather than by whatever query first reads the page.
            try:
                problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as err:
                raise IndexDamaged(str(err)) from err
            if problems != ["ok"]:
                raise IndexDamaged("; ".join(str(p) for p in problems))
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            self.migrated_from = migrate(connection)
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{self.database}{suffix}").chmod(0o600)
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
            segments.forget(self._connection)
            self._connection.close()
            self._connection = None

    async def async_close(self) -> None:
        """Close the database and stop the store's thread."""
        self.release()
        await self._run(self._close)
        self._executor.shutdown(wait=True)

    def _info(self) -> StoreInfo:
        version: int = self._db().execute("PRAGMA user_version").fetchone()[0]
        size = sum(p.stat().st_size for p in (self.database, Path(f"{self.database}-wal")) if p.exists())
        return StoreInfo(version, self.migrated_from, size)

    async def async_info(self) -> StoreInfo:
        """Return the schema version and size of the database."""
        return await self._run(self._info)

    def call[**P, T](
        self, func: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a repository function with the connection, from a job already on the store's thread."""
        return func(self._db(), *args, **kwargs)

    async def async_call[**P, T](
        self, func: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a repository function `func(connection, *args)` on the store's thread."""
        return await self._run(lambda: func(self._db(), *args, **kwargs))

    async def async_hold(self, limit_s: float) -> None:
        """Make the files on disk a consistent index, and keep them so until `release` (a backup).

        Everything the WAL holds is written into the database file, then the store's thread waits: calls
        and jobs queue up meanwhile (recording goes on; segments are indexed once released, and no pruning
        removes a file while a backup reads the folder). Released after `limit_s` at the latest.
        """
        if self._released is not None:
            return
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        released = self._released = threading.Event()

        def hold() -> None:
            try:
                self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except BaseException as err:  # handed to the waiting caller
                loop.call_soon_threadsafe(ready.set_exception, err)
                return
            loop.call_soon_threadsafe(ready.set_result, None)
            released.wait(limit_s)

        held = loop.run_in_executor(self._executor, hold)
        try:
            await ready
        except BaseException:
            self.release()
            await held
            raise

    def release(self) -> None:
        """End a hold (a no-op without one)."""
        if self._released is not None:
            self._released.set()
            self._released = None

    async def async_job[T](self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking `func(*args)` (files, hashing) on the store's thread, in order with the index work.

        A job that also needs the index calls `store.call(repository_function, …)` from the thread.
        """
        return await self._run(func, *args)
