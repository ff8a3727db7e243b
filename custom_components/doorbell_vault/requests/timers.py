"""One point-in-time action per request: a request's deadline, a share's expiry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.event import async_track_point_in_utc_time

from ..clock import from_us


class Timers:
    """One point-in-time action per request (a request's deadline, a share's expiry)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start with none."""
        self.hass = hass
        self._cancel: dict[str, CALLBACK_TYPE] = {}

    def arm(self, request_id: str, at_us: int, action: Callable[[], Awaitable[Any]]) -> None:
        """Run `action` at `at_us` (at once if that has passed), replacing any earlier one."""
        self.cancel(request_id)

        async def fire(_now: datetime) -> None:
            self._cancel.pop(request_id, None)
            await action()

        self._cancel[request_id] = async_track_point_in_utc_time(self.hass, fire, from_us(at_us))

    def cancel(self, request_id: str) -> None:
        """Forget one."""
        if (cancel := self._cancel.pop(request_id, None)) is not None:
            cancel()

    def stop(self) -> None:
        """Forget all."""
        while self._cancel:
            self._cancel.popitem()[1]()
