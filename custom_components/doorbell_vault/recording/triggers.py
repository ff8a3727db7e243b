"""Rings and motion from the entities linked to a camera.

Each one marks an event with the camera's pre- and post-roll in the index; a ring also fires the camera's
event entity.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from ..clock import now_us
from ..signals import SIGNAL_RING
from ..store import Store, segments
from .camera_config import CameraConfig

_LOGGER = logging.getLogger(__name__)

KIND_RING: Final = "ring"
KIND_MOTION: Final = "motion"


@callback
def async_track(hass: HomeAssistant, store: Store, camera: CameraConfig) -> Callable[[], None] | None:
    """Listen to the camera's ring and motion entities (None when it has none); returns the unsubscribe."""
    sources = dict.fromkeys(camera.ring_entities, KIND_RING) | dict.fromkeys(
        camera.motion_entities, KIND_MOTION
    )
    if not sources:
        return None
    # The last real state of each source, kept across unavailable and removal: an entity that comes
    # back (a reload, a restart, a dropped connection) with the state it had is no new ring.
    last: dict[str, str] = {}
    for entity_id in sources:
        if (state := hass.states.get(entity_id)) is not None and state.state != STATE_UNAVAILABLE:
            last[entity_id] = state.state

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None or new.state == STATE_UNAVAILABLE:
            return
        entity_id = event.data["entity_id"]
        before = last.get(entity_id)
        last[entity_id] = new.state
        if new.state in (STATE_UNKNOWN, before):
            return
        if entity_id.startswith("event."):
            # An event entity's state is the time of its last event: every new value is one, unless
            # it was unavailable since it was first seen (then its old time may come back restored).
            if before is None:
                return
        elif new.state != STATE_ON:
            return
        hass.async_create_task(async_trigger(hass, store, camera, sources[entity_id], entity_id))

    return async_track_state_change_event(hass, list(sources), changed)


async def async_trigger(
    hass: HomeAssistant, store: Store, camera: CameraConfig, kind: str, source: str | None
) -> None:
    """Record an event with the camera's pre- and post-roll; a ring also fires the event entity."""
    event = await store.async_call(
        segments.add_event,
        camera.id,
        kind,
        source,
        now_us(),
        camera.pre_roll * 1_000_000,
        camera.post_roll * 1_000_000,
    )
    _LOGGER.debug("%s: %s from %s at %s", camera.name, kind, source, dt_util.utcnow())
    if kind == KIND_RING:
        async_dispatcher_send(hass, SIGNAL_RING.format(camera.id), event)
