"""What can go wrong with the storage folder and its index."""

from __future__ import annotations

from pathlib import Path


class FolderError(Exception):
    """The storage folder cannot be used; `reason` is a translation key."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(f"{reason}: {path}")
        self.reason = reason
        self.path = path


class StoreError(Exception):
    """The database cannot be opened or is newer than this version of the integration."""


class IndexDamaged(StoreError):
    """The index fails SQLite's integrity check, or is not a database at all (a power cut, a bad card)."""
