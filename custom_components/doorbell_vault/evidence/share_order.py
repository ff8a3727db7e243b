"""What a share's package is made of.

The asked window (or a part of it), the chosen cameras' footage, the recipient's terms and the Order the
package builder gets (export.build).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util

from ..clock import iso, now_us
from ..const import CONF_SHARE_DECIDER_NAME, CONF_SHARE_RETENTION_DAYS, DOMAIN, NAME
from ..recording.camera_config import CameraConfig
from ..redaction.choice import Redaction, async_masks, mode_of, plan_for
from ..redaction.detect import DetectorStatus, async_detector_status
from ..requests.lifecycle import Lifecycle
from ..store import Store, seals, segments
from ..store.inbox import Request
from .custody_record import quoted
from .order import CameraFootage, Order


class NoFootage(Exception):
    """None of the chosen cameras has footage in the window."""


class WindowWidened(Exception):
    """A chosen start or end lies outside the asked window (a window may only be narrowed)."""


def narrow(request: Request, start_us: int | None, end_us: int | None) -> tuple[int, int]:
    """The window to share: the asked one, or a part of it; WindowWidened otherwise."""
    start = request.start_us if start_us is None else start_us
    end = request.end_us if end_us is None else end_us
    if start < request.start_us or end > request.end_us or start >= end:
        raise WindowWidened(request.id)
    return start, end


@dataclass(frozen=True, slots=True)
class Choice:
    """What the owner chose to share: the cameras (None: every one), the window, audio, who decided.

    `redaction`: the owner's redaction choice for this share (None: each camera's standing choice).
    """

    cameras: list[str] | None
    window: tuple[int, int]
    include_audio: bool
    decided_by: str
    decider: str | None
    redaction: Redaction | None = None


# How the package names who decided, unless the owner chose to give their name.
DECIDER_ROLES: Final = {"user": "household member", "automation": "automation", "policy": "standing policy"}


def terms(
    request: Request, cameras: list[str], retention_days: int, window: tuple[int, int]
) -> dict[str, Any]:
    """The recipient's duties, as the signed manifest and the custody record state them."""
    start_us, end_us = window
    # Quoted: what the requester wrote can never forge a line of the signed terms.
    case = quoted(request.case_number) if request.case_number else "the case named in the request"
    delete_by = iso(now_us() + retention_days * 86_400 * 1_000_000)
    return {
        "retention_days": retention_days,
        "delete_by": delete_by,
        "case_number": request.case_number,
        "cameras": cameras,
        "window": {"start": iso(start_us), "end": iso(end_us)},
        "text": [
            f"Delete this footage and every copy of it by {delete_by} unless it has been entered as "
            f"evidence in {case}.",
            f"Do not share it with anyone beyond what {case} requires.",
            f"Granted: cameras {', '.join(cameras)}; window {iso(start_us)} to {iso(end_us)} (UTC); "
            "nothing else.",
        ],
    }


async def async_footage(
    store: Store,
    cameras: Iterable[CameraConfig],
    request: Request,
    choice: Choice,
) -> tuple[list[CameraFootage], list[tuple[str, int, int]]]:
    """The chosen cameras' segments in the window, each with its redaction Plan, and the spans to hold.

    NoFootage if none has footage; Refused (redaction.choice) if a camera's redaction cannot be made.
    """
    footage, held = [], []
    chosen = [c for c in cameras if choice.cameras is None or c.id in choice.cameras]
    standing = await async_masks(store, [c.id for c in chosen])
    detector: DetectorStatus | None = None
    if any(mode_of(c.id, standing[c.id], choice.redaction) == "masks_faces" for c in chosen):
        detector = await async_detector_status()
    for camera in chosen:
        plan = plan_for(
            camera.id,
            camera.name,
            standing[camera.id],
            choice.redaction,
            choice.window,
            include_audio=choice.include_audio,
            detector=detector,
        )
        found = await store.async_call(segments.in_window, camera.id, *choice.window)
        # Files found in the folder that Doorbell Vault did not record are never evidence.
        foreign = await store.async_call(segments.foreign_ids, [s.id for s in found])
        found = [s for s in found if s.id not in foreign]
        if found:
            found = await store.async_call(segments.timing, found)
            footage.append(CameraFootage(camera.name, found, plan))
            held.append((camera.id, found[0].start_us, found[-1].end_us))
    if not footage:
        raise NoFootage(request.id)
    return footage, held


async def async_order(
    hass: HomeAssistant,
    store: Store,
    lifecycle: Lifecycle,
    request: Request,
    footage: list[CameraFootage],
    choice: Choice,
    *,
    options: Mapping[str, Any],
    storage: Path,
    state: Path,
    key_fingerprint: dict[str, str],
    binaries: tuple[str, str],
) -> Order:
    """Everything the package needs.

    `options`: the owner's; `state`: where the signing key and the C2PA CA live; `binaries`: ffmpeg and
    ffprobe.
    """
    # Seal what was recorded since the last hourly seal, so every source has a capture-time proof.
    await store.async_call(seals.seal, now_us())
    proofs = await store.async_call(seals.proofs, [s.id for camera in footage for s in camera.segments])
    sealed = await store.async_call(seals.entries, [p.seq for p in proofs.values()])
    head = await lifecycle.async_verify_audit()
    integration = await async_get_integration(hass, DOMAIN)
    fields = request.fields
    window, decided_by = choice.window, choice.decided_by
    return Order(
        storage=storage,
        state=state,
        request_id=request.id,
        request={
            "agency": request.agency,
            "case_number": request.case_number,
            "legal_basis": request.legal_basis,
            "requester_name": fields.get("requester_name"),
            "reason": fields.get("reason"),
            "received": iso(request.received_us),
            "window_asked": f"{iso(request.start_us)} to {iso(request.end_us)}",
        },
        decision={
            "decided_by": decided_by,
            "decider_role": DECIDER_ROLES.get(decided_by, decided_by),
            # The person's name goes to the agency only when the owner chose so.
            "decider": choice.decider if options[CONF_SHARE_DECIDER_NAME] else None,
            "decided_at": dt_util.utcnow().isoformat(),
            # How each camera's clip was made: "originals" (bit-exact), "masks" or "masks_faces".
            "redaction": {f.name: f.plan.mode if f.plan else "originals" for f in footage},
        },
        terms=terms(request, [f.name for f in footage], int(options[CONF_SHARE_RETENTION_DAYS]), window),
        key_fingerprint=key_fingerprint,
        proofs=proofs,
        seals=sealed,
        start_us=window[0],
        end_us=window[1],
        cameras=footage,
        include_audio=choice.include_audio,
        audit_head={"entries": head.entries, "hash": head.head, "intact": head.ok},
        software={"name": NAME, "version": str(integration.version)},
        ffmpeg=binaries[0],
        ffprobe=binaries[1],
    )
