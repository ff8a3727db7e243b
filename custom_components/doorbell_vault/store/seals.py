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


def record_body(connection: sqlite3.Connection, seq: int) -> dict[str, Any] | None:
    """What a seal's signed record beside the footage holds.

    Its audit entry and every leaf with the segment it came from (in leaf order), so the index can be
    rebuilt from the footage folder alone.
    """
    entry = connection.execute(
        "SELECT at_us, data, prev, hash FROM audit WHERE seq = ? AND kind = ?", (seq, SEALED)
    ).fetchone()
    if entry is None:
        return None
    leaves = [
        {
            "path": path,
            "camera": camera,
            "start_us": start_us,
            "end_us": end_us,
            "bytes": size,
            "sha256": digest,
            "time_source": time_source,
            "clock_offset_us": offset,
        }
        for path, camera, start_us, end_us, size, digest, time_source, offset in connection.execute(
            "SELECT path, camera, start_us, end_us, bytes, sha256, time_source, clock_offset_us "
            "FROM segments WHERE seal = ? ORDER BY id",
            (seq,),
        )
    ]
    return {
        "version": 1,
        "seq": seq,
        "at_us": entry[0],
        "root": json.loads(entry[1])["root"],
        "audit": {"prev": entry[2], "hash": entry[3]},
        "leaves": leaves,
    }


def since(connection: sqlite3.Connection, after_seq: int) -> list[int]:
    """The seals after `after_seq` that still have their leaves, oldest first."""
    return [
        row[0]
        for row in connection.execute(
            "SELECT seal FROM seal_leaves WHERE seal > ? ORDER BY seal", (after_seq,)
        )
    ]


def restore(
    connection: sqlite3.Connection, at_us: int, body: dict[str, Any], file_name: str, segment_ids: list[int]
) -> Seal:
    """Seal again, in this index, segments a signed seal record proves (an index rebuilt or restored).

    The leaves are the record's, all of them (pruned ones too), so the root is the one it signed; the
    audit entry says which record and which entry of the earlier chain it came from.
    """
    digests = [leaf["sha256"] for leaf in body["leaves"]]
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        audit.append(
            connection,
            at_us,
            SEALED,
            None,
            {
                "segments": len(digests),
                "root": body["root"],
                "tree": "RFC 6962; leaves: the segments' SHA-256 digests in id order",
                "recovered": {
                    "record": file_name,
                    "sealed_at_us": body["at_us"],
                    "seq": body["seq"],
                    "audit_hash": body["audit"]["hash"],
                },
            },
        )
        seq: int = connection.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
        connection.executemany("UPDATE segments SET seal = ? WHERE id = ?", [(seq, i) for i in segment_ids])
        connection.execute(
            "INSERT INTO seal_leaves (seal, leaves) VALUES (?, ?)",
            (seq, b"".join(bytes.fromhex(digest) for digest in digests)),
        )
    return Seal(seq, len(segment_ids), body["root"])


def sealed_paths(connection: sqlite3.Connection, paths: list[str]) -> set[str]:
    """Those of `paths` whose segments are sealed already."""
    found: set[str] = set()
    for at in range(0, len(paths), 500):
        chunk = paths[at : at + 500]
        found.update(
            row[0]
            for row in connection.execute(
                "SELECT path FROM segments WHERE seal IS NOT NULL "
                f"AND path IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
        )
    return found


def ids_of(connection: sqlite3.Connection, paths: list[str]) -> dict[str, int]:
    """The segment ids of these paths (those indexed)."""
    found: dict[str, int] = {}
    for at in range(0, len(paths), 500):
        chunk = paths[at : at + 500]
        found.update(
            connection.execute(
                f"SELECT path, id FROM segments WHERE path IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return found
