"""Footage requests: the model, validation of what arrives, the owner's policy, and the lifecycle.

pending → declined | expired | withdrawn | shared (→ revoked); a request failing the policy is rejected
at once, still stored and shown. Every transition is written (with its audit entry) in one
transaction before it is announced on the bus.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import persistent_notification
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util
from homeassistant.util.location import distance

from . import audit
from .const import DOMAIN

if TYPE_CHECKING:
    from .hub import DoorbellVault

_LOGGER = logging.getLogger(__name__)

EVENT_RECEIVED: Final = "doorbell_vault_request_received"
EVENT_DECIDED: Final = "doorbell_vault_request_decided"
DEFAULT_DEADLINE: Final = timedelta(hours=72)
ACTION_PREFIX: Final = "DOORBELL_VAULT_"

LEGAL_BASES: Final = ("voluntary", "subpoena", "warrant", "exigent")
LEGAL_RANK: Final = {"voluntary": 0, "subpoena": 1, "warrant": 2}
FIELDS: Final = frozenset(
    {
        "agency",
        "case_number",
        "legal_basis",
        "start",
        "end",
        "requester_name",
        "requester_email",
        "reason",
        "latitude",
        "longitude",
        "radius_m",
        "deadline",
    }
)
MAX_LENGTH: Final = {
    "agency": 120,
    "case_number": 64,
    "requester_name": 120,
    "requester_email": 254,
    "reason": 2000,
}
EMAIL: Final = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")


class Status(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    SHARED = "shared"
    DECLINED = "declined"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"


class DecidedBy(StrEnum):
    """Who ended a request."""

    USER = "user"
    POLICY = "policy"
    AUTOMATION = "automation"
    DEADLINE = "deadline"
    REQUESTER = "requester"


class RequestInvalid(Exception):
    """The submission is malformed; nothing was stored. `errors` name each problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


class RequestNotPending(Exception):
    """The request is unknown, already decided, or its evidence package is being built."""


@dataclass(slots=True)
class Request:
    """A footage request as stored."""

    id: str
    received_us: int
    source: str
    agency: str
    case_number: str | None
    legal_basis: str
    start_us: int
    end_us: int
    fields: dict[str, Any]
    status: str
    problems: list[str]
    deadline_us: int
    decided_by: str | None = None
    decided_us: int | None = None
    message: str | None = None
    cameras_with_footage: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """What events, sensors and the websocket API show."""
        return {
            "request_id": self.id,
            "agency": self.agency,
            "case_number": self.case_number,
            "legal_basis": self.legal_basis,
            "start": _iso(self.start_us),
            "end": _iso(self.end_us),
            "status": self.status,
            "problems": list(self.problems),
            "deadline": _iso(self.deadline_us),
            "decided_by": self.decided_by,
            "cameras_with_footage": list(self.cameras_with_footage),
        }


def _iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat()


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


# Validation -------------------------------------------------------------------------------------


def _datetime(value: Any, name: str, errors: list[dict[str, str]], *, naive_ok: bool) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            errors.append({"field": name, "message": "not an ISO 8601 date and time"})
            return None
    else:
        errors.append({"field": name, "message": "not an ISO 8601 date and time"})
        return None
    if moment.tzinfo is None:
        if not naive_ok:
            errors.append({"field": name, "message": "needs a time zone (for example +00:00 or Z)"})
            return None
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return moment


def _number(value: Any, name: str, low: float, high: float, errors: list[dict[str, str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append({"field": name, "message": "must be a number"})
        return None
    if not low <= float(value) <= high:
        errors.append({"field": name, "message": f"must be between {low:g} and {high:g}"})
        return None
    return float(value)


def validate(raw: Mapping[str, Any], *, naive_ok: bool = False) -> dict[str, Any]:
    """Check a submission's shape; return clean fields or raise RequestInvalid naming every problem.

    `naive_ok`: service calls from the UI may give local times without a zone; the webhook may not.
    """
    errors: list[dict[str, str]] = []
    if not isinstance(raw, Mapping):
        raise RequestInvalid([{"field": "", "message": "expected a JSON object"}])
    clean: dict[str, Any] = {}
    errors.extend({"field": str(key)[:40], "message": "unknown field"} for key in raw if key not in FIELDS)
    for name, limit in MAX_LENGTH.items():
        value = raw.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            errors.append({"field": name, "message": "must be text"})
        elif len(value) > limit:
            errors.append({"field": name, "message": f"longer than {limit} characters"})
        elif any(ord(c) < 32 and c not in "\n\t" for c in value):
            errors.append({"field": name, "message": "contains control characters"})
        else:
            clean[name] = value.strip()
    if not clean.get("agency") and not any(e["field"] == "agency" for e in errors):
        errors.append({"field": "agency", "message": "required"})
    if (email := clean.get("requester_email")) and not EMAIL.match(email):
        errors.append({"field": "requester_email", "message": "not an e-mail address"})
    basis = raw.get("legal_basis", "voluntary")
    if basis not in LEGAL_BASES:
        errors.append({"field": "legal_basis", "message": f"one of {', '.join(LEGAL_BASES)}"})
    else:
        clean["legal_basis"] = basis
    for name in ("start", "end"):
        if raw.get(name) is None:
            errors.append({"field": name, "message": "required"})
        elif (moment := _datetime(raw[name], name, errors, naive_ok=naive_ok)) is not None:
            clean[name] = moment
    deadline = raw.get("deadline")
    if deadline is not None and (moment := _datetime(deadline, "deadline", errors, naive_ok=naive_ok)):
        clean["deadline"] = moment
    if "start" in clean and "end" in clean and clean["start"] >= clean["end"]:
        errors.append({"field": "end", "message": "must be after start"})
    location = [raw.get(k) is not None for k in ("latitude", "longitude", "radius_m")]
    if any(location) and not all(location):
        errors.append({"field": "radius_m", "message": "latitude, longitude and radius_m go together"})
    elif all(location):
        for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180), ("radius_m", 1, 50_000)):
            if (number := _number(raw[name], name, low, high, errors)) is not None:
                clean[name] = number
    if errors:
        raise RequestInvalid(errors)
    return clean


# Policy -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """The owner's checks; each failing one is named in the request's problems."""

    accept_requests: bool = True
    require_case_number: bool = True
    max_window_hours: float = 12
    max_radius_m: float = 640
    agency_blocklist: tuple[str, ...] = ()
    agency_allowlist: tuple[str, ...] = ()
    min_legal_basis: str = "voluntary"
    exigent_as: str = "warrant"
    footage_days: float = 30
    home: tuple[float, float] | None = None


def _agency_in(agency: str, names: tuple[str, ...]) -> bool:
    folded = agency.casefold()
    return any(name.casefold().strip() == folded for name in names if name.strip())


def check(policy: Policy, fields: Mapping[str, Any], now: datetime) -> list[str]:
    """The names of the policy checks a clean request fails, in a stable order."""
    problems = []
    if not policy.accept_requests:
        problems.append("requests_paused")
    if policy.require_case_number and not fields.get("case_number"):
        problems.append("case_number_missing")
    start, end = fields["start"], fields["end"]
    if end - start > timedelta(hours=policy.max_window_hours):
        problems.append("window_too_long")
    if end > now:
        problems.append("window_in_future")
    if start < now - timedelta(days=policy.footage_days):
        problems.append("window_before_footage")
    if "radius_m" in fields:
        if fields["radius_m"] > policy.max_radius_m:
            problems.append("area_too_large")
        if policy.home is not None:
            away = distance(fields["latitude"], fields["longitude"], *policy.home)
            if away is None or away > fields["radius_m"]:
                problems.append("area_excludes_home")
    if _agency_in(fields["agency"], policy.agency_blocklist):
        problems.append("agency_blocked")
    if policy.agency_allowlist and not _agency_in(fields["agency"], policy.agency_allowlist):
        problems.append("agency_not_allowed")
    basis = fields["legal_basis"]
    if basis == "exigent":
        basis = policy.exigent_as
    if LEGAL_RANK.get(basis, 0) < LEGAL_RANK.get(policy.min_legal_basis, 0):
        problems.append("legal_basis_too_weak")
    return problems


# Storage (store thread) -------------------------------------------------------------------------

COLUMNS: Final = (
    "id, received_us, source, agency, case_number, legal_basis, start_us, end_us, fields, status, "
    "problems, deadline_us, decided_by, decided_us, message"
)


def from_row(row: tuple[Any, ...]) -> Request:
    """A request from a row of COLUMNS."""
    values = list(row)
    values[8] = json.loads(values[8])
    values[10] = json.loads(values[10])
    return Request(*values)


def _jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def insert(connection: sqlite3.Connection, request: Request) -> None:
    """Store a new request with its audit entries, in one transaction."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            f"INSERT INTO requests ({COLUMNS}) VALUES ({', '.join('?' * 15)})",
            (
                request.id,
                request.received_us,
                request.source,
                request.agency,
                request.case_number,
                request.legal_basis,
                request.start_us,
                request.end_us,
                json.dumps(request.fields),
                request.status,
                json.dumps(request.problems),
                request.deadline_us,
                request.decided_by,
                request.decided_us,
                request.message,
            ),
        )
        audit.append(connection, request.received_us, "request_received", request.id, request.fields)
        if request.problems:
            audit.append(
                connection, request.received_us, "problems_found", request.id, {"problems": request.problems}
            )
        if request.status == Status.REJECTED:
            audit.append(connection, request.received_us, "request_rejected", request.id, {})
        else:
            connection.execute(
                "INSERT INTO holds (camera, start_us, end_us, reason, ref, until_us, created_us) "
                "VALUES (NULL, ?, ?, 'request', ?, NULL, ?)",
                (request.start_us, request.end_us, request.id, request.received_us),
            )
            audit.append(
                connection,
                request.received_us,
                "hold_placed",
                request.id,
                {"start": _iso(request.start_us), "end": _iso(request.end_us), "cameras": "all"},
            )


def transition(
    connection: sqlite3.Connection,
    request_id: str,
    status: str,
    decided_by: str,
    at_us: int,
    message: str | None,
) -> Request:
    """End a pending request and release its holds, in one transaction; RequestNotPending otherwise."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        updated = connection.execute(
            "UPDATE requests SET status = ?, decided_by = ?, decided_us = ?, message = ? "
            "WHERE id = ? AND status = 'pending'",
            (status, decided_by, at_us, message, request_id),
        ).rowcount
        if not updated:
            raise RequestNotPending(request_id)
        audit.append(
            connection,
            at_us,
            f"request_{status}",
            request_id,
            {"decided_by": decided_by, "message": message},
        )
        released = connection.execute(
            "DELETE FROM holds WHERE ref = ? AND reason = 'request'", (request_id,)
        ).rowcount
        if released:
            audit.append(connection, at_us, "hold_released", request_id, {"holds": released})
        row = connection.execute(f"SELECT {COLUMNS} FROM requests WHERE id = ?", (request_id,)).fetchone()
    return from_row(row)


def load(connection: sqlite3.Connection, where: str = "", args: tuple[Any, ...] = ()) -> list[Request]:
    """Requests, newest first (store thread)."""
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM requests {where} ORDER BY received_us DESC", args
    ).fetchall()
    return [from_row(row) for row in rows]


# The desk: where requests arrive and are decided -------------------------------------------------


type Listener = Callable[[Request], None]


class Timers:
    """One point-in-time action per request (a request's deadline, a share's expiry)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start with none."""
        self.hass = hass
        self._cancel: dict[str, CALLBACK_TYPE] = {}

    def arm(self, request_id: str, at_us: int, action: Callable[[], Awaitable[Any]]) -> None:
        """Run `action` at `at_us` (at once if that has passed), replacing any earlier one."""
        self.cancel(request_id)

        async def fire(_now: datetime) -> None:
            self._cancel.pop(request_id, None)
            await action()

        self._cancel[request_id] = async_track_point_in_utc_time(
            self.hass, fire, datetime.fromtimestamp(at_us / 1_000_000, UTC)
        )

    def cancel(self, request_id: str) -> None:
        """Forget one."""
        if (cancel := self._cancel.pop(request_id, None)) is not None:
            cancel()

    def stop(self) -> None:
        """Forget all."""
        while self._cancel:
            self._cancel.popitem()[1]()


class RequestDesk:
    """Receives, checks, stores, announces and ends requests for one hub."""

    def __init__(self, hass: HomeAssistant, vault: DoorbellVault) -> None:
        """Attach to the hub (its store, cameras and options)."""
        self.hass = hass
        self.vault = vault
        self._deadlines = Timers(hass)
        self._listeners: list[Listener] = []
        # Requests whose evidence package is being built, with the stage shown to the owner.
        self.building: dict[str, str] = {}

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(request)` after every new request and transition."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

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

    async def async_list(self, status: str | None = None) -> list[Request]:
        """Requests (of one status), newest first."""
        store = self.vault.store
        if status:
            return await store.async_call(lambda: load(store.connection, "WHERE status = ?", (status,)))
        return await store.async_call(lambda: load(store.connection))

    async def async_get(self, request_id: str) -> Request | None:
        """One request."""
        store = self.vault.store
        found = await store.async_call(lambda: load(store.connection, "WHERE id = ?", (request_id,)))
        return found[0] if found else None

    async def async_submit(self, raw: Mapping[str, Any], source: str, *, naive_ok: bool = False) -> Request:
        """Validate, check against the policy, store (with holds), announce. RequestInvalid stores nothing."""
        fields = validate(raw, naive_ok=naive_ok)
        now = dt_util.utcnow()
        problems = check(self.vault.request_policy(), fields, now)
        received = _us(now)
        deadline = fields.get("deadline") or now + DEFAULT_DEADLINE
        request = Request(
            id=secrets.token_hex(8),
            received_us=received,
            source=source,
            agency=fields["agency"],
            case_number=fields.get("case_number"),
            legal_basis=fields["legal_basis"],
            start_us=_us(fields["start"]),
            end_us=_us(fields["end"]),
            fields=_jsonable(fields),
            status=Status.REJECTED if problems else Status.PENDING,
            problems=problems,
            deadline_us=_us(deadline),
            decided_by=DecidedBy.POLICY if problems else None,
            decided_us=received if problems else None,
        )
        request.cameras_with_footage = await self._cameras_with_footage(request)
        store = self.vault.store
        await store.async_call(insert, store.connection, request)
        if request.status == Status.PENDING:
            self._arm(request)
        self._announce_received(request)
        return request

    async def _cameras_with_footage(self, request: Request) -> list[str]:
        names = []
        for camera in self.vault.cameras.values():
            if await self.vault.store.async_segments_in_window(camera.id, request.start_us, request.end_us):
                names.append(camera.name)
        return names

    async def async_end(
        self, request_id: str, status: str, decided_by: str, message: str | None = None
    ) -> Request:
        """End a pending request (declined, expired, withdrawn); RequestNotPending otherwise."""
        if request_id in self.building:
            raise RequestNotPending(request_id)
        store = self.vault.store
        now = _us(dt_util.utcnow())
        request = await store.async_call(
            transition, store.connection, request_id, status, decided_by, now, message
        )
        self.decided(request, decided_by)
        return request

    @callback
    def decided(self, request: Request, decided_by: str) -> None:
        """Announce a decision (stored already): event, notification dismissed, listeners."""
        self._deadlines.cancel(request.id)
        self.hass.bus.async_fire(
            EVENT_DECIDED,
            {"request_id": request.id, "decision": request.status, "decided_by": decided_by},
        )
        persistent_notification.async_dismiss(self.hass, f"{DOMAIN}_{request.id}")
        self.notify(request)

    @callback
    def set_progress(self, request: Request, stage: str | None) -> None:
        """Show (or clear) the stage of a package being built."""
        if stage is None:
            self.building.pop(request.id, None)
        else:
            self.building[request.id] = stage
        self.notify(request)

    def _announce_received(self, request: Request) -> None:
        data = request.summary()
        self.hass.bus.async_fire(
            EVENT_RECEIVED,
            {k: data[k] for k in (
                "request_id", "agency", "case_number", "legal_basis", "start", "end",
                "status", "problems", "cameras_with_footage",
            )} | {"home_in_area": self._home_in_area(request)},
        )  # fmt: skip
        lines = [
            f"**{request.agency}** asks for footage from {_local(request.start_us)} to "
            f"{_local(request.end_us)} (case {request.case_number or 'none given'}, "
            f"legal basis: {request.legal_basis}).",
            "Cameras with footage in that window: " + (", ".join(request.cameras_with_footage) or "none"),
        ]
        if request.problems:
            lines.append("Rejected by your policy: " + ", ".join(request.problems) + ".")
        else:
            lines.append(f"Nothing is shared unless you decide. It expires on {_local(request.deadline_us)}.")
        persistent_notification.async_create(
            self.hass,
            "\n\n".join(lines),
            title="Footage request" if not request.problems else "Footage request rejected",
            notification_id=f"{DOMAIN}_{request.id}",
        )
        self.notify(request)

    def _home_in_area(self, request: Request) -> bool | None:
        """Whether the request's area contains the home (None when it names no area)."""
        fields = request.fields
        if "radius_m" not in fields:
            return None
        away = distance(fields["latitude"], fields["longitude"], *self.vault.request_policy().home or (0, 0))
        return away is not None and away <= fields["radius_m"]

    def notify(self, request: Request) -> None:
        """Tell the listeners a request changed."""
        for listener in list(self._listeners):
            listener(request)

    async def async_verify_audit(self) -> audit.Verification:
        """Check the audit chain."""
        store = self.vault.store
        return await store.async_call(audit.verify, store.connection)

    async def async_export_audit(self) -> list[str]:
        """The audit log as JSON Lines."""
        store = self.vault.store
        return await store.async_call(audit.export_lines, store.connection)


def _local(us: int) -> str:
    moment = dt_util.as_local(datetime.fromtimestamp(us / 1_000_000, UTC))
    return f"{moment:%Y-%m-%d %H:%M}"


def as_dict(request: Request) -> dict[str, Any]:
    """Everything about a request (websocket and diagnostics)."""
    return asdict(request)
