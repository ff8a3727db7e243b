"""Footage retention must keep: the `holds` table (a pending request, a live share, or the owner's own)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


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


def add(
    connection: sqlite3.Connection,
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
    cursor = connection.execute(
        "INSERT INTO holds (camera, start_us, end_us, reason, ref, until_us, created_us) "
        "VALUES (?, ?, ?, ?, ?, ?, CAST(unixepoch('subsec') * 1000000 AS INTEGER)) RETURNING id",
        (camera, start_us, end_us, reason, ref, until_us),
    )
    return Hold(cursor.fetchone()[0], camera, start_us, end_us, reason, ref, until_us)


def release(connection: sqlite3.Connection, hold_id: int) -> bool:
    """Release one hold; False when there was none."""
    return connection.execute("DELETE FROM holds WHERE id = ?", (hold_id,)).rowcount > 0


def release_for(connection: sqlite3.Connection, ref: str, reason: str | None = None) -> int:
    """Release every hold placed for `ref` (of one reason, when given); return how many."""
    if reason is None:
        return connection.execute("DELETE FROM holds WHERE ref = ?", (ref,)).rowcount
    return connection.execute("DELETE FROM holds WHERE ref = ? AND reason = ?", (ref, reason)).rowcount


def lapse_for(connection: sqlite3.Connection, ref: str, reason: str, until_us: int) -> int:
    """Let the holds of `ref` (of one reason) lapse at `until_us`."""
    return connection.execute(
        "UPDATE holds SET until_us = ? WHERE ref = ? AND reason = ?", (until_us, ref, reason)
    ).rowcount


def every(connection: sqlite3.Connection) -> list[Hold]:
    """Every hold, oldest first."""
    rows = connection.execute(
        "SELECT id, camera, start_us, end_us, reason, ref, until_us FROM holds ORDER BY id"
    )
    return [Hold(*row) for row in rows]
