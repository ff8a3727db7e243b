"""Recorded footage and the events that keep it: the `segments`, `events` and `footage_totals` tables.

Every function takes the connection first and runs on the store's thread (`Store.async_call`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Final


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
    # Only filled where asked for (window queries stay on their covering index): see `timing`.
    time_source: str | None = None
    clock_offset_us: int | None = None


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
class FootageStats:
    """Size and span of the footage of one camera, or of all."""

    segments: int
    bytes: int
    oldest_us: int | None
    newest_us: int | None


COLUMNS: Final = "id, camera, start_us, end_us, bytes, path"
# A segment `s` under a live hold (`:now` is the current time).
HELD: Final = """EXISTS (
    SELECT 1 FROM holds h
    WHERE (h.camera IS NULL OR h.camera = s.camera)
      AND h.start_us < s.end_us AND h.end_us > s.start_us
      AND (h.until_us IS NULL OR h.until_us > :now)
)"""
TOUCHES_EVENT: Final = """EXISTS (
    SELECT 1 FROM events e
    WHERE e.camera = s.camera AND e.start_us < s.end_us AND e.end_us > s.start_us
)"""

# The longest segment of each open connection (keyed by id(connection); forgotten when it closes), so
# window queries can bound their start without a scan.
_longest: dict[int, int] = {}


def forget(connection: sqlite3.Connection) -> None:
    """Drop what is cached for a connection that closes."""
    _longest.pop(id(connection), None)


def _longest_us(connection: sqlite3.Connection) -> int:
    if (known := _longest.get(id(connection))) is None:
        row = connection.execute("SELECT MAX(end_us - start_us) FROM segments").fetchone()
        known = _longest[id(connection)] = row[0] or 0
    return known


# Where an indexed file came from: recorded by Doorbell Vault, or found in the folder (never exported).
RECORDED: Final = "recorded"
FOREIGN: Final = "foreign"


def add(
    connection: sqlite3.Connection,
    camera: str,
    start_us: int,
    end_us: int,
    size: int,
    path: str,
    sha256: str | None = None,
    origin: str = RECORDED,
    time_source: str | None = None,
    clock_offset_us: int | None = None,
) -> int:
    """Index a finished segment (again, if its path is indexed already); return its id.

    `sha256` is the file's hash at indexing time: what the hourly seal puts into the audit chain.
    `time_source` and `clock_offset_us` say how its times were mapped to UTC (schema 8).
    """
    cursor = connection.execute(
        "INSERT INTO segments (camera, start_us, end_us, bytes, path, sha256, origin, time_source, "
        "clock_offset_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (path) DO UPDATE SET start_us = excluded.start_us, end_us = excluded.end_us, "
        "bytes = excluded.bytes, sha256 = excluded.sha256, origin = excluded.origin, seal = NULL, "
        "time_source = excluded.time_source, clock_offset_us = excluded.clock_offset_us "
        "RETURNING id",
        (camera, start_us, end_us, size, path, sha256, origin, time_source, clock_offset_us),
    )
    segment_id: int = cursor.fetchone()[0]
    _longest[id(connection)] = max(_longest_us(connection), end_us - start_us)
    return segment_id


def timing(connection: sqlite3.Connection, found: list[Segment]) -> list[Segment]:
    """The same segments with their time source and camera clock offset filled in."""
    for segment in found:
        row = connection.execute(
            "SELECT time_source, clock_offset_us FROM segments WHERE id = ?", (segment.id,)
        ).fetchone()
        if row:
            segment.time_source, segment.clock_offset_us = row
    return found


def remove(connection: sqlite3.Connection, ids: list[int]) -> None:
    """Forget segments; their files are already gone."""
    connection.executemany("DELETE FROM segments WHERE id = ?", [(i,) for i in ids])


def foreign_ids(connection: sqlite3.Connection, ids: list[int]) -> set[int]:
    """Which of these segments were found in the folder rather than recorded (never exported)."""
    found: set[int] = set()
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        rows = connection.execute(
            f"SELECT id FROM segments WHERE origin != 'recorded' AND id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        found.update(row[0] for row in rows)
    return found


def indexed_paths(connection: sqlite3.Connection, camera: str) -> set[str]:
    """Every indexed path of a camera."""
    return {row[0] for row in connection.execute("SELECT path FROM segments WHERE camera = ?", (camera,))}


def of_camera(connection: sqlite3.Connection, camera: str) -> list[Segment]:
    """Every segment of a camera."""
    rows = connection.execute(f"SELECT {COLUMNS} FROM segments WHERE camera = ?", (camera,))
    return [Segment(*row) for row in rows]


def in_window(connection: sqlite3.Connection, camera: str, start_us: int, end_us: int) -> list[Segment]:
    """Segments of `camera` overlapping [start, end) in time order.

    The start is bounded below by the longest segment, so the (camera, start) index answers without
    scanning everything that ended before the window.
    """
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM segments "
        "WHERE camera = ? AND start_us >= ? AND start_us < ? AND end_us > ? ORDER BY start_us",
        (camera, start_us - _longest_us(connection), end_us, start_us),
    ).fetchall()
    return [Segment(*row) for row in rows]


def in_windows(
    connection: sqlite3.Connection, cameras: list[str], start_us: int, end_us: int
) -> dict[str, list[Segment]]:
    """Each camera's segments overlapping [start, end), read together."""
    return {camera: in_window(connection, camera, start_us, end_us) for camera in cameras}


def with_footage(
    connection: sqlite3.Connection, cameras: list[str], windows: list[tuple[int, int]]
) -> list[list[str]]:
    """For each window, the cameras (of `cameras`, in that order) with a segment overlapping it.

    One index seek per camera and window: the last segment starting before the window's end (a
    camera's segments are recorded one after another, so it is the one reaching furthest).
    """
    found = []
    for start_us, end_us in windows:
        having = []
        for camera in cameras:
            row = connection.execute(
                "SELECT end_us FROM segments WHERE camera = ? AND start_us < ? "
                "ORDER BY start_us DESC LIMIT 1",
                (camera, end_us),
            ).fetchone()
            if row is not None and row[0] > start_us:
                having.append(camera)
        found.append(having)
    return found


def get(connection: sqlite3.Connection, segment_id: int) -> Segment | None:
    """One segment by id."""
    row = connection.execute(f"SELECT {COLUMNS} FROM segments WHERE id = ?", (segment_id,)).fetchone()
    return Segment(*row) if row else None


def newest(connection: sqlite3.Connection, camera: str) -> Segment | None:
    """The most recent segment of a camera."""
    row = connection.execute(
        f"SELECT {COLUMNS} FROM segments WHERE camera = ? ORDER BY start_us DESC LIMIT 1", (camera,)
    ).fetchone()
    return Segment(*row) if row else None


def stats(connection: sqlite3.Connection, camera: str | None = None) -> FootageStats:
    """Size and span of the footage of one camera, or of all.

    Index seeks and the trigger-kept totals only: no scan, however much footage there is.
    """
    where, args = ("WHERE camera = ?", (camera,)) if camera else ("", ())
    count, size = connection.execute(
        f"SELECT COALESCE(SUM(segments), 0), COALESCE(SUM(bytes), 0) FROM footage_totals {where}", args
    ).fetchone()
    oldest = connection.execute(f"SELECT MIN(start_us) FROM segments {where}", args).fetchone()[0]
    latest = connection.execute(
        f"SELECT end_us FROM segments {where} ORDER BY start_us DESC LIMIT 1", args
    ).fetchone()
    return FootageStats(count, size, oldest, latest[0] if latest else None)


def total_bytes(connection: sqlite3.Connection) -> int:
    """Bytes of all footage (trigger-kept total)."""
    total: int = connection.execute("SELECT COALESCE(SUM(bytes), 0) FROM footage_totals").fetchone()[0]
    return total


def hashes(connection: sqlite3.Connection) -> dict[str, str]:
    """Every indexed file's SHA-256 when it was indexed, by path."""
    return dict(connection.execute("SELECT path, sha256 FROM segments WHERE sha256 IS NOT NULL").fetchall())


def days(connection: sqlite3.Connection, camera: str) -> list[str]:
    """UTC days (YYYY-MM-DD) with footage of a camera, newest first."""
    rows = connection.execute(
        "SELECT DISTINCT date(start_us / 1000000, 'unixepoch') AS day FROM segments "
        "WHERE camera = ? ORDER BY day DESC",
        (camera,),
    )
    return [row[0] for row in rows]


# Retention --------------------------------------------------------------------------------------


def drop_lapsed(connection: sqlite3.Connection, now_us: int, events_before_us: int) -> None:
    """Delete holds whose time has passed and events older than the event retention."""
    connection.execute("DELETE FROM holds WHERE until_us IS NOT NULL AND until_us <= ?", (now_us,))
    connection.execute("DELETE FROM events WHERE end_us < ?", (events_before_us,))


def aged_unheld(
    connection: sqlite3.Connection,
    now_us: int,
    event_cutoff_us: int,
    continuous_cutoff_us: int,
    grace_cutoff_us: int,
    events_only: list[str],
) -> list[Segment]:
    """Unheld segments past their age.

    Event footage goes after the event cutoff, other footage after the continuous cutoff, and footage of
    events-only cameras that no event touches after the grace cutoff.
    """
    names = {f"c{i}": camera for i, camera in enumerate(sorted(events_only))}
    only = f"s.camera IN ({', '.join(':' + n for n in names)})" if names else "0"
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM segments s WHERE NOT {HELD} AND ("
        "  s.end_us < :event_cutoff"
        f" OR (s.end_us < :continuous_cutoff AND NOT {TOUCHES_EVENT})"
        f" OR (s.end_us < :grace_cutoff AND {only} AND NOT {TOUCHES_EVENT})"
        ") ORDER BY s.start_us",
        {
            "now": now_us,
            **names,
            "event_cutoff": event_cutoff_us,
            "continuous_cutoff": continuous_cutoff_us,
            "grace_cutoff": grace_cutoff_us,
        },
    ).fetchall()
    return [Segment(*row) for row in rows]


def oldest_unheld(connection: sqlite3.Connection, now_us: int, limit: int) -> list[Segment]:
    """The oldest segments no hold keeps."""
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM segments s WHERE NOT {HELD} ORDER BY s.start_us LIMIT :limit",
        {"now": now_us, "limit": limit},
    ).fetchall()
    return [Segment(*row) for row in rows]


# Events -----------------------------------------------------------------------------------------


def add_event(
    connection: sqlite3.Connection,
    camera: str,
    kind: str,
    source: str | None,
    at_us: int,
    pre_us: int,
    post_us: int,
) -> Event:
    """Record an event and the footage window it keeps."""
    start, end = at_us - pre_us, at_us + post_us
    cursor = connection.execute(
        "INSERT INTO events (camera, kind, source, at_us, start_us, end_us) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (camera, kind, source, at_us, start, end),
    )
    return Event(cursor.fetchone()[0], camera, kind, source, at_us, start, end)


def events(connection: sqlite3.Connection, camera: str, start_us: int, end_us: int) -> list[Event]:
    """Events of a camera that happened in [start, end), in time order."""
    rows = connection.execute(
        "SELECT id, camera, kind, source, at_us, start_us, end_us FROM events "
        "WHERE camera = ? AND at_us >= ? AND at_us < ? ORDER BY at_us",
        (camera, start_us, end_us),
    )
    return [Event(*row) for row in rows]


def event_segment(connection: sqlite3.Connection, event_id: int) -> Segment | None:
    """The first segment holding an event's footage."""
    row = connection.execute(
        "SELECT camera, start_us, end_us FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    if row is None:
        return None
    found = in_window(connection, *row)
    return found[0] if found else None
