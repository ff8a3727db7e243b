"""The audit log: append-only, each entry carrying the SHA-256 of the one before.

Editing or deleting any entry breaks the chain at that entry, and `verify` names it. Share manifests
carry the head, so recipients hold checkpoints the household cannot quietly rewrite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

GENESIS: Final = "0" * 64


def entry_hash(prev: str, seq: int, at_us: int, kind: str, ref: str | None, data: str) -> str:
    """The hash of one entry, chained to the previous one."""
    canonical = json.dumps([seq, at_us, kind, ref, data], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def append(
    connection: sqlite3.Connection, at_us: int, kind: str, ref: str | None, data: dict[str, Any]
) -> str:
    """Append one entry (store thread, inside the caller's transaction); return its hash."""
    row = connection.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = entry_hash(prev, seq, at_us, kind, ref, text)
    connection.execute(
        "INSERT INTO audit (seq, at_us, kind, ref, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at_us, kind, ref, text, prev, digest),
    )
    return digest


def record(
    connection: sqlite3.Connection, at_us: int, kind: str, ref: str | None, data: dict[str, Any]
) -> str:
    """Append one entry in a transaction of its own (store thread)."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        return append(connection, at_us, kind, ref, data)


@dataclass(frozen=True, slots=True)
class Verification:
    """The chain check: `problem` names the first broken entry."""

    ok: bool
    entries: int
    head: str
    problem: str | None = None
    # The first bad entry: its number, kind (None when it is missing) and what is wrong with it
    # ("missing", "broken_link", "altered").
    seq: int | None = None
    kind: str | None = None
    reason: str | None = None


def verify(connection: sqlite3.Connection) -> Verification:
    """Walk the whole chain (store thread)."""
    prev, expected_seq, count = GENESIS, 1, 0
    for seq, at_us, kind, ref, data, stored_prev, stored_hash in connection.execute(
        "SELECT seq, at_us, kind, ref, data, prev, hash FROM audit ORDER BY seq"
    ):
        if seq != expected_seq:
            return Verification(
                False, count, prev, f"entry {expected_seq} is missing", expected_seq, None, "missing"
            )
        if stored_prev != prev:
            return Verification(
                False, count, prev, f"entry {seq} does not follow entry {seq - 1}", seq, kind, "broken_link"
            )
        if entry_hash(prev, seq, at_us, kind, ref, data) != stored_hash:
            return Verification(False, count, prev, f"entry {seq} was altered", seq, kind, "altered")
        prev, expected_seq, count = stored_hash, seq + 1, count + 1
    return Verification(True, count, prev)


def export_lines(connection: sqlite3.Connection) -> list[str]:
    """The log as JSON Lines (store thread)."""
    return [
        json.dumps(
            {"seq": s, "at_us": a, "kind": k, "ref": r, "data": json.loads(d), "prev": p, "hash": h},
            ensure_ascii=False,
        )
        for s, a, k, r, d, p, h in connection.execute(
            "SELECT seq, at_us, kind, ref, data, prev, hash FROM audit ORDER BY seq"
        )
    ]
