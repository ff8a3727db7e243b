"""The one owner of every request and share status.

Each change is stored (with its audit entries and holds, in one transaction), then announced once: a bus
event for automations, a dispatcher signal for entities and websocket subscribers, a persistent
notification for the household.

pending → declined | expired | withdrawn | shared (→ revoked); a request failing the owner's policy is
rejected at once, still stored and shown. A request's deadline ends it by itself (expired).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from ..clock import local_text, now_us, to_us
from ..const import DOMAIN, REQUEST_PATH
from ..recording.camera_config import CameraConfig
from ..signals import SIGNAL_REQUEST_CHANGED
from ..store import Store, audit, inbox, segments, shares
from ..store.inbox import DecidedBy, Request, RequestNotPending, Status
from ..store.shares import NewShare, Share
from ..texts import async_text, markdown_escape
from .agencies import (
    NAME_DIFFERS,
    POLICY_DECLINE,
    POLICY_SHARE,
    Agency,
    auto_share_notes,
    device_identifier,
    name_differs,
    rejects,
)
from .policy import Policy, check, home_in_area
from .timers import Timers
from .validation import validate

EVENT_RECEIVED: Final = "doorbell_vault_request_received"
EVENT_DECIDED: Final = "doorbell_vault_request_decided"
DEFAULT_DEADLINE_US: Final = 72 * 3600 * 1_000_000


class Change(StrEnum):
    """What changed about a request (sent with SIGNAL_REQUEST_CHANGED)."""

    RECEIVED = "received"  # stored as pending or rejected
    DECIDED = "decided"  # declined, expired, withdrawn, shared or revoked
    PROGRESS = "progress"  # its evidence package is being built (or stopped being built)
    SHARE = "share"  # its share was downloaded, viewed or ended without a decision


def notification_id(request_id: str) -> str:
    """The persistent notification of one request."""
    return f"{DOMAIN}_{request_id}"


class Lifecycle:
    """Receives, checks, stores and ends requests and their shares, for one hub."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: Store,
        cameras: Callable[[], Iterable[CameraConfig]],
        policy: Callable[[], Policy],
        entry_id: str = "",
    ) -> None:
        """`cameras` and `policy` give the hub's current cameras and the owner's current checks."""
        self.hass = hass
        self.entry_id = entry_id
        self.store = store
        self._cameras = cameras
        self._policy = policy
        self._deadlines = Timers(hass)
        # Requests whose evidence package is being built, with the stage shown to the owner.
        self.building: dict[str, str] = {}

    async def async_start(self) -> None:
        """Re-arm the deadline of every pending request (expiring the ones that passed)."""
        for request in await self.async_list(Status.PENDING):
            self._arm(request)

    @callback
    def async_stop(self) -> None:
        """Cancel the deadline timers."""
        self._deadlines.stop()

    def _arm(self, request: Request) -> None:
        async def expire() -> None:
            with contextlib.suppress(RequestNotPending):
                await self.async_end(request.id, Status.EXPIRED, DecidedBy.DEADLINE)

        self._deadlines.arm(request.id, request.deadline_us, expire)

    # Reading -----------------------------------------------------------------------------------

    async def async_list(self, status: str | None = None) -> list[Request]:
        """Requests (of one status), newest first."""
        return await self.store.async_call(inbox.load, status)

    async def async_get(self, request_id: str) -> Request | None:
        """One request."""
        return await self.store.async_call(inbox.get, request_id)

    async def async_shares(self, *, live: bool = False) -> list[Share]:
        """Shares (only live ones), newest first."""
        return await self.store.async_call(shares.load, live=live)

    async def async_pending_from(self, origin: str) -> int:
        """How many pending requests came from one origin."""
        return await self.store.async_call(inbox.pending_from, origin)

    async def async_share_of(self, request_id: str) -> Share | None:
        """The share of a request, if it was shared."""
        return await self.store.async_call(shares.of_request, request_id)

    def home_in_area(self, request: Request) -> bool | None:
        """Whether the request's area contains the home (None when it names no area)."""
        return home_in_area(self._policy(), request.fields)

    # Arriving ----------------------------------------------------------------------------------

    async def async_submit(
        self,
        raw: Mapping[str, Any],
        source: str,
        *,
        naive_ok: bool = False,
        origin: str | None = None,
        sender: str | None = None,
        verified: bool = False,
        agency: Agency | None = None,
    ) -> Request:
        """Validate, check against the policy, store (with holds), announce. RequestInvalid stores nothing.

        `origin` (a webhook caller's address, an e-mail's sender) is stored, so its pending requests can be
        counted. `sender` and `verified`: who sent it, when the source names one, and whether that is
        vouched for. `agency`: the agency whose key signed it (the request's agency is that agency, a body
        naming another one is noted, and the agency's standing policy applies).
        """
        if agency is not None and not raw.get("agency"):
            raw = {**raw, "agency": agency.name}
        fields = validate(raw, naive_ok=naive_ok)
        notes: list[str] = []
        if agency is not None:
            if name_differs(agency, fields["agency"]):
                notes.append(NAME_DIFFERS)
                fields["agency_as_written"] = fields["agency"]
            fields["agency"] = agency.name
        now = dt_util.utcnow()
        problems = check(self._policy(), fields, now)
        if agency is not None and agency.policy == POLICY_DECLINE and "agency_blocked" not in problems:
            problems.append("agency_blocked")
        received = to_us(now)
        request = Request(
            id=secrets.token_hex(8),
            received_us=received,
            source=source,
            agency=fields["agency"],
            case_number=fields.get("case_number"),
            legal_basis=fields["legal_basis"],
            start_us=to_us(fields["start"]),
            end_us=to_us(fields["end"]),
            fields=inbox.jsonable(fields),
            status=Status.REJECTED if problems else Status.PENDING,
            problems=problems,
            deadline_us=to_us(fields["deadline"]) if "deadline" in fields else received + DEFAULT_DEADLINE_US,
            decided_by=DecidedBy.POLICY if problems else None,
            decided_us=received if problems else None,
            origin=origin,
            sender=sender,
            verified=verified or agency is not None,
            agency_id=agency.id if agency is not None else None,
            key_id=agency.key_id if agency is not None else None,
        )
        with_footage = await self._cameras_with_footage(request)
        request.cameras_with_footage = list(with_footage.values())
        if agency is not None and agency.policy == POLICY_SHARE and not problems:
            window_hours = (request.end_us - request.start_us) / 3_600_000_000
            notes.extend(auto_share_notes(agency, window_hours, with_footage))
        request.problems = problems + notes
        await self.store.async_call(inbox.insert, request)
        if request.status == Status.PENDING:
            self._arm(request)
        await self._announce_received(request)
        return request

    async def _cameras_with_footage(self, request: Request) -> dict[str, str]:
        names = {}
        for camera in self._cameras():
            if await self.store.async_call(segments.in_window, camera.id, request.start_us, request.end_us):
                names[camera.id] = camera.name
        return names

    def agency_device_id(self, request: Request) -> str | None:
        """The device of a keyed request's agency (blueprints select agencies by device)."""
        if request.agency_id is None:
            return None
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            device_identifier(request.agency_id), self.entry_id
        )
        return device.id if device is not None else None

    async def _announce_received(self, request: Request) -> None:
        data = request.summary()
        self.hass.bus.async_fire(
            EVENT_RECEIVED,
            {k: data[k] for k in (
                "request_id", "agency", "case_number", "legal_basis", "start", "end",
                "status", "problems", "cameras_with_footage", "source", "sender", "verified", "agency_id",
            )} | {
                "home_in_area": self.home_in_area(request),
                "agency_device_id": self.agency_device_id(request),
            },
        )  # fmt: skip
        placeholders = {
            "agency": markdown_escape(request.agency),
            "start": local_text(request.start_us),
            "end": local_text(request.end_us),
            "case_number": markdown_escape(request.case_number or "-"),
            "legal_basis": request.legal_basis,
            "cameras": markdown_escape(", ".join(request.cameras_with_footage) or "-"),
            "problems": ", ".join(request.problems),
            "deadline": local_text(request.deadline_us),
            "review": REQUEST_PATH.format(request_id=request.id),
            "identity": await async_text(
                self.hass,
                "notify_identity_verified"
                if request.key_id
                else "notify_identity_mail_verified"
                if request.verified
                else "notify_identity_unverified",
            ),
            "notes": await self._notes_text(request),
        }
        rejected = request.status == Status.REJECTED
        persistent_notification.async_create(
            self.hass,
            await async_text(
                self.hass, "notify_request_rejected" if rejected else "notify_request", **placeholders
            ),
            title=await async_text(
                self.hass, "notify_request_rejected_title" if rejected else "notify_request_title"
            ),
            notification_id=notification_id(request.id),
        )
        self._changed(request, Change.RECEIVED)

    async def _notes_text(self, request: Request) -> str:
        notes = [p for p in request.problems if not rejects([p])]
        if not notes:
            return ""
        texts = [await async_text(self.hass, f"note_{note}") for note in notes]
        return " " + await async_text(self.hass, "notify_notes", notes=" ".join(texts))

    # Ending --------------------------------------------------------------------------------------

    async def async_end(
        self, request_id: str, status: str, decided_by: str, message: str | None = None
    ) -> Request:
        """End a pending request (declined, expired, withdrawn); RequestNotPending otherwise."""
        if request_id in self.building:
            raise RequestNotPending(request_id)
        request = await self.store.async_call(inbox.end, request_id, status, decided_by, now_us(), message)
        self._decided(request, decided_by)
        return request

    @callback
    def _decided(self, request: Request, decided_by: str) -> None:
        self._deadlines.cancel(request.id)
        self.hass.bus.async_fire(
            EVENT_DECIDED,
            {"request_id": request.id, "decision": request.status, "decided_by": decided_by},
        )
        persistent_notification.async_dismiss(self.hass, notification_id(request.id))
        self._changed(request, Change.DECIDED)

    @callback
    def _changed(self, request: Request, change: Change) -> None:
        async_dispatcher_send(self.hass, SIGNAL_REQUEST_CHANGED, request, change)

    # Sharing -------------------------------------------------------------------------------------

    @callback
    def claim_for_sharing(self, request: Request) -> None:
        """Mark a pending request as being shared, so no second decision can start; RequestNotPending."""
        if request.status != Status.PENDING or request.id in self.building:
            raise RequestNotPending(request.id)
        self.set_progress(request, "starting")

    @callback
    def set_progress(self, request: Request, stage: str | None) -> None:
        """Show (or clear, with None) the stage of a package being built."""
        if stage is None:
            self.building.pop(request.id, None)
        else:
            self.building[request.id] = stage
        self._changed(request, Change.PROGRESS)

    async def async_shared(self, share: NewShare, at_us: int) -> Request:
        """Pending → shared at `at_us`, with its share row, audit entries and holds."""
        request = await self.store.async_call(shares.record, share, at_us)
        self._decided(request, share.decided_by)
        return request

    async def async_note(self, request_id: str | None, kind: str, data: dict[str, Any]) -> None:
        """An entry about a request that changes no status (a timestamp, say), into the audit log."""
        await self.store.async_call(audit.record, now_us(), kind, request_id, data)

    async def async_share_failed(self, request: Request, error: str) -> None:
        """A package could not be built: logged; the request stays pending."""
        await self.store.async_call(audit.record, now_us(), "share_failed", request.id, {"error": error})

    async def async_end_share(self, request_id: str, reason: str, grace_us: int) -> Request | None:
        """End a live share (revoked → the request is revoked); None if it was not live."""
        request = await self.store.async_call(shares.end, request_id, reason, now_us(), grace_us)
        if request is None:
            return None
        if reason == "revoked":
            self._decided(request, DecidedBy.USER)
        else:
            self._changed(request, Change.SHARE)
        return request

    async def async_reissue_link(
        self, request_id: str, digest: str, asked_by: dict[str, Any], *, again: bool
    ) -> Share | None:
        """A new link for the key a standing policy's share belongs to (audited); None: nothing minted."""
        share = await self.store.async_call(
            shares.reissue_link, request_id, digest, now_us(), asked_by, again=again
        )
        if share is not None and (request := await self.async_get(request_id)) is not None:
            self._changed(request, Change.SHARE)
        return share

    async def async_log_share_use(self, request_id: str, kind: str, data: dict[str, Any]) -> None:
        """A download (into the download log too) or manifest view of a share, into the audit log."""
        if kind == "share_downloaded":
            await self.store.async_call(shares.record_download, request_id, now_us(), data)
        else:
            await self.store.async_call(audit.record, now_us(), kind, request_id, data)
        if (request := await self.async_get(request_id)) is not None:
            self._changed(request, Change.SHARE)

    # The audit log -------------------------------------------------------------------------------

    async def async_verify_audit(self) -> audit.Verification:
        """Check the audit chain."""
        return await self.store.async_call(audit.verify)

    async def async_export_audit(self) -> list[str]:
        """The audit log as JSON Lines."""
        return await self.store.async_call(audit.export_lines)
