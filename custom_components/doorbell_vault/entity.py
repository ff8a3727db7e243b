"""Entity bases: one device per camera (its subentry), one for the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, NAME
from .hub import DoorbellVault
from .recording.camera_config import CameraConfig
from .recording.recorder import Recorder


def hub_device(vault: DoorbellVault) -> DeviceInfo:
    """The hub's device."""
    return DeviceInfo(
        identifiers={(DOMAIN, vault.entry.entry_id)},
        name=NAME,
        manufacturer=NAME,
        entry_type=DeviceEntryType.SERVICE,
    )


def add_camera_entities(
    vault: DoorbellVault,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[CameraConfig], Iterable[Entity]],
) -> None:
    """Add each camera's entities to its own subentry (and so to its own device)."""
    for camera in vault.cameras.values():
        async_add_entities(list(build(camera)), config_subentry_id=camera.id)


class HubEntity(Entity):
    """An entity of the hub device."""

    _attr_has_entity_name = True

    def __init__(self, vault: DoorbellVault, description: EntityDescription) -> None:
        """Attach to the hub device."""
        self.vault = vault
        self.entity_description = description
        self._attr_unique_id = f"{vault.entry.entry_id}_{description.key}"
        self._attr_device_info = hub_device(vault)


class CameraEntity(Entity):
    """An entity of one camera's device, unavailable while the camera does not record."""

    _attr_has_entity_name = True
    available_while_down = False

    def __init__(self, vault: DoorbellVault, camera: CameraConfig, key: str) -> None:
        """Attach to the camera's device."""
        self.vault = vault
        self.camera = camera
        self.recorder: Recorder = vault.recording.recorders[camera.id]
        self._attr_unique_id = f"{camera.unique_id or camera.id}_{key}"
        connections = {("mac", camera.mac)} if camera.mac else set()
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, camera.unique_id or camera.id)},
            connections=connections,
            name=camera.name,
            via_device_id=vault.hub_device_id,
        )

    @property
    def available(self) -> bool:
        """Down cameras make their entities unavailable; a paused one is not down."""
        return self.available_while_down or self.recorder.online or self.recorder.paused

    async def async_added_to_hass(self) -> None:
        """Follow the recorder's state."""
        self.async_on_remove(self.recorder.add_listener(self.async_write_ha_state))
