"""Websocket API of the privacy masks and the redaction preview (admins only), and the preview's view.

cameras/masks (a camera's masks, a still to draw on, whether faces can be found), cameras/masks/set,
requests/redaction_preview (a short original and its redacted render, side by side in the panel).
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any, Final

import probatio
from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.http import HomeAssistantView

from . import decide, review
from .clock import iso_or_none
from .evidence import previews
from .evidence.order import ExportError
from .evidence.share_order import Choice, NoFootage, async_footage
from .evidence.sharing import UnknownCamera
from .hub import DoorbellVault
from .recording.camera_config import CameraConfig
from .recording.probe import probe_frame_size
from .redaction import detect
from .redaction.choice import Refused, async_set_masks
from .redaction.engine import RedactionError
from .redaction.regions import NO_MASKS, InvalidMasks, masks_from_json, masks_to_json
from .services import REDACTION
from .store import masks, segments
from .store.inbox import DecidedBy
from .texts import translated_error
from .websocket import REQUEST_ID, _with_vault

CAMERA_ID: Final = probatio.All(str, probatio.Length(min=1, max=120))
STILL_TIMEOUT_S: Final = 15


@callback
def async_setup_masks_websocket(hass: HomeAssistant) -> None:
    """Register the commands."""
    for command in (ws_masks, ws_masks_set, ws_redaction_preview):
        async_register_command(hass, command)


def _camera(vault: DoorbellVault, given: str) -> CameraConfig:
    """A camera by id or name (as a share names it); translated unknown_camera otherwise."""
    try:
        (camera_id,) = vault.shares.resolve_cameras([given]) or []
    except UnknownCamera as err:
        raise translated_error("unknown_camera", {"camera": given}) from err
    return vault.cameras[camera_id]


async def _frame_size(vault: DoorbellVault, camera_id: str) -> tuple[int | None, int | None]:
    """The width and height of the camera's newest segment, or None when there is none."""
    segment = await vault.store.async_call(segments.newest, camera_id)
    if segment is None:
        return None, None
    size = await probe_frame_size(
        vault.recording.ffprobe_binary, vault.storage / segment.path, STILL_TIMEOUT_S
    )
    return size or (None, None)


def _entity_picture(hass: HomeAssistant, vault: DoorbellVault, camera_id: str) -> str | None:
    """The camera entity's picture (a JPEG of its newest segment, behind the entity's access token)."""
    for entity in er.async_entries_for_config_entry(er.async_get(hass), vault.entry.entry_id):
        if entity.config_subentry_id == camera_id and entity.domain == "camera":
            state = hass.states.get(entity.entity_id)
            picture = state.attributes.get("entity_picture") if state else None
            return str(picture) if picture else None
    return None


async def _answer(hass: HomeAssistant, vault: DoorbellVault, camera: CameraConfig) -> dict[str, Any]:
    stored = await vault.store.async_call(masks.get, camera.id)
    standing = masks_from_json(stored.masks) if stored else NO_MASKS
    width, height = await _frame_size(vault, camera.id)
    detector = await detect.async_detector_status()
    return {
        "camera_id": camera.id,
        "name": camera.name,
        "masks": masks_to_json(standing),
        "updated": iso_or_none(stored.updated_us) if stored else None,
        "still": {"url": _entity_picture(hass, vault, camera.id), "width": width, "height": height},
        "detector": dataclasses.asdict(detector),
    }


@require_admin
@websocket_command(
    {probatio.Required("type"): "doorbell_vault/cameras/masks", probatio.Required("camera_id"): CAMERA_ID}
)
@async_response
@_with_vault
async def ws_masks(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """A camera's masks, a still to draw them on (its size in pixels), and whether faces can be found."""
    camera = _camera(vault, msg["camera_id"])
    connection.send_result(msg["id"], await _answer(hass, vault, camera))


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/cameras/masks/set",
        probatio.Required("camera_id"): CAMERA_ID,
        # Checked by redaction.regions (InvalidMasks names what is wrong).
        probatio.Required("masks"): dict,
    }
)
@async_response
@_with_vault
async def ws_masks_set(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """Replace a camera's masks (audited); invalid masks change nothing and answer `invalid_masks`."""
    camera = _camera(vault, msg["camera_id"])
    try:
        stored = await async_set_masks(vault.store, camera.id, camera.name, msg["masks"])
    except InvalidMasks as err:
        raise await decide.async_invalid_masks(vault, err) from err
    connection.send_result(msg["id"], {"masks": masks_to_json(stored)})


@require_admin
@websocket_command(
    {
        probatio.Required("type"): "doorbell_vault/requests/redaction_preview",
        probatio.Required("request_id"): REQUEST_ID,
        probatio.Required("camera_id"): CAMERA_ID,
        probatio.Optional("start"): cv.datetime,
        probatio.Optional("end"): cv.datetime,
        probatio.Optional("include_audio"): bool,
        probatio.Optional("redaction"): REDACTION,
    }
)
@async_response
@_with_vault
async def ws_redaction_preview(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any], vault: DoorbellVault
) -> None:
    """Up to 20 s of one camera: the original (stream copy) and its redacted preview, as signed URLs."""
    request = await review.async_request(vault, msg["request_id"])
    if request is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, "no such request")
        return
    connection.send_result(msg["id"], await _preview(hass, vault, request, msg))


async def _preview(
    hass: HomeAssistant, vault: DoorbellVault, request: Any, msg: dict[str, Any]
) -> dict[str, Any]:
    camera = _camera(vault, msg["camera_id"])
    redaction = await decide.async_redaction(vault, msg.get("redaction"))
    chosen = decide.choose(vault, request, [camera.id], msg.get("start"), msg.get("end"), redaction)
    window = (chosen.start_us, min(chosen.end_us, chosen.start_us + previews.MAX_SECONDS * 1_000_000))
    audio = bool(msg.get("include_audio", False))
    choice = Choice([camera.id], window, audio, DecidedBy.USER, None, redaction)
    try:
        footage, _held = await async_footage(vault.store, [camera], request, choice)
    except Refused as err:
        raise decide.refused(err) from err
    except NoFootage as err:
        raise translated_error("no_footage", {"request_id": request.id}) from err
    # The share's own plan for this camera (its masks read and the detector checked once), rendered quick.
    if footage[0].plan is None:
        raise translated_error("preview_originals", {"camera": camera.name})
    plan = dataclasses.replace(footage[0].plan, preview=True)
    ffmpeg, ffprobe = vault.recording.ffmpeg_binary, vault.recording.ffprobe_binary
    order = previews.preview_order(
        vault.storage, request.id, window, dataclasses.replace(footage[0], plan=plan), ffmpeg, ffprobe
    )
    token = secrets.token_hex(16)
    await hass.async_add_executor_job(previews.sweep, vault.storage, previews.KEEP_S)
    try:
        made = await hass.async_add_executor_job(previews.make, order, token)
    except (ExportError, RedactionError, OSError) as err:
        raise translated_error("preview_failed", {"error": str(err)}, failed=True) from err

    async def forget(_now: datetime) -> None:
        await hass.async_add_executor_job(previews.remove, vault.storage, token)

    vault.entry.async_on_unload(async_call_later(hass, previews.KEEP_S, forget))
    expires = timedelta(seconds=previews.KEEP_S)
    return {
        "original_url": async_sign_path(hass, previews.PREVIEW_URL.format(name=made.original.name), expires),
        "redacted_url": async_sign_path(hass, previews.PREVIEW_URL.format(name=made.redacted.name), expires),
        "start": iso_or_none(window[0]),
        "seconds": made.seconds,
        "original_lead_s": made.original_lead_s,
        "mode": plan.mode,
        "faces": made.faces,
    }


class PreviewView(HomeAssistantView):
    """`/api/doorbell_vault/preview/<name>`: a redaction preview's file, for admins (or their signed path)."""

    url = previews.PREVIEW_URL
    name = "api:doorbell_vault:preview"
    requires_auth = True

    async def get(self, request: web.Request, name: str) -> web.StreamResponse:
        """The file, with byte ranges (the panel's video element seeks)."""
        path = await review.async_admin_file(
            request, name, previews.PREVIEW_NAME, lambda vault: vault.storage / previews.PREVIEWS_FOLDER
        )
        if path is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(path, headers={"Content-Type": "video/mp4", "Cache-Control": "no-store"})
