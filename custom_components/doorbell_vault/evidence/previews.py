"""The panel's redaction preview: a short original cut by stream copy, and its quick redacted render.

Both files are owner-only, in `<storage>/previews/`, named by a random token; they are removed an hour
after they were made, and all of them when the hub starts. Nothing here goes into a package.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..redaction import engine
from ..store.files import make_private_folder
from . import clips
from .order import CameraFootage, Order

PREVIEWS_FOLDER: Final = "previews"
PREVIEW_URL: Final = "/api/doorbell_vault/preview/{name}"
PREVIEW_NAME: Final = re.compile(r"[0-9a-f]{32}-(original|redacted)\.mp4")
MAX_SECONDS: Final = 20
KEEP_S: Final = 3600


@dataclass(frozen=True, slots=True)
class Preview:
    """The two files of one preview, where the window starts in the original, and what the render found."""

    original: Path
    redacted: Path
    # The original starts on the keyframe at or before the window: this many seconds before it.
    original_lead_s: float
    seconds: float
    faces: int


def preview_order(
    storage: Path, request_id: str, window: tuple[int, int], footage: CameraFootage, ffmpeg: str, ffprobe: str
) -> Order:
    """What the clip cutter needs for a preview (nothing of it is signed or shared)."""
    return Order(
        storage=storage,
        request_id=request_id,
        request={},
        decision={},
        start_us=window[0],
        end_us=window[1],
        cameras=[footage],
        include_audio=bool(footage.plan and footage.plan.audio),
        audit_head={},
        software={},
        terms={},
        key_fingerprint={},
        ffmpeg=ffmpeg,
        ffprobe=ffprobe,
    )


def make(order: Order, token: str) -> Preview:
    """Cut the original (stream copy) and render its redacted preview (blocking); no files left on failure.

    The order is `preview_order`'s: one camera, whose plan is the one rendered.
    """
    plan = order.cameras[0].plan
    if plan is None:
        raise ValueError("a preview needs a redaction plan")
    folder = order.storage / PREVIEWS_FOLDER
    make_private_folder(folder)
    original, redacted = folder / f"{token}-original.mp4", folder / f"{token}-redacted.mp4"
    try:
        # Both owner-only from their first byte, as every clip: ffmpeg's umask, the engine's own open.
        cut = clips.cut(order, order.cameras[0], original)
        lead = max(0, order.start_us - clips.clip_start_us(cut)) / 1_000_000
        seconds = (order.end_us - order.start_us) / 1_000_000
        result = engine.redact(original, redacted, plan, start_s=lead, duration_s=seconds)
    except BaseException:
        remove(order.storage, token)
        raise
    return Preview(original, redacted, lead, round(seconds, 3), result.faces)


def remove(storage: Path, token: str) -> None:
    """Remove one preview's files (blocking)."""
    for kind in ("original", "redacted"):
        (storage / PREVIEWS_FOLDER / f"{token}-{kind}.mp4").unlink(missing_ok=True)


def sweep(storage: Path, older_than_s: float | None = None) -> int:
    """Remove previews older than `older_than_s` (None: all, as the hub starts); return how many files."""
    folder = storage / PREVIEWS_FOLDER
    if not folder.is_dir():
        return 0
    if older_than_s is None:
        count = sum(1 for _ in folder.iterdir())
        shutil.rmtree(folder, ignore_errors=True)
        return count
    removed, limit = 0, time.time() - older_than_s
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
