"""Webhook nonces already seen: the `nonces` table (each kept until its timestamp's window has passed)."""

from __future__ import annotations

import sqlite3


def remember(connection: sqlite3.Connection, nonce: str, until_us: int, now_us: int) -> bool:
    """Remember a nonce until `until_us`; False when it was already seen (a replay)."""
    with connection:
        connection.execute("DELETE FROM nonces WHERE until_us < ?", (now_us,))
        return bool(
            connection.execute(
                "INSERT INTO nonces (nonce, until_us) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
                (nonce, until_us),
            ).rowcount
        )
