"""The inbox: every footage request as stored (the `requests` table), and every change of its status.

pending → declined | expired | withdrawn | shared (→ revoked); a request failing the owner's policy is
stored as rejected. Each change is written with its audit entries and holds in one transaction;
`requests/lifecycle.py` is the only caller that changes a status.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from ..clock import iso
from . import audit, holds


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
    # Who sent it, when the source names one (the From address of an e-mail), and whether the requester is
    # vouched for (an e-mail: DKIM passed for an agency domain the owner listed; keyed agencies later).
    sender: str | None = None
    verified: bool = False
    cameras_with_footage: list[str] = field(default_factory=list)
    # Where a webhook request came from (its address); pending requests per origin are capped.
    origin: str | None = None
    # A keyed request: its agency (the subentry id) and the key that signed it.
    agency_id: str | None = None
    key_id: str | None = None

    def summary(self) -> dict[str, Any]:
        """What events, sensors and the websocket API show."""
        return {
            "request_id": self.id,
            "source": self.source,
            "sender": self.sender,
            "verified": self.verified,
            "agency_id": self.agency_id,
            "agency": self.agency,
            "case_number": self.case_number,
            "legal_basis": self.legal_basis,
            "start": iso(self.start_us),
            "end": iso(self.end_us),
            "status": self.status,
            "problems": list(self.problems),
            "deadline": iso(self.deadline_us),
            "decided_by": self.decided_by,
            "cameras_with_footage": list(self.cameras_with_footage),
        }


COLUMNS: Final = (
    "id, received_us, source, agency, case_number, legal_basis, start_us, end_us, fields, status, "
    "problems, deadline_us, decided_by, decided_us, message, sender, verified, agency_id, key_id"
)


def _from_row(row: tuple[Any, ...]) -> Request:
    values = list(row)
    values[8] = json.loads(values[8])
    values[10] = json.loads(values[10])
    values[16] = bool(values[16])
    request = Request(*values[:17])
    request.agency_id, request.key_id = values[17], values[18]
    return request


def jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields as stored: datetimes in ISO 8601."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def get(connection: sqlite3.Connection, request_id: str) -> Request | None:
    """One request."""
    row = connection.execute(f"SELECT {COLUMNS} FROM requests WHERE id = ?", (request_id,)).fetchone()
    return _from_row(row) if row else None


def load(connection: sqlite3.Connection, status: str | None = None) -> list[Request]:
    """Requests (of one status), newest first."""
    where, args = ("WHERE status = ?", (status,)) if status else ("", ())
    rows = connection.execute(f"SELECT {COLUMNS} FROM requests {where} ORDER BY received_us DESC", args)
    return [_from_row(row) for row in rows]


# Pending first, soonest deadline first; then decided, newest decision first. The same expressions as
# the requests_inbox index (schema 6), so a page is read in index order.
INBOX_ORDER: Final = (
    "status <> 'pending', "
    "(CASE WHEN status = 'pending' THEN deadline_us ELSE -COALESCE(decided_us, received_us) END), id"
)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of requests, how many match in all, and every agency that ever asked."""

    requests: list[Request]
    total: int
    agencies: list[str]


def page(
    connection: sqlite3.Connection, status: str | None, agency: str | None, offset: int, limit: int
) -> Page:
    """A page of requests in inbox order, filtered by status and agency (exact, case-insensitive)."""
    clauses, args = [], []
    if status:
        clauses.append("status = ?")
        args.append(status)
    if agency:
        clauses.append("agency = ? COLLATE NOCASE")
        args.append(agency)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM requests {where} ORDER BY {INBOX_ORDER} LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    total: int = connection.execute(f"SELECT COUNT(*) FROM requests {where}", args).fetchone()[0]
    agencies = [
        row[0]
        for row in connection.execute(
            "SELECT agency FROM requests GROUP BY agency COLLATE NOCASE ORDER BY agency COLLATE NOCASE"
        )
    ]
    return Page([_from_row(row) for row in rows], total, agencies)


def pending_from(connection: sqlite3.Connection, origin: str) -> int:
    """How many pending requests came from one origin."""
    row = connection.execute(
        "SELECT COUNT(*) FROM requests WHERE origin = ? AND status = 'pending'", (origin,)
    ).fetchone()
    return int(row[0])


def insert(connection: sqlite3.Connection, request: Request) -> None:
    """Store a new request with its audit entries (and, when pending, its hold), in one transaction."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            f"INSERT INTO requests ({COLUMNS}) VALUES ({', '.join('?' * 19)})",
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
                request.sender,
                request.verified,
                request.agency_id,
                request.key_id,
            ),
        )
        if request.origin is not None:
            connection.execute("UPDATE requests SET origin = ? WHERE id = ?", (request.origin, request.id))
        at = request.received_us
        # An e-mail's sender, and whether the mail server vouched for it, are part of the record.
        sent_by = {"sender": request.sender, "verified": request.verified} if request.sender else {}
        if request.key_id:
            sent_by = {"agency_id": request.agency_id, "key_id": request.key_id, "verified": request.verified}
        audit.append(connection, at, "request_received", request.id, request.fields | sent_by)
        if request.problems:
            audit.append(connection, at, "problems_found", request.id, {"problems": request.problems})
        if request.status == Status.REJECTED:
            audit.append(connection, at, "request_rejected", request.id, {})
        else:
            holds.add(connection, None, request.start_us, request.end_us, "request", request.id)
            audit.append(
                connection,
                at,
                "hold_placed",
                request.id,
                {"start": iso(request.start_us), "end": iso(request.end_us), "cameras": "all"},
            )


def end(
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
        if not connection.execute(
            "UPDATE requests SET status = ?, decided_by = ?, decided_us = ?, message = ? "
            "WHERE id = ? AND status = 'pending'",
            (status, decided_by, at_us, message, request_id),
        ).rowcount:
            raise RequestNotPending(request_id)
        audit.append(
            connection, at_us, f"request_{status}", request_id, {"decided_by": decided_by, "message": message}
        )
        if released := holds.release_for(connection, request_id, "request"):
            audit.append(connection, at_us, "hold_released", request_id, {"holds": released})
        found = get(connection, request_id)
    assert found is not None
    return found
