"""Where the vault keeps things: its state in the configuration folder, its footage outside it.

Home Assistant backs up the whole configuration folder (an integration cannot exclude its own files) and
its backup agents upload backups off-site; its media folder is backed up only when the owner ticks
*Media*. So the footage belongs in the media folder (`/media` on Home Assistant OS, Supervised and
Container) and the small state that must never be lost (index, audit chain, keys, secret) in the
configuration folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant

from ..store import FolderError, make_private_folder, prepare_folder

FOLDER_NAME: Final = "doorbell_vault"


def state_default(hass: HomeAssistant) -> Path:
    """The vault's state: `<config>/doorbell_vault`."""
    return Path(hass.config.path(FOLDER_NAME))


def footage_default(hass: HomeAssistant) -> Path:
    """The footage: `doorbell_vault` in Home Assistant's (first) media folder."""
    media = next(iter(hass.config.media_dirs.values()), None) or hass.config.path("media")
    return Path(media) / FOLDER_NAME


def in_backups(config_dir: str, folder: Path) -> bool:
    """Whether every backup of Home Assistant carries this folder (it lies in the configuration folder).

    Blocking: links are followed.
    """
    return Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(config_dir))


def move_refused(config_dir: str, target: Path, source: Path, size: int | None) -> str | None:
    """Why footage of `size` bytes cannot move from `source` to `target` (blocking), or None.

    A `size` of None is what `source` holds.
    """
    if size is None:
        size = sum(f.stat().st_size for f in source.rglob("*") if f.is_file())
    try:
        free = prepare_folder(target)
    except FolderError as err:
        return err.reason
    if in_backups(config_dir, target):
        return "target_in_backups"
    if target.resolve() == source.resolve():
        return "target_is_source"
    if free < size * 1.1 + 1_000_000_000:
        return "not_enough_room"
    return None


# The vault's state, by name at the top of a folder that also held footage (installs before 0.3).
STATE_FILES: Final = (
    "doorbell_vault.db",
    "doorbell_vault.db-wal",
    ".signing_key",
    ".agency_keys",
    ".webhook_secret",
    "timestamps",
    "exports",
)


def _tree_hashes(root: Path) -> dict[str, str]:
    found = {}
    for name in STATE_FILES:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            found[str(file.relative_to(root))] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def move_state(source: Path, target: Path) -> bool:
    """Move the vault's state from `source` into `target` (blocking, the index closed).

    Copied, verified by SHA-256, then removed from `source`; False (nothing changed) when `target` holds an
    index already.
    """
    if (target / STATE_FILES[0]).exists():
        return False
    make_private_folder(target)
    before = _tree_hashes(source)
    for relative in before:
        copy = target / relative
        make_private_folder(copy.parent)
        shutil.copyfile(source / relative, copy)
        copy.chmod(0o600)
    if _tree_hashes(target) != before:
        for relative in before:
            (target / relative).unlink(missing_ok=True)
        raise OSError(f"the copy of the vault's state in {target} does not match {source}")
    for relative in before:
        (source / relative).unlink()
    (source / "doorbell_vault.db-shm").unlink(missing_ok=True)
    return True


def backup_running_file(config_dir: str) -> Path:
    """Where this machine notes the backup it is taking: `<config>/.cache/doorbell_vault/backup_running`.

    Home Assistant leaves `.cache/` out of every backup and clears it when it restores one, so the note
    is never in a backup and never survives a restore: an index holding a backup's marker *and* this
    machine's note of the same backup was interrupted while it was backed up, not restored.
    """
    return Path(config_dir) / ".cache" / FOLDER_NAME / "backup_running"


def note_backup_running(config_dir: str, nonce: str) -> None:
    """Note the backup under way (blocking)."""
    path = backup_running_file(config_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(nonce, encoding="ascii")


def backup_was_running(config_dir: str, nonce: str) -> bool:
    """Whether this machine noted that very backup (blocking)."""
    try:
        return backup_running_file(config_dir).read_text(encoding="ascii") == nonce
    except OSError, UnicodeDecodeError:
        return False


def clear_backup_running(config_dir: str) -> None:
    """The backup ended (blocking)."""
    backup_running_file(config_dir).unlink(missing_ok=True)
