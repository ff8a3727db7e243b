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

A camera whose footage comes with a redaction Plan gets a redacted clip instead (provenance.py): the
window re-encoded with parts of the picture hidden, never its originals; `provenance.json` and its
signature then say what it was made from and what was done, and `c2pa_ca.pem` (c2pa_manifest.py) is the
trust anchor of the C2PA manifest inside the clip, where c2pa-python installs.

The steps live beside it: the signing key (signing.py), what the builder is asked (order.py), the cut
(clips.py), redacted clips and their record (provenance.py, c2pa_manifest.py) and the chain-of-custody
record (custody_record.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..clock import iso
from ..recording.segment_filing import sha256_file
from ..store.files import write_private
from ..store.seals import Proof
from . import verify_package
from .clips import cut
from .custody_record import custody_text
from .order import ExportError, Order
from .provenance import provenance_files, record_clips, redacted_clip
from .signing import public_key_pem, public_key_text

FORMAT: Final = "doorbell-vault-evidence/1"
SHARES_FOLDER: Final = "shares"
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
        # Redacted clips' provenance records, by file name (the originals are never in such a package).
        records: dict[str, dict[str, Any]] = {}
        for number, footage in enumerate(order.cameras, 1):
            if order.cancel.is_set():
                raise ExportError("the share was given up while its package was built")
            name = f"{slug(footage.name, taken)}.mp4"
            target = building / name
            if footage.plan is None:
                progress(f"cutting {footage.name} ({number}/{len(order.cameras)})")
                clips.append((name, target, cut(order, footage, target)))
            else:
                progress(f"redacting {footage.name} ({number}/{len(order.cameras)})")
                originals = partial(lambda n: sources.result()[n], number - 1)
                described, records[name] = redacted_clip(
                    order, footage, footage.plan, target, progress, originals
                )
                clips.append((name, target, described))
        progress("hashing")
        source_hashes = sources.result()
    files: list[dict[str, Any]] = []
    for (name, target, described), segments in zip(clips, source_hashes, strict=True):
        size = target.stat().st_size
        digest = sha256_file(target)
        files.append({"name": name, **described, "bytes": size, "sha256": digest, "sources": segments})
    progress("signing")
    # provenance.json, its signature and the household's C2PA CA, when the package holds a redacted clip.
    redacted = record_clips(files, records)
    beside = provenance_files(order, key, redacted)
    custody = custody_text(order, files, exported, redacted).encode()
    custody_sha = hashlib.sha256(custody).hexdigest()
    verifier = Path(verify_package.__file__).read_bytes()
    verifier_sha = hashlib.sha256(verifier).hexdigest()
    page = (Path(__file__).parent / VERIFY_PAGE).read_bytes()
    page_sha = hashlib.sha256(page).hexdigest()
    sums = (
        "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
        + f"{custody_sha}  {CUSTODY}\n{verifier_sha}  {VERIFIER}\n{page_sha}  {VERIFY_PAGE}\n"
        + "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in beside.items())
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
            **{name: hashlib.sha256(data).hexdigest() for name, data in beside.items()},
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
        *beside.items(),
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
