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


def custody_text(
    order: Order, files: list[dict[str, Any]], exported: str, redacted: list[dict[str, Any]] | None = None
) -> str:
    """The human-readable record: who asked, who decided, what was exported, when.

    What the requester wrote (and the decider's name) is quoted: a newline or a direction override in
    a case number cannot forge a line of this record. `redacted`: the provenance record's clips.
    """
    redactions = {clip["file"]: clip for clip in redacted or []}
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
        (
            "Files (cut from the household's own recordings by stream copy; never re-encoded):"
            if not redactions
            else "Files (each either cut by stream copy, or redacted and re-encoded as said below it):"
        ),
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
        if f["name"] in redactions:
            lines += redaction_lines(redactions[f["name"]])
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
    if redactions:
        lines += [
            "Redacted clips are not the recordings themselves: the household hid parts of the picture",
            "before sharing. provenance.json (signed with the same key: provenance.json.sig) names the",
            "sealed original segments each was made from, with their SHA-256 and capture-time proofs,",
            "every region hidden and how, the detector and the frames it changed, and the encoder.",
            "verify_package.py checks it; the originals stay with the household and were not shared.",
            "Where a clip carries a C2PA manifest, check it with a C2PA reader (c2patool, or",
            "`python3 verify_package.py . --c2pa` with c2pa-python installed), giving it c2pa_ca.pem",
            "(the household's own certificate authority) as the trust anchor.",
            "",
        ]
    return "\n".join(lines)


def redaction_lines(clip: dict[str, Any]) -> list[str]:
    """A redacted clip's provenance in words: what it was made from, what was done, how."""
    ops = clip["operations"]
    regions = [*ops["regions"], *ops["boxes"]]
    actions = sorted({r["action"] for r in regions})
    detector = ops.get("detector")
    encoder = clip.get("encoder") or {}
    c2pa = clip.get("c2pa") or {}
    lines = [
        f"    REDACTED ({ops['mode']}): re-encoded from the sealed original segments "
        + ", ".join(f"{s['file']} (sha256 {s['sha256']})" for s in clip["derived_from"]),
        f"    hidden: {len(ops['regions'])} mask region(s) and {len(ops['boxes'])} box(es) drawn by hand"
        + (f" ({', '.join(actions)})" if actions else ""),
        (
            f"    faces: found by {quoted(detector.get('name'))} {quoted(detector.get('version'))}, "
            f"{ops.get('faces', 0)} face(s) in {len(ops['detected_frames'])} frame range(s) blurred; "
            f"{len(ops['clear'])} region(s) kept clear"
            if detector
            else "    faces: no automatic detection (masks only)"
        ),
        f"    encoder: {quoted(encoder.get('library', '?'))} {quoted(encoder.get('codec', '?'))} "
        f"{quoted(encoder.get('preset', ''))}; {clip['frames']} frames",
        "    C2PA manifest: "
        + ("embedded, signed by the household's C2PA certificate" if c2pa.get("embedded") else "none")
        + ("" if c2pa.get("embedded") else f" ({quoted(c2pa.get('reason', ''))})"),
    ]
    return lines
