"""The one place a request is decided: decline, share, revoke, withdraw.

Services, the phone's notification actions, the websocket API (the review panel) and blueprints (through
the services) all come here; the clock ends requests (deadline) and shares (expiry) through the same
lifecycle. Errors are raised as translated ServiceValidationError (the caller's input) or
HomeAssistantError (a package could not be built).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.core import Context
from homeassistant.exceptions import HomeAssistantError

from .clock import moment_us
from .const import CONF_AGENCY_BLOCKLIST, CONF_SHARE_AUDIO, CONF_SHARE_DAYS, CONF_SHARE_DOWNLOADS
from .evidence.order import ExportError
from .evidence.share_order import NoFootage, WindowWidened, narrow
from .evidence.sharing import ShareResult, UnknownCamera
from .hub import DoorbellVault
from .redaction.choice import Redaction, Refused, redaction_from_json
from .redaction.regions import InvalidMasks
from .requests.agencies import CONF_POLICY, POLICY_DECLINE, SUBENTRY_AGENCY, Agency
from .store.inbox import DecidedBy, Request, RequestNotPending, Status
from .texts import async_text, translated_error

_LOGGER = logging.getLogger(__name__)


def not_pending(request_id: str) -> HomeAssistantError:
    """There is no pending request with that id (or it is being shared)."""
    return translated_error("not_pending", {"request_id": request_id})


@dataclass(frozen=True, slots=True)
class Choice:
    """What the owner chose to share: cameras (ids; None for all) and a window inside the asked one."""

    cameras: list[str] | None
    start_us: int
    end_us: int
    # The redaction chosen for this share (None: each camera's standing choice).
    redaction: Redaction | None = None


def choose(
    vault: DoorbellVault,
    request: Request,
    cameras: list[str] | None,
    start: datetime | None,
    end: datetime | None,
    redaction: Redaction | None = None,
) -> Choice:
    """The owner's cameras (ids; None for all) and a window inside the asked one, checked."""
    try:
        chosen = vault.shares.resolve_cameras(cameras)
        start_us, end_us = narrow(request, moment_us(start), moment_us(end))
    except UnknownCamera as err:
        raise translated_error("unknown_camera", {"camera": str(err)}) from err
    except WindowWidened as err:
        raise translated_error("window_widened", {"request_id": request.id}) from err
    return Choice(chosen, start_us, end_us, redaction)


async def async_invalid_masks(vault: DoorbellVault, err: InvalidMasks) -> HomeAssistantError:
    """The error for masks or a redaction choice that cannot be used, naming the reason in words."""
    reason = await async_text(vault.hass, f"invalid_masks_{err.reason}")
    detail = f" ({err.detail})" if err.detail else ""
    return translated_error("invalid_masks", {"reason": f"{reason}{detail}"})


def refused(err: Refused) -> HomeAssistantError:
    """A redaction that cannot be made for a camera (never downgraded silently)."""
    return translated_error(err.reason, {"camera": err.camera, "reason": err.detail or "-"})


async def async_redaction(vault: DoorbellVault, data: object) -> Redaction | None:
    """The owner's redaction choice from a service call or the panel (None: not given), checked."""
    if data is None:
        return None
    try:
        return redaction_from_json(data, vault.shares.camera_lookup())
    except InvalidMasks as err:
        raise await async_invalid_masks(vault, err) from err


async def async_decider(vault: DoorbellVault, context: Context) -> tuple[str, str | None]:
    """Who decides: an automation (a call made by another) or a person, with their name."""
    if context.parent_id:
        return DecidedBy.AUTOMATION, None
    user = await vault.hass.auth.async_get_user(context.user_id) if context.user_id else None
    return DecidedBy.USER, user.name if user else None


async def async_decline(
    vault: DoorbellVault,
    request_id: str,
    context: Context,
    message: str | None = None,
    *,
    always: bool = False,
) -> Request:
    """Decline a pending request (its hold is released); `always` blocks its agency from now on.

    For a request signed with an agency's key, `always` sets that agency's standing policy to decline;
    for any other, the name goes on the owner's block list.
    """
    decided_by, _name = await async_decider(vault, context)
    try:
        request = await vault.lifecycle.async_end(request_id, Status.DECLINED, decided_by, message)
    except RequestNotPending as err:
        raise not_pending(request_id) from err
    if always and not decline_keyed_agency(vault, request):
        block_agency(vault, request.agency)
    return request


def decline_keyed_agency(vault: DoorbellVault, request: Request) -> bool:
    """Set the standing policy of a keyed request's agency to *always decline* (no reload); False if unkeyed.

    Its next requests are rejected by the policy at once.
    """
    subentry = vault.entry.subentries.get(request.agency_id or "")
    if subentry is None or subentry.subentry_type != SUBENTRY_AGENCY:
        return False
    vault.hass.config_entries.async_update_subentry(
        vault.entry, subentry, data={**subentry.data, CONF_POLICY: POLICY_DECLINE}
    )
    return True


def block_agency(vault: DoorbellVault, agency: str) -> None:
    """Put an agency on the owner's block list, so its next requests are rejected by the policy.

    The options change reloads the entry.
    """
    blocked = [str(name) for name in vault.entry.options.get(CONF_AGENCY_BLOCKLIST, [])]
    if any(name.casefold().strip() == agency.casefold() for name in blocked):
        return
    vault.hass.config_entries.async_update_entry(
        vault.entry, options={**vault.entry.options, CONF_AGENCY_BLOCKLIST: [*blocked, agency]}
    )


async def async_withdraw(vault: DoorbellVault, request_id: str, message: str | None = None) -> Request:
    """The requester withdraws a pending request."""
    try:
        return await vault.lifecycle.async_end(request_id, Status.WITHDRAWN, DecidedBy.REQUESTER, message)
    except RequestNotPending as err:
        raise not_pending(request_id) from err


async def async_share(
    vault: DoorbellVault,
    request_id: str,
    context: Context,
    *,
    cameras: list[str] | None = None,
    include_audio: bool | None = None,
    expires_in: timedelta | None = None,
    max_downloads: int | None = None,
    start_us: int | None = None,
    end_us: int | None = None,
    automation: bool = False,
    redaction: Redaction | None = None,
) -> ShareResult:
    """Share a pending request, filling what is not given from the owner's defaults.

    `start_us` and `end_us` may narrow the asked window, never widen it. `automation`: an agency's
    standing policy decides (the decider is "automation", whatever the context; the link belongs to
    the key that submitted the request and is minted when it asks, so the result's link goes nowhere).
    `redaction`: the owner's choice for this share; None: each camera's standing choice (the phone's
    Share and an agency's standing policy).
    """
    options = vault.options
    decided_by, decider = (DecidedBy.AUTOMATION, None) if automation else await async_decider(vault, context)
    try:
        return await vault.shares.async_share(
            request_id,
            cameras=cameras,
            include_audio=bool(options[CONF_SHARE_AUDIO]) if include_audio is None else include_audio,
            expires_in=expires_in or timedelta(days=float(options[CONF_SHARE_DAYS])),
            max_downloads=max_downloads or int(options[CONF_SHARE_DOWNLOADS]),
            decided_by=decided_by,
            decider=decider,
            start_us=start_us,
            end_us=end_us,
            link_to_key=automation,
            redaction=redaction,
        )
    except RequestNotPending as err:
        raise not_pending(request_id) from err
    except UnknownCamera as err:
        raise translated_error("unknown_camera", {"camera": str(err)}) from err
    except WindowWidened as err:
        raise translated_error("window_widened", {"request_id": request_id}) from err
    except NoFootage as err:
        raise translated_error("no_footage", {"request_id": request_id}) from err
    except Refused as err:
        raise refused(err) from err
    except (ExportError, OSError) as err:
        raise translated_error("share_failed", {"error": str(err)}, failed=True) from err


async def async_share_automatically(
    vault: DoorbellVault, request: Request, agency: Agency
) -> ShareResult | None:
    """An agency's standing policy shares its request within the agency's limits (cameras, audio, link).

    A failure is logged and leaves the request pending for the owner; None then.
    """
    chosen = [
        camera_id
        for camera_id in agency.cameras
        if camera_id in vault.cameras and vault.cameras[camera_id].name in request.cameras_with_footage
    ]
    if not chosen:
        _LOGGER.warning("%s's standing policy names no camera with footage for %s", agency.name, request.id)
        return None
    try:
        return await async_share(
            vault,
            request.id,
            Context(),
            cameras=chosen,
            include_audio=agency.include_audio,
            expires_in=timedelta(days=agency.share_days),
            max_downloads=agency.max_downloads,
            automation=True,
        )
    except HomeAssistantError as err:
        _LOGGER.warning("%s's standing policy could not share request %s: %s", agency.name, request.id, err)
        return None


async def async_revoke(vault: DoorbellVault, request_id: str) -> Request:
    """End a live share at once (the request becomes revoked)."""
    request = await vault.shares.async_end(request_id, "revoked")
    if request is None:
        raise translated_error("no_live_share", {"request_id": request_id})
    return request
