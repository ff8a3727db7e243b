"""The owner's checks on a well-formed request; each failing one is named in the request's problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.util.location import distance

from .confusables import same_agency

LEGAL_RANK: Final = {"voluntary": 0, "subpoena": 1, "warrant": 2}


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
    max_deadline_days: float = 14


def _agency_in(agency: str, names: tuple[str, ...], *, loose: bool) -> bool:
    """Compared on the confusable skeleton (look-alike letters, invisible characters, spacing, case)."""
    return any(same_agency(agency, name, loose=loose) for name in names)


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
    if "deadline" in fields and fields["deadline"] > now + timedelta(days=policy.max_deadline_days):
        problems.append("deadline_too_far")
    if "radius_m" in fields:
        if fields["radius_m"] > policy.max_radius_m:
            problems.append("area_too_large")
        if home_in_area(policy, fields) is False:
            problems.append("area_excludes_home")
    if _agency_in(fields["agency"], policy.agency_blocklist, loose=True):
        problems.append("agency_blocked")
    if policy.agency_allowlist and not _agency_in(fields["agency"], policy.agency_allowlist, loose=False):
        problems.append("agency_not_allowed")
    basis = fields["legal_basis"]
    if basis == "exigent":
        basis = policy.exigent_as
    if LEGAL_RANK.get(basis, 0) < LEGAL_RANK.get(policy.min_legal_basis, 0):
        problems.append("legal_basis_too_weak")
    return problems


def home_in_area(policy: Policy, fields: Mapping[str, Any]) -> bool | None:
    """Whether the request's area contains the home (None when it names no area or no home is set)."""
    if "radius_m" not in fields or policy.home is None:
        return None
    away = distance(fields["latitude"], fields["longitude"], *policy.home)
    return away is not None and away <= fields["radius_m"]
