"""A redacted clip and its provenance record (provenance.json, signed with the household key).

A redacted clip is a derivative: the window is first cut by stream copy from the household's sealed
segments (a scratch file in the building folder, removed before the package is complete: originals
never enter a redacted package), then re-encoded by the redaction engine with the plan's regions and
boxes hidden (and faces, where the owner asked and a detector is installed). The record says, per clip,
which original segments it was made from (their SHA-256 and capture-time proofs, as the manifest's
`sources`), exactly what was done (regions, boxes, detector and the frames it changed, how pixels were
hidden), the encoder and its settings, and whether a C2PA manifest is embedded (c2pa_manifest.py).

Everything here blocks (ffmpeg, the engine, hashing, signing): it runs on the builder's executor thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..clock import iso
from ..redaction import engine
from ..redaction.plan import Plan, Result
from ..redaction.regions import region_to_json
from . import c2pa_manifest
from .clips import clip_start_us, cut, duration
from .order import CameraFootage, ExportError, Order
from .signing import public_key_text

# The record's names and format, and what it names of the originals: as the shipped checker holds it to.
from .verify_package import C2PA_CA, PROVENANCE, PROVENANCE_FORMAT, PROVENANCE_SIG, derived_from


def operations(plan: Plan, result: Result) -> dict[str, Any]:
    """What was done to the pixels, as the record and the C2PA assertion state it."""
    return {
        "mode": plan.mode,
        "regions": [region_to_json(r) for r in plan.regions],
        "clear": [region_to_json(r) for r in plan.clear],
        "boxes": [{**region_to_json(b.region), "start_s": b.start_s, "end_s": b.end_s} for b in plan.boxes],
        "detector": result.detector,
        "detected_frames": [list(span) for span in result.detected_frames],
        "faces": result.faces,
        "hiding": result.hiding,
        "audio": plan.audio,
    }


def redacted_clip(
    order: Order,
    footage: CameraFootage,
    plan: Plan,
    target: Path,
    progress: Callable[[str], None],
    sources: Callable[[], list[dict[str, Any]]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Cut, redact and (where c2pa-python installs) sign one camera's clip into `target`.

    `sources`: the camera's source segments as the manifest lists them (hashed meanwhile on another
    thread). Returns what the manifest says of the clip (before its hash) and the clip's provenance
    record (without file, sha256 and bytes, known once the clip is hashed).
    """
    scratch = target.with_name(f".{target.stem}.original.mp4")
    try:
        described = cut(order, footage, scratch)
        # The cut starts on the keyframe at or before the window; the engine takes the window from there.
        start_clip_us = clip_start_us(described)
        start_us = max(order.start_us, start_clip_us)
        start_s = (start_us - start_clip_us) / 1_000_000
        shown = -1

        def step(fraction: float) -> None:
            nonlocal shown
            if (percent := int(fraction * 100)) != shown:
                shown = percent
                progress(f"redacting {footage.name} {percent} %")

        try:
            result = engine.redact(
                scratch,
                target,
                plan,
                start_s=start_s,
                duration_s=(order.end_us - start_us) / 1_000_000,
                progress=step,
                cancel=order.cancel,
            )
        except engine.RedactionError as err:
            raise ExportError(f"{footage.name} could not be redacted: {err.reason}") from err
        ops = operations(plan, result)
        derived = derived_from(sources())
        c2pa = c2pa_manifest.embed(
            order.key_folder,
            target,
            scratch,
            target.name,
            {"operations": ops, "derived_from": derived},
            order.software,
        )
    finally:
        scratch.unlink(missing_ok=True)
    length = duration(order.ffprobe, target)
    described |= {
        "start": iso(start_us),
        "end": iso(start_us + round(length * 1_000_000)),
        "duration_s": round(length, 3),
        "starts_before_window_s": 0.0,
        "audio": plan.audio and order.include_audio,
        "redacted": True,
    }
    record = {
        "camera": footage.name,
        "window": {"start": described["start"], "end": described["end"]},
        "cut": {
            "start": iso(start_clip_us),
            "redaction_start_s": round(start_s, 6),
            "method": "stream copy from the keyframe at or before the window, then re-encoded",
        },
        "operations": ops,
        "frames": result.frames,
        "size": [result.width, result.height],
        "encoder": result.encoder,
        "seconds": round(result.seconds, 3),
        "c2pa": c2pa,
        "derived_from": derived,
    }
    return described, record


def record_clips(files: list[dict[str, Any]], records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The record's clips: each redacted clip's file, SHA-256 and size (once hashed), then its record."""
    return [
        {"file": f["name"], "sha256": f["sha256"], "bytes": f["bytes"], **records[f["name"]]}
        for f in files
        if f["name"] in records
    ]


def record_bytes(order: Order, key: Ed25519PrivateKey, clips: list[dict[str, Any]]) -> bytes:
    """provenance.json: every redacted clip, the file it is, what it was made from, what was done."""
    record = {
        "format": PROVENANCE_FORMAT,
        "request": order.request_id,
        "window": {"start": iso(order.start_us), "end": iso(order.end_us)},
        "clips": clips,
        "signature": {
            "algorithm": "Ed25519",
            "public_key": public_key_text(key),
            "file": PROVENANCE_SIG,
            "signs": f"the exact bytes of {PROVENANCE}",
        },
    }
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def provenance_files(order: Order, key: Ed25519PrivateKey, clips: list[dict[str, Any]]) -> dict[str, bytes]:
    """The files a package holds beside its redacted clips (`record_clips`; none without one), by name."""
    if not clips:
        return {}
    record = record_bytes(order, key, clips)
    beside = {PROVENANCE: record, PROVENANCE_SIG: key.sign(record)}
    if any(c["c2pa"].get("embedded") for c in clips):
        beside[C2PA_CA] = c2pa_manifest.package_ca(order.key_folder)
    return beside
