"""The household's transparency report: who asked, on what basis, what was decided, what left the house.

Counted from the index (requests and shares) and the audit log (downloads); exported as Markdown and CSV
to `<storage>/exports/`.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

OUTCOMES: Final = ("pending", "shared", "revoked", "declined", "rejected", "expired", "withdrawn")
DECISIONS_BY: Final = ("user", "automation", "policy")
CSV_COLUMNS: Final = (
    "received",
    "agency",
    "case_number",
    "legal_basis",
    "outcome",
    "decided_by",
    "minutes_to_decision",
    "minutes_shared",
    "downloads",
)


def _iso(us: int | None) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat() if us is not None else ""


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
    for ref, data in connection.execute(
        "SELECT ref, data FROM audit WHERE kind = 'share_downloaded' AND at_us >= ?", (since,)
    ):
        downloads[ref] += 1
        completed += bool(json.loads(data).get("completed"))
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


def markdown(data: dict[str, Any], generated: str) -> str:
    """The report for people."""
    lines = [
        "# Doorbell Vault transparency report",
        "",
        f"Generated {generated}; requests received since {data['since'] or 'the beginning'}.",
        "",
        f"- Requests: **{data['requests']}**",
        f"- Shared: **{data['by_outcome']['shared'] + data['by_outcome']['revoked']}** "
        f"({data['minutes_shared']} minutes of footage, {data['downloads']} downloads)",
        f"- Median time to a decision: **{data['median_minutes_to_decision'] or '-'} minutes**",
        "",
        "## By outcome",
        "",
        "| Outcome | Requests |",
        "|---|---|",
        *(f"| {o} | {n} |" for o, n in data["by_outcome"].items()),
        "",
        "## By legal basis",
        "",
        "| Legal basis | Requests |",
        "|---|---|",
        *(f"| {b} | {n} |" for b, n in data["by_legal_basis"].items()),
        "",
        "## By agency",
        "",
        "| Agency | Requests | Shared | Declined | Rejected | Expired |",
        "|---|---|---|---|---|---|",
        *(
            f"| {a.replace('|', '/')} | {c['total']} | {c.get('shared', 0) + c.get('revoked', 0)} "
            f"| {c.get('declined', 0)} | {c.get('rejected', 0)} | {c.get('expired', 0)} |"
            for a, c in data["by_agency"].items()
        ),
        "",
    ]
    return "\n".join(lines)


def csv_text(data: dict[str, Any]) -> str:
    """One row per request."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in data["rows"]:
        # A leading =, +, - or @ would be run as a formula by spreadsheet programs.
        writer.writerow({k: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for k, v in row.items()})
    return buffer.getvalue()


def write(folder: Path, stamp: str, data: dict[str, Any], generated: str) -> list[Path]:
    """Write the Markdown and CSV exports (blocking); return their paths."""
    folder.mkdir(mode=0o700, exist_ok=True)
    paths = []
    for suffix, text in (("md", markdown(data, generated)), ("csv", csv_text(data))):
        path = folder / f"transparency-{stamp}.{suffix}"
        path.write_text(text)
        path.chmod(0o600)
        paths.append(path)
    return paths
