"""Where the vault keeps things: its state in the configuration folder, its footage outside it.

Home Assistant backs up the whole configuration folder (an integration cannot exclude its own files) and
its backup agents upload backups off-site; its media folder is backed up only when the owner ticks
*Media*. So the footage belongs in the media folder (`/media` on Home Assistant OS, Supervised and
Container) and the small state that must never be lost (index, audit chain, keys, secret) in the
configuration folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant

from ..store import FolderError, prepare_folder

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


def move_refused(config_dir: str, target: Path, source: Path, size: int) -> str | None:
    """Why footage of `size` bytes cannot move from `source` to `target` (blocking), or None."""
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
