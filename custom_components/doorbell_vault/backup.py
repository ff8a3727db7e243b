"""Home Assistant's backup platform: the index in a backup is consistent, and nothing is pruned meanwhile.

Home Assistant backs up the whole configuration folder, the index with it. Before it reads the folder the
index's write-ahead log is folded into the database file and the index's thread waits (recording goes
on; new segments are indexed once the backup is written), as the recorder does with its own database.
The index also carries a marker of the backup while it is taken: an index restored from that backup
still holds it at its next start, and its audit chain then says so (`restored_from_backup`).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .hub import loaded_vault


async def async_pre_backup(hass: HomeAssistant) -> None:
    """A backup starts: a consistent index on disk, kept so until it ends."""
    if (vault := loaded_vault(hass)) is not None:
        await vault.async_backup_begins()


async def async_post_backup(hass: HomeAssistant) -> None:
    """The backup is written (or failed): the index goes on."""
    if (vault := loaded_vault(hass)) is not None:
        await vault.async_backup_ends()
