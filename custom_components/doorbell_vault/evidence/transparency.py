"""The household's transparency report for people: Markdown and CSV in `<storage>/exports/`.

The figures come from `store/reports.py`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Final

from ..store.files import write_private

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
        write_private(path, text)
        paths.append(path)
    return paths
