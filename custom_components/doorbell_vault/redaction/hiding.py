"""Hiding pixels on the YUV 4:2:0 planes of a decoded frame, in place (numpy, and libswscale to scale).

Only the bounding box of each region is touched: blur = area-average downscale to blocks, a binomial
blur of the small picture, a bilinear upscale, written through the region's polygon mask; black = Y 16,
U/V 128 (video-range black, no colour). Every pixel outside the hidden regions is left as decoded.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from av.video.frame import VideoFrame
from av.video.plane import VideoPlane
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from .regions import Action, Point, Region

U8 = NDArray[np.uint8]
BLACK_Y: Final = 16
BLACK_UV: Final = 128
# Blocks of the downscaled picture: one block per 1/BLOCKS_PER_HEIGHT of the frame's height (a face
# of a tenth of the frame's height keeps ~3 blocks across, then blurred over them).
BLOCKS_PER_HEIGHT: Final = 30
BLUR_PASSES: Final = 2


def hiding_record(frame_height: int) -> dict[str, Any]:
    """How pixels were hidden in a clip of this height (a new dict: the provenance record's own)."""
    record = copy.deepcopy(HIDING)
    record["blur"]["block_px"] = block_size(frame_height)
    return record


def block_size(frame_height: int) -> int:
    """Luma pixels per block of the blur's small picture (chroma: half)."""
    return max(2, round(frame_height / BLOCKS_PER_HEIGHT))


HIDING: Final[dict[str, Any]] = {
    "blur": {
        "method": "area-average downscale, binomial 3x3 blur of the small picture, bilinear upscale",
        "scaler": "libswscale (through PyAV)",
        "block": f"1/{BLOCKS_PER_HEIGHT} of the frame height",
        "passes": BLUR_PASSES,
        "planes": "Y, U, V",
    },
    "black": {"y": BLACK_Y, "u": BLACK_UV, "v": BLACK_UV},
    "outside": "unchanged apart from the re-encode",
}


def plane_view(plane: VideoPlane) -> U8:
    """One plane of a decoded frame as a 2-D uint8 view (its own buffer, writable, row padding cut off)."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]


def point_in_polygon(x: float, y: float, corners: Sequence[Point]) -> bool:
    """Even-odd rule, in the same units as the corners."""
    inside = False
    for (x0, y0), (x1, y1) in zip(corners, [*corners[1:], corners[0]], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _polygon_mask(
    corners: Sequence[Point], left: int, top: int, width: int, height: int
) -> NDArray[np.bool_]:
    """Which pixel centres of the box (left, top, width, height) lie inside the polygon (pixel units)."""
    ys = np.arange(top, top + height, dtype=np.float64)[:, None] + 0.5
    xs = np.arange(left, left + width, dtype=np.float64)[None, :] + 0.5
    inside = np.zeros((height, width), dtype=np.bool_)
    for (x0, y0), (x1, y1) in zip(corners, [*corners[1:], corners[0]], strict=True):
        if y0 == y1:
            continue
        crosses = (y0 > ys) != (y1 > ys)
        at_x = x0 + (ys - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (xs < at_x)
    return inside


@dataclass(frozen=True, slots=True)
class Area:
    """One region in the pixels of one frame size: its luma box (even-aligned) and polygon mask."""

    action: Action
    left: int
    top: int
    right: int
    bottom: int
    # None: the whole box (a rectangle); otherwise the luma mask and the chroma mask.
    mask: NDArray[np.bool_] | None
    chroma_mask: NDArray[np.bool_] | None


def area(region: Region, width: int, height: int) -> Area | None:
    """A region (fractions of the frame) in pixels of a width x height frame; None when it covers nothing."""
    corners = [(x * width, y * height) for x, y in region.corners()]
    left = max(0, math.floor(min(x for x, _ in corners)) & ~1)
    top = max(0, math.floor(min(y for _, y in corners)) & ~1)
    right = min(width, math.ceil(max(x for x, _ in corners)) + 1 & ~1)
    bottom = min(height, math.ceil(max(y for _, y in corners)) + 1 & ~1)
    if right - left < 2 or bottom - top < 2:
        return None
    if region.shape == "rect":
        return Area(region.action, left, top, right, bottom, None, None)
    mask = _polygon_mask(corners, left, top, right - left, bottom - top)
    chroma = _polygon_mask(
        [(x / 2, y / 2) for x, y in corners], left // 2, top // 2, (right - left) // 2, (bottom - top) // 2
    )
    return Area(region.action, left, top, right, bottom, mask, chroma)


def box_area(box: tuple[float, float, float, float], width: int, height: int) -> Area | None:
    """A detected face's box (fractions: left, top, right, bottom), blurred."""
    left, top, right, bottom = box
    region = Region("face", "rect", ((left, top), (right, bottom)))
    return area(region, width, height)


def _binomial(small: NDArray[np.float32]) -> NDArray[np.float32]:
    """One pass of a separable [1, 2, 1] / 4 blur, edges repeated."""
    padded = np.pad(small, 1, mode="edge")
    rows = padded[:-2, :] + 2 * padded[1:-1, :] + padded[2:, :]
    out: NDArray[np.float32] = (rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]) / np.float32(16)
    return out


class Scalers:
    """libswscale contexts kept per size and direction (one set per clip; never shared by threads)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[int, int, int, int], VideoReformatter] = {}

    def scale(self, picture: U8, width: int, height: int, interpolation: str) -> U8:
        """A grey picture at width x height (libswscale, through PyAV)."""
        key = (picture.shape[1], picture.shape[0], width, height)
        scaler = self._kept.get(key)
        if scaler is None:
            scaler = self._kept[key] = VideoReformatter()
        frame = VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="gray")
        out = scaler.reformat(frame, width, height, interpolation=interpolation, threads=1)
        return np.asarray(out.to_ndarray(), dtype=np.uint8)


def blurred(crop: U8, block: int, scalers: Scalers) -> U8:
    """A crop downscaled by `block` (area average), blurred, upscaled back (bilinear) to its own size.

    The scaling is libswscale's (in C, SIMD); the blur of the small picture is numpy's.
    """
    height, width = crop.shape
    rows, cols = max(1, round(height / block)), max(1, round(width / block))
    small = scalers.scale(crop, cols, rows, "AREA").astype(np.float32)
    for _ in range(BLUR_PASSES):
        small = _binomial(small)
    small += np.float32(0.5)
    return scalers.scale(small.astype(np.uint8), width, height, "BILINEAR")


def hide(planes: tuple[U8, U8, U8], areas: Sequence[Area], frame_height: int, scalers: Scalers) -> None:
    """Hide every area on the Y, U and V planes (2-D views of the frame's own buffers), in place."""
    block = block_size(frame_height)
    # Blur first, then black: where both apply, black wins.
    for item in sorted(areas, key=lambda a: a.action == "black"):
        for plane_index, plane in enumerate(planes):
            shift = 1 if plane_index else 0
            crop = plane[item.top >> shift : item.bottom >> shift, item.left >> shift : item.right >> shift]
            mask = item.chroma_mask if shift else item.mask
            if item.action == "black":
                value = BLACK_UV if shift else BLACK_Y
                if mask is None:
                    crop[:] = value
                else:
                    crop[mask] = value
                continue
            hidden = blurred(crop, max(1, block >> shift), scalers)
            if mask is None:
                crop[:] = hidden
            else:
                np.copyto(crop, hidden, where=mask)
