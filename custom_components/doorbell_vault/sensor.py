"""Footage size, free space and age (per camera and hub); pending requests; the transparency numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .clock import from_us
from .coordinator import FootageCoordinator, FootageData
from .entity import CameraEntity, HubEntity, add_camera_entities
from .hub import DoorbellVault, DoorbellVaultConfigEntry
from .recording.camera_config import CameraConfig
from .requests.lifecycle import Change
from .signals import SIGNAL_REQUEST_CHANGED
from .store import reports
from .store.inbox import Request, Status

# The coordinator and the request desk push updates; nothing here is polled.
PARALLEL_UPDATES = 0

type Value = int | datetime | None


def _time(us: int | None) -> datetime | None:
    return from_us(us) if us is not None else None


@dataclass(frozen=True, kw_only=True)
class HubSensorDescription(SensorEntityDescription):
    """A hub sensor read from the footage statistics."""

    value: Callable[[FootageData], Value]


HUB_SENSORS: tuple[HubSensorDescription, ...] = (
    HubSensorDescription(
        key="footage_size",
        translation_key="footage_size",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=2,
        value=lambda data: data.total.bytes,
    ),
    HubSensorDescription(
        key="free_space",
        translation_key="free_space",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=1,
        value=lambda data: data.free_bytes,
    ),
    HubSensorDescription(
        key="oldest_footage",
        translation_key="oldest_footage",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda data: _time(data.total.oldest_us),
    ),
)

PENDING_REQUESTS = SensorEntityDescription(
    key="pending_requests",
    translation_key="pending_requests",
    state_class=SensorStateClass.MEASUREMENT,
)

FOOTAGE_REQUESTS = SensorEntityDescription(
    key="footage_requests",
    translation_key="footage_requests",
    state_class=SensorStateClass.TOTAL_INCREASING,
)

CAMERA_SIZE = SensorEntityDescription(
    key="storage_used",
    translation_key="storage_used",
    device_class=SensorDeviceClass.DATA_SIZE,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=UnitOfInformation.BYTES,
    suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
    suggested_display_precision=2,
    entity_category=EntityCategory.DIAGNOSTIC,
)
LAST_SEGMENT = SensorEntityDescription(
    key="last_segment",
    translation_key="last_segment",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    # It changes with every segment (every 10 s): history only for those who turn it on.
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DoorbellVaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Hub sensors, then two diagnostic sensors per camera."""
    vault = entry.runtime_data
    coordinator = vault.coordinator
    async_add_entities(HubSensor(vault, coordinator, d) for d in HUB_SENSORS)
    async_add_entities(
        [PendingRequestsSensor(vault, PENDING_REQUESTS), TransparencySensor(vault, FOOTAGE_REQUESTS)]
    )
    add_camera_entities(
        vault,
        async_add_entities,
        lambda c: [CameraSizeSensor(vault, coordinator, c), LastSegmentSensor(vault, c, LAST_SEGMENT.key)],
    )


class HubSensor(HubEntity, CoordinatorEntity[FootageCoordinator], SensorEntity):
    """Totals for all cameras."""

    entity_description: HubSensorDescription

    def __init__(
        self,
        vault: DoorbellVault,
        coordinator: FootageCoordinator,
        description: HubSensorDescription,
    ) -> None:
        """Read one figure from the coordinator."""
        CoordinatorEntity.__init__(self, coordinator)
        HubEntity.__init__(self, vault, description)

    @property
    def native_value(self) -> Value:
        """The figure."""
        return self.entity_description.value(self.coordinator.data)


class CameraSizeSensor(CameraEntity, CoordinatorEntity[FootageCoordinator], SensorEntity):
    """Bytes of footage kept for one camera."""

    entity_description = CAMERA_SIZE
    available_while_down = True

    def __init__(self, vault: DoorbellVault, coordinator: FootageCoordinator, camera: CameraConfig) -> None:
        """Read the camera's figure from the coordinator."""
        CoordinatorEntity.__init__(self, coordinator)
        CameraEntity.__init__(self, vault, camera, CAMERA_SIZE.key)

    @property
    def native_value(self) -> int | None:
        """Bytes kept."""
        stats = self.coordinator.data.cameras.get(self.camera.id)
        return stats.bytes if stats else None

    async def async_added_to_hass(self) -> None:
        """Follow the coordinator (not the recorder)."""
        await CoordinatorEntity.async_added_to_hass(self)


class LastSegmentSensor(CameraEntity, SensorEntity):
    """When the newest segment ended."""

    entity_description = LAST_SEGMENT

    @property
    def native_value(self) -> datetime | None:
        """End of the newest segment."""
        segment = self.recorder.last_segment
        return _time(segment.end_us) if segment else None


class RequestsFollower(HubEntity, SensorEntity):
    """A sensor that reloads after every new request, decision, share and download."""

    async def async_added_to_hass(self) -> None:
        """Load, then follow every change of a request."""
        await self._async_load()

        @callback
        def changed(_request: Request, _change: Change) -> None:
            self.hass.async_create_task(self._async_reload())

        self.async_on_remove(async_dispatcher_connect(self.hass, SIGNAL_REQUEST_CHANGED, changed))

    async def _async_load(self) -> None:
        raise NotImplementedError

    async def _async_reload(self) -> None:
        await self._async_load()
        self.async_write_ha_state()


class PendingRequestsSensor(RequestsFollower):
    """How many requests wait for a decision; the attributes list them."""

    # Agencies and case numbers belong to the index and its audit chain, not to the recorder's history.
    _unrecorded_attributes = frozenset({"requests"})
    _pending: list[Request]

    async def _async_load(self) -> None:
        self._pending = await self.vault.lifecycle.async_list(Status.PENDING)

    @property
    def native_value(self) -> int:
        """Pending requests."""
        return len(self._pending)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The pending requests and a package's progress; no contact details but an e-mail's sender."""
        building = self.vault.lifecycle.building
        return {
            "requests": [
                {
                    k: r.summary()[k]
                    for k in (
                        "request_id",
                        "agency",
                        "case_number",
                        "start",
                        "end",
                        "deadline",
                        "problems",
                        "source",
                        "sender",
                        "verified",
                        "agency_id",
                    )
                }
                | ({"progress": building[r.id]} if r.id in building else {})
                for r in self._pending
            ]
        }


class TransparencySensor(RequestsFollower):
    """All requests ever received; the attributes carry the transparency report's headline numbers."""

    _report: dict[str, Any]

    async def _async_load(self) -> None:
        self._report = await self.vault.store.async_call(reports.report)

    @property
    def native_value(self) -> int:
        """Requests received."""
        return int(self._report["requests"])

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Outcomes, time to decision, footage shared, downloads."""
        report = self._report
        return {
            **report["by_outcome"],
            **{k: report[k] for k in ("median_minutes_to_decision", "minutes_shared", "downloads")},
        }
