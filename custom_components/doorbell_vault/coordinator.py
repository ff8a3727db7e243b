"""The footage sizes the sensors show: per camera and in total, and the free space on the footage's disk."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .store import Store, segments
from .store.segments import FootageStats

_LOGGER = logging.getLogger(__name__)

STATS_INTERVAL: Final = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class FootageData:
    """What the size sensors show."""

    cameras: dict[str, FootageStats]
    total: FootageStats
    free_bytes: int


class FootageCoordinator(DataUpdateCoordinator[FootageData]):
    """Footage size per camera and in total, and the free space; refreshed when segments arrive."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        store: Store,
        footage: Path,
        cameras: Callable[[], Iterable[str]],
    ) -> None:
        """Poll slowly; segments ask for a (debounced) refresh."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name="Doorbell Vault footage",
            update_interval=STATS_INTERVAL,
        )
        self.store = store
        self.footage = footage
        self.cameras = cameras

    async def _async_update_data(self) -> FootageData:
        store = self.store
        cameras = {
            camera_id: await store.async_call(segments.stats, camera_id) for camera_id in self.cameras()
        }
        usage = await self.hass.async_add_executor_job(shutil.disk_usage, self.footage)
        return FootageData(cameras, await store.async_call(segments.stats), usage.free)
