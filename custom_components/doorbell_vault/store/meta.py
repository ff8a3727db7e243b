"""Settings kept with the footage rather than in the config entry: the `meta` table."""

from __future__ import annotations

import sqlite3


def get(connection: sqlite3.Connection, key: str) -> str | None:
    """A setting stored in the index."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def put(connection: sqlite3.Connection, key: str, value: str) -> None:
    """Store a setting in the index."""
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete(connection: sqlite3.Connection, key: str) -> None:
    """Forget a setting."""
    connection.execute("DELETE FROM meta WHERE key = ?", (key,))
