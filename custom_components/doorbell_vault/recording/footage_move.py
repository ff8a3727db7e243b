"""Moving the footage to another folder: copy, verify every hash, switch, remove — resumable.

The vault's own state (the index, keys, secret, exports) never moves: where the footage shared one folder
with it (installs made before there were two folders), only the footage leaves. A copy is written under a
temporary name, flushed, hashed and renamed into place, so an interrupted move leaves either a verified
copy or none; a resumed move skips what is already there and verified. The old copies are removed only
after the hub records from the new folder, so no segment — held or not — is ever missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..const import DATABASE_FILE
from ..store import make_private_folder
from .recorder_process import INCOMING, PID_FILE
from .segment_filing import sha256_file

# The state that stays where it is when footage and state shared one folder (names at the top level).
STATE: Final = frozenset(
    {DATABASE_FILE, ".signing_key", ".agency_keys", ".webhook_secret", "timestamps", "exports"}
)


class MoveError(Exception):
    """A copy does not hold what the original held; nothing is switched."""


@dataclass(frozen=True, slots=True)
class Copied:
    """What one pass did."""

    files: int
    bytes: int
    skipped: int


def _same(original: Path, copy: Path, want: str | None) -> bool:
    """Whether `copy` is a verified copy of `original` (its SHA-256 `want`, when the index knows it)."""
    if not copy.exists() or copy.stat().st_size != original.stat().st_size:
        return False
    return sha256_file(copy) == (want or sha256_file(original))


def footage_files(folder: Path) -> Iterator[Path]:
    """Every footage file under `folder`, relative to it: not the state, not a recorder's open files."""
    for root, folders, names in os.walk(folder):
        here = Path(root)
        top = here == folder
        folders[:] = [f for f in folders if f != INCOMING and not (top and (f in STATE or f.startswith(".")))]
        for name in names:
            if top and (name in STATE or name.startswith(DATABASE_FILE)):
                continue
            if name != PID_FILE and not name.startswith(".") and not name.endswith(".tmp"):
                yield (here / name).relative_to(folder)


def copy_verified(source: Path, target: Path, expected: Mapping[str, str]) -> Copied:
    """Copy every footage file not yet at `target` (blocking).

    Each copy's SHA-256 must be the index's (segments) or the original's (everything else).
    """
    files = size = skipped = 0
    for relative in sorted(footage_files(source)):
        original, copy = source / relative, target / relative
        want = expected.get(str(relative))
        if _same(original, copy, want):
            skipped += 1
            continue
        make_private_folder(copy.parent)
        partial = copy.with_name(f".{copy.name}.moving.tmp")
        shutil.copyfile(original, partial)
        partial.chmod(0o600)
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        got = sha256_file(partial)
        if got != (want or sha256_file(original)):
            partial.unlink(missing_ok=True)
            raise MoveError(f"{relative}: the copy's SHA-256 {got} is not the original's")
        partial.replace(copy)
        files += 1
        size += copy.stat().st_size
    return Copied(files, size, skipped)


def remove_moved(source: Path, target: Path) -> int:
    """Remove the originals whose verified copy is at `target` (blocking); empty folders go too."""
    removed = 0
    for relative in sorted(footage_files(source)):
        if _same(source / relative, target / relative, None):
            (source / relative).unlink()
            removed += 1
    for root, _folders, _files in sorted(os.walk(source), key=lambda walked: -len(walked[0])):
        here = Path(root)
        if here != source and here.relative_to(source).parts[0] not in STATE:
            try:
                here.rmdir()
            except OSError:
                continue
    return removed
