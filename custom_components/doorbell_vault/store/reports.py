"""The household's transparency report, counted from the index (requests, shares, the download log).

Every function takes the connection first and runs on the store's thread.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections import Counter, defaultdict
from typing import Any, Final

from ..clock import iso


def _iso(us: int | None) -> str:
    return iso(us) if us is not None else ""


OUTCOMES: Final = ("pending", "shared", "revoked", "declined", "rejected", "expired", "withdrawn")
DECISIONS_BY: Final = ("user", "automation", "policy")


def report(connection: sqlite3.Connection, since_us: int | None = None) -> dict[str, Any]:
    """The report as data (store thread); `rows` has one line per request for the CSV."""
    since = since_us or 0
    requests = connection.execute(
        "SELECT id, received_us, agency, case_number, legal_basis, status, decided_by, decided_us "
        "FROM requests WHERE received_us >= ? ORDER BY received_us",
        (since,),
    ).fetchall()
    shared_seconds: dict[str, float] = {}
    for request_id, manifest in connection.execute(
        "SELECT s.request_id, s.manifest FROM shares s JOIN requests r ON r.id = s.request_id "
        "WHERE r.received_us >= ?",
        (since,),
    ):
        shared_seconds[request_id] = sum(f.get("duration_s", 0.0) for f in json.loads(manifest)["files"])
    downloads: Counter[str] = Counter()
    completed = 0
    for request_id, done in connection.execute(
        "SELECT request_id, completed FROM downloads WHERE at_us >= ?", (since,)
    ):
        downloads[request_id] += 1
        completed += bool(done)
    by_agency: dict[str, Counter[str]] = defaultdict(Counter)
    waits, rows = [], []
    for request_id, received, agency, case, basis, status, decided_by, decided_us in requests:
        by_agency[agency][status] += 1
        wait = None
        if decided_us is not None and decided_by in DECISIONS_BY:
            wait = (decided_us - received) / 60_000_000
            waits.append(wait)
        rows.append(
            {
                "received": _iso(received),
                "agency": agency,
                "case_number": case or "",
                "legal_basis": basis,
                "outcome": status,
                "decided_by": decided_by or "",
                "minutes_to_decision": "" if wait is None else round(wait, 1),
                "minutes_shared": round(shared_seconds.get(request_id, 0.0) / 60, 2),
                "downloads": downloads[request_id],
            }
        )
    outcomes = Counter(r[5] for r in requests)
    return {
        "since": _iso(since_us) if since_us else None,
        "requests": len(requests),
        "by_outcome": {o: outcomes[o] for o in OUTCOMES},
        "by_agency": {a: dict(c) | {"total": c.total()} for a, c in sorted(by_agency.items())},
        "by_legal_basis": dict(sorted(Counter(r[4] for r in requests).items())),
        "median_minutes_to_decision": round(statistics.median(waits), 1) if waits else None,
        "minutes_shared": round(sum(shared_seconds.values()) / 60, 2),
        "shares": len(shared_seconds),
        "downloads": downloads.total(),
        "downloads_completed": completed,
        "rows": rows,
    }
