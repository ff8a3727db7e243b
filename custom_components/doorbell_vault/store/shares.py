"""Shares as stored: the `shares` table (the token itself is never stored, only its SHA-256)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

from ..clock import iso
from . import audit, holds
from .inbox import Request, RequestNotPending, get


@dataclass(frozen=True, slots=True)
class Share:
    """A share as stored."""

    request_id: str
    created_us: int
    expires_us: int
    max_downloads: int
    downloads: int
    ended_us: int | None
    end_reason: str | None
    folder: str
    package_bytes: int
    manifest: dict[str, Any]
    # Download attempts started (a POST from the link's page), capped apart from completed downloads.
    attempts: int = 0
    max_attempts: int = 0


@dataclass(frozen=True, slots=True)
class NewShare:
    """What sharing a request writes: the built package and the link's limits."""

    request_id: str
    token_hash: str
    folder: str
    package_bytes: int
    manifest: dict[str, Any]
    manifest_sha256: str
    files: list[dict[str, Any]]
    expires_us: int
    max_downloads: int
    decided_by: str
    max_attempts: int
    # (camera id, start, end) of the footage the share holds
    held: list[tuple[str, int, int]]
    # An agency's standing policy shared it: the link is minted for the submitting key when it asks.
    link_to_key: bool = False


COLUMNS: Final = (
    "request_id, created_us, expires_us, max_downloads, downloads, ended_us, end_reason, folder, "
    "package_bytes, manifest, attempts, max_attempts"
)
OPEN: Final = "ended_us IS NULL AND expires_us > ? AND downloads < max_downloads"
LIVE: Final = f"token_hash = ? AND {OPEN}"


def _from_row(row: tuple[Any, ...]) -> Share:
    request_id, created, expires, most, downloads, ended, reason, folder, size, manifest, tries, cap = row
    return Share(
        request_id,
        created,
        expires,
        most,
        downloads,
        ended,
        reason,
        folder,
        size,
        json.loads(manifest),
        tries,
        cap,
    )


def record(connection: sqlite3.Connection, share: NewShare, at_us: int) -> Request:
    """Pending → shared with its share row, audit entries and holds, in one transaction."""
    request_id = share.request_id
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        if not connection.execute(
            "UPDATE requests SET status = 'shared', decided_by = ?, decided_us = ? "
            "WHERE id = ? AND status = 'pending'",
            (share.decided_by, at_us, request_id),
        ).rowcount:
            raise RequestNotPending(request_id)
        connection.execute(
            f"INSERT INTO shares ({COLUMNS.replace('request_id,', 'request_id, token_hash,')}, link_to_key) "
            "VALUES (?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, ?, 0, ?, ?)",
            (
                request_id,
                share.token_hash,
                at_us,
                share.expires_us,
                share.max_downloads,
                share.folder,
                share.package_bytes,
                json.dumps(share.manifest),
                share.max_attempts,
                share.link_to_key,
            ),
        )
        audit.append(
            connection,
            at_us,
            "request_shared",
            request_id,
            {
                "decided_by": share.decided_by,
                "include_audio": share.manifest["include_audio"],
                "expires": iso(share.expires_us),
                "max_downloads": share.max_downloads,
                # How each camera's clip was made: originals (bit-exact), masks or masks_faces.
                "redaction": share.manifest.get("decision", {}).get("redaction", {}),
            },
        )
        audit.append(
            connection,
            at_us,
            "package_built",
            request_id,
            {"files": share.files, "manifest_sha256": share.manifest_sha256},
        )
        holds.release_for(connection, request_id, "request")
        for camera, start, end in share.held:
            holds.add(connection, camera, start, end, "share", request_id)
        audit.append(
            connection, at_us, "hold_placed", request_id, {"cameras": len(share.held), "reason": "share"}
        )
        found = get(connection, request_id)
    assert found is not None
    return found


def end(
    connection: sqlite3.Connection, request_id: str, reason: str, at_us: int, grace_us: int
) -> Request | None:
    """End a live share (revoked, expired, exhausted); None if it was not live."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        if not connection.execute(
            "UPDATE shares SET ended_us = ?, end_reason = ? WHERE request_id = ? AND ended_us IS NULL",
            (at_us, reason, request_id),
        ).rowcount:
            return None
        if reason == "revoked":
            connection.execute(
                "UPDATE requests SET status = 'revoked' WHERE id = ? AND status = 'shared'", (request_id,)
            )
        holds.lapse_for(connection, request_id, "share", at_us + grace_us)
        audit.append(
            connection,
            at_us,
            "share_ended",
            request_id,
            {"reason": reason, "holds_until": iso(at_us + grace_us)},
        )
        return get(connection, request_id)


def reissue_link(
    connection: sqlite3.Connection,
    request_id: str,
    digest: str,
    at_us: int,
    asked_by: dict[str, Any],
    *,
    again: bool,
) -> Share | None:
    """Mint a link for the key a standing policy's share belongs to: `digest` replaces the token hash.

    Only while the share is open (not ended, expired or used up, attempts left) and, unless `again`, not
    handed over yet; its expiry, limits and counts stay, and the old token stops working. None: nothing
    minted. Audited as share_link_reissued (who asked; whether a link handed before stopped working) in
    the same transaction.
    """
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        found = connection.execute(
            f"SELECT link_handed_us FROM shares WHERE request_id = ? AND link_to_key = 1 AND {OPEN} "
            "AND attempts < max_attempts",
            (request_id, at_us),
        ).fetchone()
        if found is None or (found[0] is not None and not again):
            return None
        row = connection.execute(
            f"UPDATE shares SET token_hash = ?, link_handed_us = ? WHERE request_id = ? RETURNING {COLUMNS}",
            (digest, at_us, request_id),
        ).fetchone()
        audit.append(
            connection,
            at_us,
            "share_link_reissued",
            request_id,
            {**asked_by, "replaces_handed_link": found[0] is not None},
        )
    return _from_row(row)


@dataclass(frozen=True, slots=True)
class Download:
    """One download of a share's package (or an attempt cut short)."""

    at_us: int
    remote: str | None
    user_agent: str | None
    bytes: int
    completed: bool


def record_download(
    connection: sqlite3.Connection, request_id: str, at_us: int, entry: dict[str, Any]
) -> None:
    """One download into the download log and the audit chain, in one transaction."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO downloads (request_id, at_us, remote, user_agent, bytes, completed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                request_id,
                at_us,
                entry.get("remote"),
                entry.get("user_agent"),
                int(entry.get("bytes", 0)),
                bool(entry.get("completed")),
            ),
        )
        audit.append(connection, at_us, "share_downloaded", request_id, entry)


def downloads_of(connection: sqlite3.Connection, request_id: str, limit: int = 1000) -> list[Download]:
    """The newest downloads of a request's share, newest first."""
    rows = connection.execute(
        "SELECT at_us, remote, user_agent, bytes, completed FROM downloads WHERE request_id = ? "
        "ORDER BY at_us DESC, id DESC LIMIT ?",
        (request_id, limit),
    ).fetchall()
    return [Download(at, remote, agent, size, bool(done)) for at, remote, agent, size, done in rows]


def find_live(connection: sqlite3.Connection, digest: str, now_us: int) -> Share | None:
    """The live share of a token hash (a download is claimed with `claim`)."""
    row = connection.execute(f"SELECT {COLUMNS} FROM shares WHERE {LIVE}", (digest, now_us)).fetchone()
    return _from_row(row) if row else None


def claim(connection: sqlite3.Connection, digest: str, now_us: int, running: dict[str, int]) -> Share | None:
    """Claim one download of the live share of a token hash: an attempt (capped) and a slot.

    A slot is free while the completed downloads and the running ones together stay below
    max_downloads. `running` (request id → downloads under way) is the share desk's, in memory, so no
    slot outlives a restart; only `claim` and `release` touch it, both on the store's thread, so checking
    and taking a slot are one step however many downloads start at once.
    """
    share = find_live(connection, digest, now_us)
    if (
        share is None
        or share.attempts >= share.max_attempts
        or share.downloads + running.get(share.request_id, 0) >= share.max_downloads
    ):
        return None
    row = connection.execute(
        f"UPDATE shares SET attempts = attempts + 1 WHERE request_id = ? RETURNING {COLUMNS}",
        (share.request_id,),
    ).fetchone()
    running[share.request_id] = running.get(share.request_id, 0) + 1
    return _from_row(row)


def release(
    connection: sqlite3.Connection, request_id: str, running: dict[str, int], *, completed: bool
) -> Share | None:
    """A claimed download ended: its slot is free again; a completed one counts (see `claim`)."""
    left = running.pop(request_id, 0) - 1
    if left > 0:
        running[request_id] = left
    return count_download(connection, request_id) if completed else of_request(connection, request_id)


def count_download(connection: sqlite3.Connection, request_id: str) -> Share | None:
    """One download completed (counted even if the share ended meanwhile)."""
    row = connection.execute(
        f"UPDATE shares SET downloads = downloads + 1 WHERE request_id = ? RETURNING {COLUMNS}", (request_id,)
    ).fetchone()
    return _from_row(row) if row else None


def load(connection: sqlite3.Connection, *, live: bool = False) -> list[Share]:
    """Shares (only live ones), newest first."""
    where = "WHERE ended_us IS NULL" if live else ""
    rows = connection.execute(f"SELECT {COLUMNS} FROM shares {where} ORDER BY created_us DESC")
    return [_from_row(row) for row in rows]


def of_request(connection: sqlite3.Connection, request_id: str) -> Share | None:
    """The share of a request, if it was shared."""
    row = connection.execute(f"SELECT {COLUMNS} FROM shares WHERE request_id = ?", (request_id,)).fetchone()
    return _from_row(row) if row else None
