"""STAND-IN (the engine helper's detect.py replaces it): whether automatic face detection can run here."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DetectorStatus:
    """Whether faces can be found on this installation, and if not, why."""

    available: bool
    reason: str | None
    name: str
    version: str | None


def detector_status() -> DetectorStatus:
    """The HOG face detector of dlib, if it imports (blocking: the first import loads a native library)."""
    try:
        dlib = importlib.import_module("dlib")
    except ImportError as err:
        return DetectorStatus(False, f"dlib cannot be loaded: {err}", "dlib HOG", None)
    return DetectorStatus(True, None, "dlib HOG", str(getattr(dlib, "__version__", "")) or None)
