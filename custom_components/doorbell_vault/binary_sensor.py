"""Whether each camera is recording."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CameraEntity, add_camera_entities
from .hub import DoorbellVaultConfigEntry

# Pushed by the recorder, never polled.
PARALLEL_UPDATES = 0

RECORDING = BinarySensorEntityDescription(
    key="recording",
    translation_key="recording",
    device_class=BinarySensorDeviceClass.RUNNING,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DoorbellVaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One recording sensor per camera."""
    vault = entry.runtime_data
    add_camera_entities(vault, async_add_entities, lambda c: [RecordingSensor(vault, c, RECORDING.key)])


class RecordingSensor(CameraEntity, BinarySensorEntity):
    """On while the recorder process runs and segments arrive."""

    entity_description = RECORDING

    @property
    def is_on(self) -> bool:
        """Recording now."""
        return self.recorder.recording
