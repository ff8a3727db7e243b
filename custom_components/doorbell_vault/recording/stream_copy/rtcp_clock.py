"""The camera's clock: its time mapped to UTC by its RTCP sender reports where believed, else by arrival.

FFmpeg sets `start_time_realtime` from the first sender report: the camera's NTP time of pts 0.
"""

from __future__ import annotations

from dataclasses import dataclass

US = 1_000_000


@dataclass(slots=True)
class Mapping:
    """Camera time (seconds since pts 0) to UTC microseconds: by RTCP where believed, else arrival."""

    max_offset_us: int
    arrival_us: int | None = None
    camera_us: int | None = None

    def offset_us(self) -> int | None:
        """The camera's clock minus the server's, once both are known."""
        if self.camera_us is None or self.arrival_us is None:
            return None
        return self.camera_us - self.arrival_us

    def believed(self) -> bool:
        """True when the camera's clock maps the footage (a sender report came, the offset is sane)."""
        offset = self.offset_us()
        return offset is not None and abs(offset) <= self.max_offset_us

    def utc_us(self, seconds: float) -> int:
        """UTC microseconds of the camera's time `seconds` since pts 0."""
        base = self.camera_us if self.believed() else self.arrival_us
        return (base or 0) + round(seconds * US)
