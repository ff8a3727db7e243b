"""Capture-time seals.

The SHA-256 of every recorded segment is folded each hour into a Merkle root that is appended to the audit
chain (kind `footage_sealed`), so a package can prove its sources were hashed when they were recorded,
before any request existed.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

from ..merkle import Tree
from . import audit

SEALED: Final = "footage_sealed"
MOST_PER_SEAL: Final = 100_000


@dataclass(frozen=True, slots=True)
class Seal:
    """One seal: its audit entry, how many segments, and the tree head."""

    seq: int
    segments: int
    root: str


@dataclass(frozen=True, slots=True)
class Proof:
    """Where one segment's capture-time hash sits in its seal."""

    seq: int
    sha256: str
    index: int
    size: int
    path: list[str]
    root: str


def seal(connection: sqlite3.Connection, at_us: int) -> Seal | None:
    """Seal every recorded, hashed and not yet sealed segment (in id order); None when there is none."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        rows = connection.execute(
            "SELECT id, sha256 FROM segments "
            "WHERE seal IS NULL AND sha256 IS NOT NULL AND origin = 'recorded' ORDER BY id LIMIT ?",
            (MOST_PER_SEAL,),
        ).fetchall()
        if not rows:
            return None
        root = Tree([bytes.fromhex(digest) for _, digest in rows]).root().hex()
        audit.append(
            connection,
            at_us,
            SEALED,
            None,
            {
                "segments": len(rows),
                "first_id": rows[0][0],
                "last_id": rows[-1][0],
                "root": root,
                "tree": "RFC 6962; leaves: the segments' SHA-256 digests in id order",
            },
        )
        seq: int = connection.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
        connection.executemany("UPDATE segments SET seal = ? WHERE id = ?", [(seq, row[0]) for row in rows])
        # The leaves outlive pruned segments, so the remaining ones still prove against the sealed root.
        connection.execute(
            "INSERT INTO seal_leaves (seal, leaves) VALUES (?, ?)",
            (seq, b"".join(bytes.fromhex(digest) for _, digest in rows)),
        )
    return Seal(seq, len(rows), root)


def proofs(connection: sqlite3.Connection, segment_ids: list[int]) -> dict[int, Proof]:
    """The audit path of each sealed segment among `segment_ids` (unsealed ones are left out)."""
    by_seal: dict[int, set[int]] = {}
    for at in range(0, len(segment_ids), 500):
        chunk = segment_ids[at : at + 500]
        for segment_id, seq in connection.execute(
            f"SELECT id, seal FROM segments WHERE seal IS NOT NULL AND id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            by_seal.setdefault(seq, set()).add(segment_id)
    found: dict[int, Proof] = {}
    for seq, members in by_seal.items():
        row = connection.execute("SELECT leaves FROM seal_leaves WHERE seal = ?", (seq,)).fetchone()
        if row is None:
            continue
        blob: bytes = row[0]
        leaves = [blob[at : at + 32] for at in range(0, len(blob), 32)]
        position = {leaf: index for index, leaf in enumerate(leaves)}
        tree = Tree(leaves)
        root = tree.root().hex()
        for segment_id, digest in connection.execute(
            f"SELECT id, sha256 FROM segments WHERE id IN ({', '.join('?' * len(members))})", list(members)
        ):
            index = position.get(bytes.fromhex(digest))
            if index is not None:
                path = [node.hex() for node in tree.path(index)]
                found[segment_id] = Proof(seq, digest, index, tree.size, path, root)
    return found


def forget_empty(connection: sqlite3.Connection) -> int:
    """Drop the leaves of seals whose segments are all gone (retention removed them)."""
    return connection.execute(
        "DELETE FROM seal_leaves "
        "WHERE seal NOT IN (SELECT DISTINCT seal FROM segments WHERE seal IS NOT NULL)"
    ).rowcount


def entries(connection: sqlite3.Connection, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The audit entries of these seals, exactly as stored (a recipient recomputes their hashes)."""
    found = {}
    for seq in sorted(set(seqs)):
        row = connection.execute(
            "SELECT seq, at_us, kind, ref, data, prev, hash FROM audit WHERE seq = ? AND kind = ?",
            (seq, SEALED),
        ).fetchone()
        if row:
            keys = ("seq", "at_us", "kind", "ref", "data", "prev", "hash")
            found[seq] = dict(zip(keys, row, strict=True))
            found[seq]["root"] = json.loads(row[4])["root"]
    return found
