"""An RTSP camera's packets read in batches: a few wake-ups a second, not one per packet.

Once its connection has nothing more waiting, the process sleeps a quarter of a second while the kernel
gathers what comes next. Woken for every packet (some 50 a second per camera), a Python process costs
more than the `ffmpeg` command's copy with its caches cold at each wake-up; woken a few times a second,
less (`scripts/bench recording`).
"""

from __future__ import annotations

import select
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

# How long the process sleeps once a camera's connection has nothing more waiting (see the docstring).
PACE_SECONDS = 0.25


class Pacer:
    """Reads a connection's packets in batches: sleeps whenever its socket has nothing more waiting.

    The process's one socket is its RTSP connection (interleaved TCP, or TLS over TCP); with any other
    count (RTP over UDP, none found) packets are read as they come. The socket is asked with a poll that
    does not wait, so the sleep starts only when everything that arrived has been read: however busy the
    machine, what waits in the kernel is at most one pause of footage (a few hundred KB at the highest
    bit rates, well within TCP's receive buffer). Footage without sender reports is placed by the
    earliest arrival seen (`_feed`), which the packets read while the connection keeps up give; those
    read up to one pause late cannot move it.
    """

    def __init__(self, pause: float) -> None:
        """Sleep `pause` seconds at a time; 0 never sleeps."""
        self.pause = pause
        self.poll: select.poll | None = None
        if pause > 0:
            sockets = _sockets()
            if len(sockets) == 1:
                self.poll = select.poll()
                self.poll.register(sockets[0], select.POLLIN)

    def paced(self, packets: Iterator[Any]) -> Iterator[Any]:
        """The packets, with a sleep before reading on whenever nothing more is waiting."""
        poll = self.poll
        for packet in packets:
            yield packet
            # Anything at all (data, a hang-up, an error) is handled at once by reading on.
            if poll is not None and not poll.poll(0):
                time.sleep(self.pause)


def _sockets() -> list[int]:
    """The open sockets of the process (Linux), by file descriptor."""
    found = []
    try:
        descriptors = list(Path("/proc/self/fd").iterdir())
    except OSError:
        return []
    for descriptor in descriptors:
        try:
            if str(descriptor.readlink()).startswith("socket:"):
                found.append(int(descriptor.name))
        except OSError:
            continue  # the listing's own descriptor, closed by now
    return found
