"""What a footage request may look like: every field checked, every problem named, nothing stored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from homeassistant.util import dt as dt_util

LEGAL_BASES: Final = ("voluntary", "subpoena", "warrant", "exigent")
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
SINGLE_LINE: Final = frozenset({"agency", "case_number", "requester_name", "requester_email"})
# Control (C0, C1), format (bidi overrides and isolates, zero-width), surrogate, private-use and
# unassigned characters, and line and paragraph separators: none belongs in a name or a case number.
REFUSED_SINGLE_LINE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
EMAIL: Final = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")


class RequestInvalid(Exception):
    """The submission is malformed; nothing was stored. `errors` name each problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


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


def clean_text(name: str, value: str, limit: int) -> tuple[str | None, str | None]:
    """(the NFKC-normalised text, None) or (None, what is wrong with it)."""
    single = name in SINGLE_LINE
    for c in value:
        category = unicodedata.category(c)
        if single and category in REFUSED_SINGLE_LINE:
            return None, f"contains an invisible, control or line-break character (U+{ord(c):04X})"
        if not single and (
            c in BIDI_CONTROLS or category in {"Cs", "Zl", "Zp"} or (category == "Cc" and c not in "\n\t")
        ):
            return None, f"contains a control or direction-changing character (U+{ord(c):04X})"
    text = unicodedata.normalize("NFKC", value)
    text = " ".join(text.split()) if single else text.strip()
    if len(text) > limit:
        return None, f"longer than {limit} characters"
    return text, None


def _number(value: Any, name: str, low: float, high: float, errors: list[dict[str, str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append({"field": name, "message": "must be a number"})
        return None
    try:
        inside = low <= float(value) <= high
    except OverflowError:
        inside = False
    if not inside:
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
        else:
            text, problem = clean_text(name, value, limit)
            if problem is not None:
                errors.append({"field": name, "message": problem})
            elif text:
                clean[name] = text
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
