"""The chain-of-custody record a package carries (CHAIN_OF_CUSTODY.txt).

Who asked, who decided, what was exported and when, in words a person reads; what the requester wrote is
quoted, so it cannot forge a line.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, Final

from ..clock import iso
from .order import Order

TIME_SOURCES: Final = {
    "rtcp": "the camera's own clock, mapped to UTC by its RTCP sender reports",
    "arrival": "the camera's own clock, anchored to UTC at the arrival of its first packet",
    "file_name": "the time the recorder opened the file (recording cut short)",
    "wallclock": "the arrival time of every packet (recorded by an earlier version)",
}


def quoted(value: object) -> str:
    """A value from outside as one quoted line.

    Quotes, backslashes and every control, format (bidi, zero-width) and line-separator character are
    escaped, so the value can never forge or hide a line.
    """
    text = json.dumps(str(value), ensure_ascii=False)
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} else c for c in text
    )


def custody_text(order: Order, files: list[dict[str, Any]], exported: str) -> str:
    """The human-readable record: who asked, who decided, what was exported, when.

    What the requester wrote (and the decider's name) is quoted: a newline or a direction override in
    a case number cannot forge a line of this record.
    """
    request, decision = order.request, order.decision
    shared = f"{iso(order.start_us)} to {iso(order.end_us)}"
    case_number = request.get("case_number")
    lines = [
        "CHAIN OF CUSTODY - Doorbell Vault evidence package",
        "",
        f"Request:        {order.request_id}",
        f"Asked by:       {quoted(request['agency'])}"
        + (f" ({quoted(request['requester_name'])})" if request.get("requester_name") else ""),
        f"Case number:    {quoted(case_number) if case_number else 'none given'}",
        f"Legal basis:    {request['legal_basis']}",
        f"Received:       {request['received']}",
        f"Window asked:   {request.get('window_asked') or shared} (UTC)",
        f"Window shared:  {shared} (UTC)",
        f"Decided by:     {decision['decider_role']}"
        + (f" ({quoted(decision['decider'])})" if decision.get("decider") else ""),
        f"Decision:       share {len(files)} camera(s), "
        + ("audio included" if order.include_audio else "audio removed"),
        f"Exported:       {exported} by {order.software['name']} {order.software['version']}",
        f"Audit head:     entry {order.audit_head['entries']}, {order.audit_head['hash']}",
        f"Signing key:    {order.key_fingerprint['hex']}",
        f"                ({order.key_fingerprint['words']})",
        "",
        "Terms of this disclosure:",
        *(f"  - {term}" for term in order.terms["text"]),
        "",
        "Files (cut from the household's own recordings by stream copy; never re-encoded):",
    ]
    for f in files:
        lines.append(
            f"  {f['name']}  {quoted(f['camera'])}  {f['start']} to {f['end']}  {f['bytes']} bytes  "
            f"sha256 {f['sha256']}"
        )
        offset = f["camera_clock_offset_ms"]
        lines.append(
            f"    time source: {f['time_source']} ({TIME_SOURCES.get(f['time_source'], 'mixed sources')}); "
            + (
                f"camera clock offset from true time: {offset:+.1f} ms"
                if offset is not None
                else "camera clock offset from true time: not measured"
            )
        )
    lines += [
        "",
        "A clip starts on the keyframe at or before the asked start (see starts_before_window_s in",
        "manifest.json). To check: `python3 verify_package.py . --fingerprint '<the key fingerprint",
        "the household gave you>'`, or `sha256sum -c SHA256SUMS`, then verify the signature with",
        "`openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json",
        "-sigfile manifest.json.sig` and compare the key's fingerprint with the one you were given:",
        "a key that only this package vouches for proves nothing about who signed it.",
        "manifest.json names the SHA-256 of every other file in this package.",
        "",
    ]
    return "\n".join(lines)
