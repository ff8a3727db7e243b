"""Each camera's privacy masks, as the JSON `redaction.regions.masks_to_json` makes (checked before here).

Every change is written with its audit entry in one transaction: `masks_changed` (camera, counts and the
SHA-256 of the stored JSON, so the log proves which masks applied when) and `masks_removed`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import audit


@dataclass(frozen=True, slots=True)
class StoredMasks:
    """One camera's masks as stored, and when they last changed (UTC µs)."""

    camera: str
    masks: dict[str, Any]
    updated_us: int


def canonical(masks: dict[str, Any]) -> str:
    """The JSON text stored and hashed."""
    return json.dumps(masks, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def counts(masks: dict[str, Any]) -> dict[str, Any]:
    """What the audit log and diagnostics say of a camera's masks (never where the regions are)."""
    return {
        "regions": len(masks.get("regions", [])),
        "clear": len(masks.get("clear", [])),
        "standing": masks.get("standing", "originals"),
    }


def get(connection: sqlite3.Connection, camera: str) -> StoredMasks | None:
    """One camera's masks, if it has any."""
    row = connection.execute("SELECT masks, updated_us FROM masks WHERE camera = ?", (camera,)).fetchone()
    return StoredMasks(camera, json.loads(row[0]), row[1]) if row else None


def of_cameras(connection: sqlite3.Connection, cameras: Iterable[str]) -> dict[str, StoredMasks]:
    """The masks of the cameras that have any."""
    found = (get(connection, camera) for camera in cameras)
    return {stored.camera: stored for stored in found if stored is not None}


def put(connection: sqlite3.Connection, camera: str, name: str, masks: dict[str, Any], at_us: int) -> None:
    """Store a camera's masks (replacing any), with the `masks_changed` audit entry, in one transaction."""
    text = canonical(masks)
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO masks (camera, masks, updated_us) VALUES (?, ?, ?) "
            "ON CONFLICT (camera) DO UPDATE SET masks = excluded.masks, updated_us = excluded.updated_us",
            (camera, text, at_us),
        )
        data = {"camera": camera, "name": name, **counts(masks)}
        data["sha256"] = hashlib.sha256(text.encode()).hexdigest()
        audit.append(connection, at_us, "masks_changed", None, data)


def keep(connection: sqlite3.Connection, cameras: Iterable[str], at_us: int) -> list[str]:
    """Remove the masks of every camera not in `cameras` (removed cameras), audited; return their ids."""
    kept = set(cameras)
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        gone = [c for (c,) in connection.execute("SELECT camera FROM masks ORDER BY camera") if c not in kept]
        for camera in gone:
            connection.execute("DELETE FROM masks WHERE camera = ?", (camera,))
            audit.append(connection, at_us, "masks_removed", None, {"camera": camera})
    return gone
