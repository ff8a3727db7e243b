"""The doorbell's ring, for cameras with a linked ring source."""

from __future__ import annotations

from homeassistant.components.event import EventDeviceClass, EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CameraEntity, HubEntity, add_camera_entities
from .hub import DoorbellVaultConfigEntry
from .recording.triggers import KIND_RING
from .requests.lifecycle import Change
from .signals import SIGNAL_REQUEST_CHANGED, SIGNAL_RING
from .store.inbox import Request, Status
from .store.segments import Event

# Pushed by dispatcher signals, never polled.
PARALLEL_UPDATES = 0

REQUESTS = EventEntityDescription(
    key="requests",
    translation_key="requests",
    event_types=["received", "rejected", "declined", "expired", "withdrawn", "shared", "revoked"],
)

DOORBELL = EventEntityDescription(
    key="doorbell",
    translation_key="doorbell",
    device_class=EventDeviceClass.DOORBELL,
    event_types=[KIND_RING],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DoorbellVaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A doorbell event entity for each camera with a ring source."""
    vault = entry.runtime_data
    async_add_entities([RequestEvent(vault, REQUESTS)])
    add_camera_entities(
        vault,
        async_add_entities,
        lambda c: [DoorbellEvent(vault, c, DOORBELL.key)] if c.ring_entities else [],
    )


class DoorbellEvent(CameraEntity, EventEntity):
    """Fires `ring` when a linked ring source triggers; its footage is kept as an event."""

    entity_description = DOORBELL
    available_while_down = True

    async def async_added_to_hass(self) -> None:
        """Listen for rings."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, SIGNAL_RING.format(self.camera.id), self._ring)
        )

    @callback
    def _ring(self, event: Event) -> None:
        self._trigger_event(KIND_RING, {"source": event.source, "event_id": event.id})
        self.async_write_ha_state()


class RequestEvent(HubEntity, EventEntity):
    """Fires on every new request and every decision: received, rejected, declined, expired, ..."""

    async def async_added_to_hass(self) -> None:
        """Follow the requests: once when one arrives, once when one is decided."""
        self.async_on_remove(async_dispatcher_connect(self.hass, SIGNAL_REQUEST_CHANGED, self._changed))

    @callback
    def _changed(self, request: Request, change: Change) -> None:
        if change not in (Change.RECEIVED, Change.DECIDED):
            return
        kind = "received" if request.status == Status.PENDING else str(request.status)
        self._trigger_event(
            kind,
            {
                "request_id": request.id,
                "agency": request.agency,
                "case_number": request.case_number,
                "verified": request.verified,
                "agency_id": request.agency_id,
            },
        )
        self.async_write_ha_state()
