"""The evidence package: the asked window cut by stream copy, hashed, described, signed, zipped.

Everything here blocks (ffmpeg and ffprobe subprocesses, hashing, file writes): it runs on an executor
thread, never on the event loop. A package is built in a hidden folder and renamed into place only when
complete, so nothing half-built is ever served.

The package holds one MP4 per camera (faststart, audio removed unless asked), `CHAIN_OF_CUSTODY.txt`,
`SHA256SUMS` (for `sha256sum -c`), `public_key.pem`, `verify_package.py` (the recipient's own checker),
`manifest.json` and its Ed25519 signature `manifest.json.sig`. The signed manifest names the SHA-256 of
every other file, so one byte changed anywhere fails `verify_package`; checked against the fingerprint the
household gave the recipient in advance, a package re-signed with another key fails too. The download
view zips it on the way out (`write_zip`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..clock import iso
from ..store.files import PRIVATE_UMASK, write_private
from ..store.seals import Proof
from ..store.segments import Segment
from . import verify_package

FORMAT: Final = "doorbell-vault-evidence/1"
KEY_FILE: Final = ".signing_key"
SHARES_FOLDER: Final = "shares"
# Export reads the household's own segment files and nothing else.
FILES_ONLY: Final = ("-protocol_whitelist", "file")
MANIFEST: Final = "manifest.json"
SIGNATURE: Final = "manifest.json.sig"
SUMS: Final = "SHA256SUMS"
CUSTODY: Final = "CHAIN_OF_CUSTODY.txt"
PUBLIC_KEY: Final = "public_key.pem"
VERIFIER: Final = "verify_package.py"
VERIFY_PAGE: Final = "verify.html"
# The RFC 3161 timestamp of manifest.json, when the owner set a time-stamp authority (outside the manifest).
TIMESTAMP: Final = "manifest.json.tsr"
CHUNK: Final = 1 << 20
GAP_US: Final = 1_000_000
FFMPEG_TIMEOUT: Final = 3600
# moov bytes reserved per packet: sizes, times, offsets and sync tables take at most ~40 per sample.
MOOV_BASE: Final = 16384
MOOV_PER_PACKET: Final = 48
SEGMENT_SLACK_S: Final = 12


class ExportError(Exception):
    """The package could not be built; `reason` says why in words the owner can act on."""


# The installation's signing key (a file with owner-only permissions in the storage folder) ----------


def signing_key(storage: Path) -> Ed25519PrivateKey:
    """Load the key, generating it on first use (blocking)."""
    path = storage / KEY_FILE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        return key
    if not isinstance(key, Ed25519PrivateKey):
        raise ExportError(f"{path} does not hold an Ed25519 key")
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half, base64 of the raw 32 bytes (as the manifest and diagnostics show it)."""
    return base64.b64encode(public_raw(key)).decode()


def public_raw(key: Ed25519PrivateKey) -> bytes:
    """The raw 32 bytes of the public half."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_fingerprint(key: Ed25519PrivateKey) -> dict[str, str]:
    """What the household gives a recipient once, in advance: hex and words of the key's SHA-256."""
    raw = public_raw(key)
    return {"hex": verify_package.fingerprint(raw), "words": verify_package.fingerprint_words(raw)}


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half as PEM (for `openssl pkeyutl -verify`)."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# What the builder is asked to do ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CameraFootage:
    """One chosen camera and its indexed segments overlapping the window, in time order."""

    name: str
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class Order:
    """Everything the package needs; built on the loop, handed to the executor."""

    storage: Path
    request_id: str
    request: dict[str, Any]
    decision: dict[str, Any]
    start_us: int
    end_us: int
    cameras: list[CameraFootage]
    include_audio: bool
    audit_head: dict[str, Any]
    software: dict[str, str]
    # The recipient's duties (retention, no onward sharing, what was granted), stated and signed.
    terms: dict[str, Any]
    key_fingerprint: dict[str, str]
    # Capture-time proofs of the source segments (by segment id) and the audit entries of their seals.
    ffmpeg: str
    ffprobe: str
    proofs: dict[int, Proof] = field(default_factory=dict)
    seals: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class Package:
    """A built package: its folder (relative to the storage folder), files and manifest."""

    folder: str
    package_bytes: int
    files: list[dict[str, Any]]
    manifest: dict[str, Any]
    manifest_sha256: str
    seconds: float = field(default=0.0)


def slug(name: str, taken: set[str]) -> str:
    """A file name for a camera: its name in lower case, unique within the package."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:48] or "camera"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks (flat memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# Cutting ----------------------------------------------------------------------------------------


def _run(command: list[str], timeout: float = FFMPEG_TIMEOUT) -> str:
    try:
        # umask: what ffmpeg writes (the clips) is owner-only (0600) from its first byte.
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, umask=PRIVATE_UMASK
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ExportError(f"{Path(command[0]).name} failed: {err}") from err
    if result.returncode != 0:
        tail = " ".join(result.stderr.strip().splitlines()[-2:])[-300:]
        raise ExportError(f"{Path(command[0]).name} failed: {tail or result.returncode}")
    return result.stdout


def _video_packets(ffprobe: str, path: Path, since: float | None = None) -> list[tuple[float, float, bool]]:
    """(pts, dts in seconds, is keyframe) of the video packets of a file, in decode order.

    `since`: only from the keyframe at or before that time (seconds) to the end.
    """
    interval = () if since is None else ("-read_intervals", f"{since:.3f}%")
    output = _run(
        [
            *(ffprobe, "-v", "error", *FILES_ONLY, "-select_streams", "v:0", *interval),
            *("-show_entries", "packet=pts_time,dts_time,flags", "-of", "csv=p=0", str(path)),
        ],
        timeout=60,
    )
    packets = []
    for line in output.splitlines():
        fields = line.split(",")
        try:
            pts = float(fields[0])
            dts = float(fields[1]) if fields[1] not in ("", "N/A") else pts
            packets.append((pts, dts, "K" in fields[2]))
        except ValueError, IndexError:
            continue
    if not packets:
        raise ExportError(f"{path.name} holds no video")
    return packets


def clean_outpoint(packets: list[tuple[float, float, bool]], end: float) -> float:
    """Where to stop reading (a decode time) so the clip ends on whole frames, with no B-frame missing.

    Reading stops at a decode time: stopping at the decode time of the first reference frame shown at
    or after `end` keeps every frame shown before it, and nothing shown after it.
    """
    shown = float("-inf")
    for pts, dts, _key in packets:
        if pts > shown:
            if pts >= end:
                return dts
            shown = pts
    return end


def orphaned_tail(packets: list[tuple[float, float, bool]]) -> int:
    """How many video packets (decode order) to drop from the end of a clip so that no frame is missing.

    The concat demuxer ends a file when any stream reaches its out point; the audio stored ahead of the
    video in a fragment can get there first and leave a reference frame whose B-frames were never read,
    shown after a hole. That frame goes, with what came after it (B-frames cannot be shown without it).
    """
    drop = 0
    while len(packets) - drop > 2:
        kept = packets[: len(packets) - drop]
        shown = sorted(pts for pts, _, _ in kept)
        step = statistics.median(b - a for a, b in pairwise(shown[-16:]))
        if shown[-1] - shown[-2] <= 1.5 * step:
            break
        drop = len(packets) - max(range(len(kept)), key=lambda i: kept[i][0])
    return drop


def trim_orphaned_tail(ffmpeg: str, ffprobe: str, target: Path, duration: float) -> None:
    """Drop a reference frame left without its B-frames at the clip's end (see `orphaned_tail`)."""
    packets = _video_packets(ffprobe, target, since=max(0.0, duration - 1))
    if not (drop := orphaned_tail(packets)):
        return
    count = _run(
        [
            *(ffprobe, "-v", "error", *FILES_ONLY, "-select_streams", "v:0", "-count_packets"),
            *("-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(target)),
        ],
        timeout=60,
    )
    trimmed = target.with_suffix(".trim.mp4")
    _run(
        [
            *(ffmpeg, "-nostdin", "-v", "error", "-y", *FILES_ONLY, "-i", str(target), "-map", "0"),
            *(
                "-map_metadata",
                "-1",
                "-c",
                "copy",
                "-frames:v",
                str(int(count.strip()) - drop),
                "-movflags",
                "+faststart",
            ),
            str(trimmed),
        ]
    )
    trimmed.replace(target)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


@dataclass(frozen=True, slots=True)
class Cut:
    """Where one camera's clip really starts and ends (UTC µs) and the command that makes it."""

    start_us: int
    end_us: int
    concat: str


def settled_starts(segments: list[Segment]) -> list[int]:
    """Each segment's start, taken back from the segment after it when the two are back to back.

    The recorder learns the wall-clock time of a recording's first packet better with every segment,
    so an early segment may be indexed a little late and overlap the next one. Footage recorded back to
    back is contiguous in media time, so the later (better) start minus the duration gives the start.
    """
    starts = [s.start_us for s in segments]
    for i in range(len(segments) - 2, -1, -1):
        here, after = segments[i], segments[i + 1]
        if after.start_us - here.end_us < GAP_US:
            starts[i] = starts[i + 1] - (here.end_us - here.start_us)
    return starts


def plan_cut(order: Order, footage: CameraFootage) -> Cut:
    """Start on the keyframe at or before the window's start; end at the window's end (exclusive)."""
    starts = settled_starts(footage.segments)
    chosen = [
        (segment, start)
        for segment, start in zip(footage.segments, starts, strict=True)
        if start + segment.end_us - segment.start_us > order.start_us and start < order.end_us
    ] or [(footage.segments[0], starts[0])]
    (first, first_start), (last, last_start) = chosen[0], chosen[-1]
    last_end = last_start + last.end_us - last.start_us
    probed: dict[int, list[tuple[float, float, bool]]] = {}

    def packets(segment: Segment) -> list[tuple[float, float, bool]]:
        if segment.id not in probed:
            probed[segment.id] = _video_packets(order.ffprobe, order.storage / segment.path)
        return probed[segment.id]

    lines = ["ffconcat version 1.0"]
    start_us = first_start
    for segment, _start in chosen:
        # Every file is read from an explicit in point: audio may start a little before the video's first
        # keyframe (B-frames), and an in point makes the file's place in the clip start at that keyframe,
        # so the next file's video follows on exactly.
        inpoint = 0.0
        if segment is first and order.start_us > first_start:
            # A segment's time 0 is its indexed start (the video may begin later, after a reconnect).
            offset = (order.start_us - first_start) / 1_000_000
            keyframes = [pts for pts, _, key in packets(first) if key]
            inpoint = max((pts for pts in keyframes if pts <= offset), default=min(keyframes, default=0.0))
            start_us = first_start + round(inpoint * 1_000_000)
        lines.append(f"file {_quote(order.storage / segment.path)}")
        lines.append(f"inpoint {inpoint:.6f}")
        if segment.time_source in EXACT_SPANS:
            # From keyframe to keyframe, as ffmpeg reported it; the audio may run on a little and the
            # next file's audio starts where it ends, so the next video follows on exactly.
            lines.append(f"duration {(segment.end_us - segment.start_us) / 1_000_000 - inpoint:.6f}")
        if segment is last and order.end_us < last_end:
            end = (order.end_us - last_start) / 1_000_000
            lines.append(f"outpoint {clean_outpoint(packets(last), end):.6f}")
    return Cut(start_us, min(order.end_us, last_end), "\n".join(lines) + "\n")


def _packet_rate(ffprobe: str, path: Path) -> float:
    """Packets per second (all streams) of a segment."""
    output = _run(
        [
            ffprobe,
            "-v",
            "error",
            *FILES_ONLY,
            "-show_entries",
            "packet=pts_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        timeout=60,
    )
    return len(output.splitlines()) / max(_duration(ffprobe, path), 1.0)


def _duration(ffprobe: str, path: Path) -> float:
    output = _run(
        [
            ffprobe,
            "-v",
            "error",
            *FILES_ONLY,
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
            str(path),
        ],
        timeout=60,
    )
    try:
        return float(output.strip())
    except ValueError as err:
        raise ExportError(f"{path.name} has no duration") from err


def cut(order: Order, footage: CameraFootage, target: Path) -> dict[str, Any]:
    """Write one camera's clip by stream copy; return what the manifest says of it."""
    plan = plan_cut(order, footage)
    listing = target.with_suffix(".ffconcat")
    write_private(listing, plan.concat)
    audio = ["-map", "0:a:0?"] if order.include_audio else []
    command = [
        # -xerror: a damaged source segment fails the build instead of being skipped silently.
        *(
            order.ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-xerror",
            "-y",
            *FILES_ONLY,
            "-f",
            "concat",
            "-safe",
            "0",
        ),
        *("-i", str(listing), "-map", "0:v:0", *audio, "-c", "copy", "-map_metadata", "-1", "-f", "mp4"),
    ]
    # The index (moov) goes first, for playback while downloading. Space reserved for it up front saves
    # the second pass of `-movflags +faststart` over the whole file; that pass remains the fallback.
    seconds = (plan.end_us - plan.start_us) / 1_000_000 + SEGMENT_SLACK_S
    rate = _packet_rate(order.ffprobe, order.storage / footage.segments[0].path)
    try:
        _run([*command, "-moov_size", str(MOOV_BASE + int(MOOV_PER_PACKET * rate * seconds)), str(target)])
    except ExportError:
        _run([*command, "-movflags", "+faststart", str(target)])
    listing.unlink()
    trim_orphaned_tail(order.ffmpeg, order.ffprobe, target, _duration(order.ffprobe, target))
    duration = _duration(order.ffprobe, target)
    gaps = [
        {"from": iso(a.end_us), "to": iso(b.start_us)}
        for a, b in zip(footage.segments, footage.segments[1:], strict=False)
        if b.start_us - a.end_us > GAP_US
    ]
    return {
        "camera": footage.name,
        **clock_of(footage.segments),
        "start": iso(plan.start_us),
        "end": iso(plan.start_us + round(duration * 1_000_000)),
        "duration_s": round(duration, 3),
        "starts_before_window_s": round(max(0, order.start_us - plan.start_us) / 1_000_000, 3),
        "audio": order.include_audio,
        "gaps": gaps,
    }


def _capture(proof: Proof | None) -> dict[str, Any] | None:
    """Where a source's capture-time hash sits in the audit chain (None: not sealed)."""
    if proof is None:
        return None
    return {
        "seal": proof.seq,
        "sha256": proof.sha256,
        "leaf_index": proof.index,
        "tree_size": proof.size,
        "path": proof.path,
    }


# Segments as the recorder process reported them: their span is exactly keyframe to keyframe.
EXACT_SPANS: Final = frozenset({"rtcp", "arrival"})
TIME_SOURCES: Final = {
    "rtcp": "the camera's own clock, mapped to UTC by its RTCP sender reports",
    "arrival": "the camera's own clock, anchored to UTC at the arrival of its first packet",
    "file_name": "the time the recorder opened the file (recording cut short)",
    "wallclock": "the arrival time of every packet (recorded by an earlier version)",
}


def clock_of(segments: list[Segment]) -> dict[str, Any]:
    """How the clip's times were mapped to UTC, and the camera clock's offset from true time."""
    sources = sorted({s.time_source or "unknown" for s in segments})
    offsets = [s.clock_offset_us for s in segments if s.clock_offset_us is not None]
    return {
        "time_source": sources[0] if len(sources) == 1 else "+".join(sources),
        "camera_clock_offset_ms": round(statistics.median(offsets) / 1000, 1) if offsets else None,
    }


def _source_hashes(order: Order) -> list[list[dict[str, Any]]]:
    return [
        [
            {
                "file": Path(s.path).name,
                "start": iso(s.start_us),
                "end": iso(s.end_us),
                "bytes": s.bytes,
                "time_source": s.time_source,
                "camera_clock_offset_ms": None if s.clock_offset_us is None else s.clock_offset_us / 1000,
                "sha256": sha256_file(order.storage / s.path),
                "capture": _capture(order.proofs.get(s.id)),
            }
            for s in footage.segments
        ]
        for footage in order.cameras
    ]


# Writing the package ----------------------------------------------------------------------------


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


def build(order: Order, key: Ed25519PrivateKey, progress: Callable[[str], None]) -> Package:
    """Build the package under `<storage>/shares/<request_id>/` (blocking); ExportError on failure."""
    started = datetime.now(UTC)
    shares = order.storage / SHARES_FOLDER
    shares.mkdir(mode=0o700, exist_ok=True)
    building = shares / f".building-{order.request_id}"
    final = shares / order.request_id
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(mode=0o700)
    try:
        package = _build(order, key, progress, building, started)
        if final.exists():
            shutil.rmtree(final)
        building.rename(final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    package.seconds = (datetime.now(UTC) - started).total_seconds()
    return package


def _build(
    order: Order,
    key: Ed25519PrivateKey,
    progress: Callable[[str], None],
    building: Path,
    started: datetime,
) -> Package:
    exported = started.isoformat()
    # The sources are hashed on a second thread while ffmpeg cuts (both mostly wait on the disk).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="doorbell_vault_hash") as pool:
        sources = pool.submit(_source_hashes, order)
        taken: set[str] = set()
        clips: list[tuple[str, Path, dict[str, Any]]] = []
        for number, footage in enumerate(order.cameras, 1):
            progress(f"cutting {footage.name} ({number}/{len(order.cameras)})")
            name = f"{slug(footage.name, taken)}.mp4"
            target = building / name
            clips.append((name, target, cut(order, footage, target)))
        progress("hashing")
        source_hashes = sources.result()
    files: list[dict[str, Any]] = []
    for (name, target, described), segments in zip(clips, source_hashes, strict=True):
        size = target.stat().st_size
        digest = sha256_file(target)
        files.append({"name": name, **described, "bytes": size, "sha256": digest, "sources": segments})
    progress("signing")
    custody = custody_text(order, files, exported).encode()
    custody_sha = hashlib.sha256(custody).hexdigest()
    verifier = Path(verify_package.__file__).read_bytes()
    verifier_sha = hashlib.sha256(verifier).hexdigest()
    page = (Path(__file__).parent / VERIFY_PAGE).read_bytes()
    page_sha = hashlib.sha256(page).hexdigest()
    sums = (
        "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
        + f"{custody_sha}  {CUSTODY}\n{verifier_sha}  {VERIFIER}\n{page_sha}  {VERIFY_PAGE}\n"
    ).encode()
    pem = public_key_pem(key)
    manifest = {
        "format": FORMAT,
        "request": {"id": order.request_id, **order.request},
        "window": {"start": iso(order.start_us), "end": iso(order.end_us)},
        "decision": order.decision,
        "include_audio": order.include_audio,
        "terms": order.terms,
        "files": files,
        "other_files": {
            CUSTODY: custody_sha,
            SUMS: hashlib.sha256(sums).hexdigest(),
            PUBLIC_KEY: hashlib.sha256(pem).hexdigest(),
            VERIFIER: verifier_sha,
            VERIFY_PAGE: page_sha,
        },
        "audit_head": order.audit_head,
        # The audit entries that sealed the sources' capture-time hashes (recipients recompute them).
        "seals": {str(seq): entry for seq, entry in sorted(order.seals.items())},
        "software": order.software,
        "exported_at": exported,
        "signature": {
            "algorithm": "Ed25519",
            "public_key": public_key_text(key),
            "fingerprint": order.key_fingerprint,
            "file": SIGNATURE,
            "signs": "the exact bytes of manifest.json",
        },
    }
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    for name, data in (
        (CUSTODY, custody),
        (SUMS, sums),
        (PUBLIC_KEY, pem),
        (VERIFIER, verifier),
        (VERIFY_PAGE, page),
        (MANIFEST, manifest_bytes),
        (SIGNATURE, key.sign(manifest_bytes)),
    ):
        write_private(building / name, data)
    return Package(
        folder=f"{SHARES_FOLDER}/{order.request_id}",
        package_bytes=sum(p.stat().st_size for p in building.iterdir()),
        files=[{k: f[k] for k in ("name", "sha256", "bytes", "camera", "start", "end")} for f in files],
        manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
    )


def add_timestamp(storage: Path, folder: str, reply: bytes) -> None:
    """Put the authority's timestamp of manifest.json into a built package (blocking)."""
    write_private(storage / folder / TIMESTAMP, reply)


def remove(storage: Path, request_id: str) -> bool:
    """Delete a package's files (the index and the audit log keep the hashes); True if there were any."""
    folder = storage / SHARES_FOLDER / request_id
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


def sweep(storage: Path, live: set[str]) -> list[str]:
    """Delete half-built packages (a crash during a build) and packages of ended shares (blocking)."""
    shares = storage / SHARES_FOLDER
    removed = []
    if shares.is_dir():
        for folder in shares.iterdir():
            if folder.is_dir() and folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
    return removed


def members(manifest: dict[str, Any]) -> list[str]:
    """The files of a package, in the order the zip lists them."""
    return [*(f["name"] for f in manifest["files"]), *manifest["other_files"], MANIFEST, SIGNATURE]


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream handing each piece to `deliver` (zipfile adapts to it)."""

    def __init__(self, deliver: Callable[[bytes], None]) -> None:
        super().__init__()
        self._deliver = deliver

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if chunk:
            self._deliver(chunk)
        return len(chunk)


def write_zip(folder: Path, manifest: dict[str, Any], deliver: Callable[[bytes], None]) -> None:
    """Stream the package as a zip (blocking): stored, not compressed; video does not compress.

    Zipped on the way out rather than kept zipped, so building a package writes the video once.
    """
    when = datetime.fromisoformat(manifest["exported_at"]).timetuple()[:6]
    stamped = [TIMESTAMP] if (folder / TIMESTAMP).is_file() else []
    with zipfile.ZipFile(_Sink(deliver), "w", allowZip64=True) as archive:
        for name in [*members(manifest), *stamped]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED
            with (folder / name).open("rb") as file, archive.open(info, "w", force_zip64=True) as member:
                while chunk := file.read(CHUNK):
                    member.write(chunk)


# Checking a package (what a recipient does; the tests do it too) ---------------------------------


def package_problems(folder: Path, fingerprint: str | None = None) -> list[str]:
    """Problems with an unzipped package; empty when the signature, every hash and the pin hold."""
    return verify_package.verify(folder, fingerprint)[0]
