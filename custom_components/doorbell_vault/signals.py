"""Dispatcher signals: how the desks announce changes to entities and websocket subscribers.

Signals outlive a config entry's reload, so a subscriber connected once keeps hearing every change.
"""

from __future__ import annotations

from typing import Final

from .const import DOMAIN

# Sent with (Request, RequestChange) after every stored change of a request or its share.
SIGNAL_REQUEST_CHANGED: Final = f"{DOMAIN}_request_changed"
# Sent with the stored Event when a linked ring source rings; formatted with the camera id.
SIGNAL_RING: Final = f"{DOMAIN}_ring_{{}}"
