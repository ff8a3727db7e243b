"""Time in the index: integer microseconds since the Unix epoch, UTC. Local time only for people."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from homeassistant.util import dt as dt_util


def now_us() -> int:
    """Wall-clock time in UTC microseconds."""
    return time.time_ns() // 1000


def to_us(moment: datetime) -> int:
    """Microseconds of an aware datetime."""
    return int(moment.timestamp() * 1_000_000)


def moment_us(moment: datetime | None) -> int | None:
    """UTC microseconds of a date and time a person gave (a naive one is local time); None stays None."""
    return to_us(dt_util.as_utc(moment)) if moment is not None else None


def from_us(us: int) -> datetime:
    """The aware UTC datetime of microseconds."""
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def iso(us: int) -> str:
    """UTC ISO 8601 with microseconds."""
    return from_us(us).isoformat()


def iso_or_none(us: int | None) -> str | None:
    """UTC ISO 8601 with microseconds; None stays None."""
    return iso(us) if us is not None else None


def local(us: int) -> datetime:
    """The moment in Home Assistant's time zone."""
    return dt_util.as_local(from_us(us))


def local_text(us: int) -> str:
    """`YYYY-MM-DD HH:MM` in Home Assistant's time zone, for notifications."""
    return f"{local(us):%Y-%m-%d %H:%M}"
