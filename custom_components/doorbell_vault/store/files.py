"""Owner-only files in the storage folder: each one 0600 from the moment it exists (folders 0700).

The storage folder is 0700 already; every file is private by itself as well, so a file copied or moved
out of it, or a folder whose mode someone loosened, gives nothing away.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

FILE_MODE: Final = 0o600
FOLDER_MODE: Final = 0o700
# Child processes writing into the storage folder (the recorder, ffmpeg cutting clips): files born 0600.
PRIVATE_UMASK: Final = 0o077


def write_private(path: Path, data: bytes | str) -> None:
    """Write `path` (created 0600, or truncated and set to 0600 if it was there), blocking."""
    raw = data.encode() if isinstance(data, str) else data
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), FILE_MODE)
        file.write(raw)


def write_private_lines(folder: Path, name: str, lines: list[str]) -> Path:
    """Write `lines` as a 0600 text file `name` in `folder` (made 0700 if missing); blocking."""
    make_private_folder(folder)
    path = folder / name
    write_private(path, "".join(f"{line}\n" for line in lines))
    return path


def make_private_folder(path: Path) -> None:
    """Create `path` and any missing parents as 0700 folders (blocking)."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
