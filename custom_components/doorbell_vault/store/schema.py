"""The index's schema: append-only migrations, one transaction each."""

from __future__ import annotations

import logging
import sqlite3
from typing import Final

from .errors import StoreError

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
    # 3: window queries answered from the index alone (no table lookups per segment), and running
    #    totals per camera kept by triggers, so sizes never need a scan of millions of rows
    """
    CREATE INDEX segments_window ON segments (camera, start_us, end_us, id, bytes, path);
    DROP INDEX segments_camera_start;
    CREATE TABLE footage_totals (
        camera TEXT PRIMARY KEY, segments INTEGER NOT NULL, bytes INTEGER NOT NULL
    );
    INSERT INTO footage_totals SELECT camera, COUNT(*), SUM(bytes) FROM segments GROUP BY camera;
    CREATE TRIGGER segments_added AFTER INSERT ON segments BEGIN
        INSERT INTO footage_totals VALUES (new.camera, 1, new.bytes)
        ON CONFLICT (camera) DO UPDATE SET segments = segments + 1, bytes = bytes + new.bytes;
    END;
    CREATE TRIGGER segments_removed AFTER DELETE ON segments BEGIN
        UPDATE footage_totals SET segments = segments - 1, bytes = bytes - old.bytes
        WHERE camera = old.camera;
    END;
    CREATE TRIGGER segments_changed AFTER UPDATE OF camera, bytes ON segments BEGIN
        UPDATE footage_totals SET segments = segments - 1, bytes = bytes - old.bytes
        WHERE camera = old.camera;
        INSERT INTO footage_totals VALUES (new.camera, 1, new.bytes)
        ON CONFLICT (camera) DO UPDATE SET segments = segments + 1, bytes = bytes + new.bytes;
    END;
    """,
    # 4: footage requests and the hash-chained audit log
    """
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        received_us INTEGER NOT NULL,
        source TEXT NOT NULL,
        agency TEXT NOT NULL,
        case_number TEXT,
        legal_basis TEXT NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        fields TEXT NOT NULL,
        status TEXT NOT NULL,
        problems TEXT NOT NULL,
        deadline_us INTEGER NOT NULL,
        decided_by TEXT,
        decided_us INTEGER,
        message TEXT
    );
    CREATE INDEX requests_status ON requests (status);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at_us INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    """,
    # 5: shares (evidence packages behind hashed tokens); the token itself is never stored
    """
    CREATE TABLE shares (
        request_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_us INTEGER NOT NULL,
        expires_us INTEGER NOT NULL,
        max_downloads INTEGER NOT NULL,
        downloads INTEGER NOT NULL DEFAULT 0,
        ended_us INTEGER,
        end_reason TEXT,
        folder TEXT NOT NULL,
        package_bytes INTEGER NOT NULL,
        manifest TEXT NOT NULL
    );
    CREATE INDEX shares_live ON shares (ended_us);
    """,
    # 6: capture-time proofs: each segment's SHA-256 when it was indexed, where it came from (recorded by
    #    us, or found in the folder: foreign, never exported), and the audit seal that holds its hash
    """
    ALTER TABLE segments ADD COLUMN sha256 TEXT;
    ALTER TABLE segments ADD COLUMN origin TEXT NOT NULL DEFAULT 'recorded';
    ALTER TABLE segments ADD COLUMN seal INTEGER;
    CREATE INDEX segments_seal ON segments (seal, id);
    CREATE TABLE seal_leaves (seal INTEGER PRIMARY KEY, leaves BLOB NOT NULL);
    """,
    # 7: the download log of shares in a table of its own (the audit chain keeps its entries too), so a
    #    request's log is an index lookup, not a scan of the chain; and the review panel's inbox order
    #    (pending first by deadline, then decided newest first) as an index
    """
    CREATE TABLE downloads (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        at_us INTEGER NOT NULL,
        remote TEXT,
        user_agent TEXT,
        bytes INTEGER NOT NULL,
        completed INTEGER NOT NULL
    );
    CREATE INDEX downloads_request ON downloads (request_id, at_us);
    CREATE INDEX downloads_at ON downloads (at_us);
    INSERT INTO downloads (request_id, at_us, remote, user_agent, bytes, completed)
    SELECT ref, at_us, json_extract(data, '$.remote'), json_extract(data, '$.user_agent'),
           COALESCE(json_extract(data, '$.bytes'), 0), COALESCE(json_extract(data, '$.completed'), 0)
    FROM audit WHERE kind = 'share_downloaded' AND ref IS NOT NULL ORDER BY seq;
    CREATE INDEX requests_inbox ON requests (
        status <> 'pending',
        (CASE WHEN status = 'pending' THEN deadline_us ELSE -COALESCE(decided_us, received_us) END)
    );
    CREATE INDEX requests_agency ON requests (agency COLLATE NOCASE);
    """,
    # 8: hardening (issue 12): webhook nonces against replay; where a request came from (its pending
    # requests are capped); a share's download attempts, counted apart from completed downloads
    """
    CREATE TABLE nonces (nonce TEXT PRIMARY KEY, until_us INTEGER NOT NULL);
    ALTER TABLE requests ADD COLUMN origin TEXT;
    CREATE INDEX requests_origin ON requests (origin, status);
    ALTER TABLE shares ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE shares ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 0;
    UPDATE shares SET max_attempts = max(10, 5 * max_downloads);
    """,
    # 9: how each segment's times were mapped to UTC: 'rtcp' (the camera's sender reports, with the
    #    measured offset of its clock from the server's), 'arrival' (the first packet's arrival at
    #    each connect), 'file_name' (salvaged: the time ffmpeg opened the file); earlier recordings
    #    used ffmpeg's arrival stamps on every packet: 'wallclock'
    """
    ALTER TABLE segments ADD COLUMN time_source TEXT;
    ALTER TABLE segments ADD COLUMN clock_offset_us INTEGER;
    UPDATE segments SET time_source = 'wallclock' WHERE origin = 'recorded';
    """,
    # 10: who sent a request (an e-mail's From address) and whether the sender is vouched for
    """
    ALTER TABLE requests ADD COLUMN sender TEXT;
    ALTER TABLE requests ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
    """,
    # 11: a keyed request's agency (its subentry id) and the key that signed it (withdrawals must match)
    """
    ALTER TABLE requests ADD COLUMN agency_id TEXT;
    ALTER TABLE requests ADD COLUMN key_id TEXT;
    """,
    # 12: a share an agency's standing policy made: its link belongs to the key that submitted the request
    #     and is minted when that key asks after it (link_to_key), so no token waits in memory for a
    #     restart to lose; when a link was last handed to it (NULL: not yet)
    """
    ALTER TABLE shares ADD COLUMN link_to_key INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE shares ADD COLUMN link_handed_us INTEGER;
    """,
    # 13: each camera's privacy masks (issue 24): regions hidden in redacted shares, regions the face
    #     detector leaves alone and the standing choice, as JSON (redaction.regions.masks_to_json)
    """
    CREATE TABLE masks (camera TEXT PRIMARY KEY, masks TEXT NOT NULL, updated_us INTEGER NOT NULL);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


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
