"""What a package builder is asked to do, and how it fails.

An Order is built on the event loop and handed to an executor thread (export.build).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..redaction.plan import Plan
from ..store.seals import Proof
from ..store.segments import Segment


class ExportError(Exception):
    """The package could not be built; `reason` says why in words the owner can act on."""


@dataclass(frozen=True, slots=True)
class CameraFootage:
    """One chosen camera and its indexed segments overlapping the window, in time order."""

    name: str
    segments: list[Segment]
    # None: the bit-exact originals, cut by stream copy; else the clip is redacted (re-encoded) as planned.
    plan: Plan | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """Everything the package needs; built on the loop, handed to the executor."""

    storage: Path
    request_id: str
    request: dict[str, Any]
    decision: dict[str, Any]
    start_us: int
    end_us: int
    cameras: list[CameraFootage]
    include_audio: bool
    audit_head: dict[str, Any]
    software: dict[str, str]
    # The recipient's duties (retention, no onward sharing, what was granted), stated and signed.
    terms: dict[str, Any]
    key_fingerprint: dict[str, str]
    # Capture-time proofs of the source segments (by segment id) and the audit entries of their seals.
    ffmpeg: str
    ffprobe: str
    proofs: dict[int, Proof] = field(default_factory=dict)
    seals: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Where the signing key lives, and beside it the household's C2PA CA (None: in `storage`).
    state: Path | None = None
    # Set when the share is given up (its task cancelled, Home Assistant stopping): the build stops.
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def key_folder(self) -> Path:
        """Where the signing key and the household's C2PA CA live."""
        return self.state or self.storage
