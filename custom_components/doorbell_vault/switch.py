"""Pause or resume recording of a camera."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CameraEntity, HubEntity, add_camera_entities
from .hub import DoorbellVaultConfigEntry

# Actions go through the store's own thread, which serialises them.
PARALLEL_UPDATES = 0

RECORD = SwitchEntityDescription(key="record", translation_key="record")
ACCEPT_REQUESTS = SwitchEntityDescription(key="accept_requests", translation_key="accept_requests")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DoorbellVaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One switch per camera."""
    vault = entry.runtime_data
    async_add_entities([AcceptRequestsSwitch(vault, ACCEPT_REQUESTS)])
    add_camera_entities(vault, async_add_entities, lambda c: [RecordSwitch(vault, c, RECORD.key)])


class RecordSwitch(CameraEntity, SwitchEntity):
    """On: the camera records. Off: paused (kept in the index, applied before recording starts)."""

    entity_description = RECORD
    available_while_down = True

    @property
    def is_on(self) -> bool:
        """Recording is not paused."""
        return not self.recorder.paused

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Resume recording."""
        await self.vault.recording.async_set_paused(self.recorder.camera.id, False)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Pause recording."""
        await self.vault.recording.async_set_paused(self.recorder.camera.id, True)


class AcceptRequestsSwitch(HubEntity, SwitchEntity):
    """Off: every future request is rejected at once (the opt-out); kept in the index."""

    @property
    def is_on(self) -> bool:
        """Requests are accepted for review."""
        return self.vault.accept_requests

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Accept requests again."""
        await self.vault.async_set_accept_requests(True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Opt out of all future requests."""
        await self.vault.async_set_accept_requests(False)
        self.async_write_ha_state()
