#!/usr/bin/env python3
"""Check a Doorbell Vault evidence package without Home Assistant and without trusting the household.

Usage: python3 verify_package.py PACKAGE [--fingerprint FINGERPRINT] [--c2pa]

PACKAGE is the downloaded zip or the folder it was unzipped into. A package holds plain files at its top
level only, each once, each listed in the signed manifest (beside the manifest, its signature and its
timestamp): a duplicate entry, a file the manifest does not list, a nested path, a symlink or a clip whose
size differs from the manifest fails, and a zip is checked before anything is extracted.

FINGERPRINT is the installation key's fingerprint the household gave you once, in advance (64 hex
digits, spaces and colons ignored, or its words). Without it the key inside the package vouches for
itself ("self-asserted key"): whoever altered the package could have re-signed it. Exit status 0 only
when the layout, the signature, every hash and (when given) the pinned fingerprint hold.

A redacted clip (re-encoded with parts of the picture hidden) is checked against provenance.json, signed
with the same key: the record must name the very file the manifest lists and, as what it was made from,
the manifest's sealed source segments. --c2pa also reads each redacted clip's C2PA manifest with
c2pa-python (when installed), the household's CA in c2pa_ca.pem as the trust anchor.

Needs only Python 3.9+ (keep this file free of newer syntax) and either the `cryptography` package or
the `openssl` command. This file is shipped inside every package, and is part of the integration
(`evidence/verify_package.py`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "public_key.pem"
# DER prefix of an Ed25519 SubjectPublicKeyInfo: the raw 32-byte key follows.
ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")
CHUNK = 1 << 20
TIMESTAMP = "manifest.json.tsr"
# DER of AlgorithmIdentifier { id-sha256, NULL }: a timestamp's message imprint starts with it.
SHA256_ALGORITHM = bytes.fromhex("300d06096086480165030402010500")
# The files a package holds beside those its manifest lists (the signature and timestamp cannot be listed).
BESIDE_MANIFEST = (MANIFEST, SIGNATURE, TIMESTAMP)
PROVENANCE, PROVENANCE_SIG, C2PA_CA = "provenance.json", "provenance.json.sig", "c2pa_ca.pem"
PROVENANCE_FORMAT = "doorbell-vault-provenance/1"
SOURCE_KEYS = ("file", "start", "end", "bytes", "sha256", "capture")
# File type bits of a Unix mode (a zip entry keeps it in the high half of its external attributes).
S_IFMT, S_IFLNK = 0o170000, 0o120000

# 256 short, distinct English words: byte n of the fingerprint reads as WORDS[n].
_WORD_TEXT = (
    "acid acorn actor adult agent alarm album alley amber angle ankle apple apron arena armor arrow "
    "atlas attic audio autumn avenue award bacon badge bagel baker balloon bamboo banana banjo "
    "barrel basket beach beacon beaver bench berry bicycle bishop blanket blossom border bottle "
    "bracket breeze bridge broom bucket buffalo butter cabin cactus camel candle canyon carpet "
    "castle cattle cedar cellar cement chalk channel cherry chimney circle citrus clover cobalt "
    "coconut collar comet copper coral cotton cradle crater cricket crystal curtain dagger dancer "
    "dentist desert diamond dinner dolphin domino donkey dragon drawer eagle easel echo eclipse "
    "elbow ember engine falcon feather fender ferry fiddle finch fjord flannel flute forest fossil "
    "frost garden garlic gazelle ginger glacier goblet gopher granite gravel guitar hammer harbor "
    "harvest hazel helmet heron honey hornet iceberg igloo indigo island ivory jacket jaguar jelly "
    "jigsaw jungle kayak kernel kettle kitten koala ladder lagoon lantern lava lemon lilac linen "
    "lizard lobster locket magnet mango maple marble meadow melon meteor mirror mitten monsoon "
    "mosaic muffin mustard napkin nectar needle nickel nutmeg oasis ocean olive onion orbit orchid "
    "otter oyster paddle palace panther papaya parcel parrot peach pebble pelican pepper piano "
    "pickle pigeon pillow pilot pine planet plaza pocket poppy potato prairie pretzel pumpkin puzzle "
    "quartz quiver rabbit radish raven ribbon river robin rocket saddle salmon sandal satin scarf "
    "shovel silver sketch sleigh sparrow spider sponge spruce statue summit sunset swan tablet tango "
    "teapot temple thunder tiger timber tomato tractor tulip tunnel turtle valley velvet violin "
    "volcano wafer walnut walrus wheat willow window winter yogurt zebra zephyr"
)
WORDS = tuple(_WORD_TEXT.split())
if len(set(WORDS)) != 256:  # a broken list must never ship
    raise ImportError("the fingerprint word list must hold 256 distinct words")


def fingerprint(raw_key: bytes) -> str:
    """The key's fingerprint: SHA-256 of the raw 32-byte public key, hex in groups of four."""
    digest = hashlib.sha256(raw_key).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4))


def fingerprint_words(raw_key: bytes) -> str:
    """The first 16 bytes (128 bits) of the fingerprint as words, easier to read over the phone."""
    return " ".join(WORDS[b] for b in hashlib.sha256(raw_key).digest()[:16])


def _normalise(pinned: str) -> str:
    """Hex digits of a pinned fingerprint, or the prefix a word fingerprint stands for."""
    words = pinned.lower().split()
    if words and all(w in WORDS for w in words):
        return "".join(f"{WORDS.index(w):02x}" for w in words)
    return "".join(c for c in pinned.lower() if c in "0123456789abcdef")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _signature_holds(raw_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return _openssl_verify(raw_key, signature, message)
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, message)
    except InvalidSignature:
        return False
    except ValueError:
        return False
    return True


def _openssl_verify(raw_key: bytes, signature: bytes, message: bytes) -> bool:
    pem = (
        b"-----BEGIN PUBLIC KEY-----\n"
        + base64.b64encode(ED25519_SPKI + raw_key)
        + b"\n-----END PUBLIC KEY-----\n"
    )
    with tempfile.TemporaryDirectory() as scratch:
        files = {"key.pem": pem, "sig": signature, "msg": message}
        for name, data in files.items():
            (Path(scratch) / name).write_bytes(data)
        result = subprocess.run(
            [
                *("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin"),
                *("-in", "msg", "-sigfile", "sig"),
            ],
            cwd=scratch,
            capture_output=True,
            check=False,
        )
    return result.returncode == 0


def _entry_hash(entry: dict[str, Any]) -> str:
    """An audit entry's hash as the household's audit chain computes it (store/audit.py)."""
    canonical = json.dumps(
        [entry["seq"], entry["at_us"], entry["kind"], entry["ref"], entry["data"]],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{entry['prev']}\n{canonical}".encode()).hexdigest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def in_tree(leaf: bytes, index: int, size: int, path: list[str], root: bytes) -> bool:
    """Whether `path` proves `leaf` at `index` in a tree of `size` with head `root` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    node, at, last = hashlib.sha256(b"\x00" + leaf).digest(), index, size - 1
    for sibling in (bytes.fromhex(p) for p in path):
        if last == 0:
            return False
        if at & 1 or at == last:
            node = _node(sibling, node)
            while not at & 1 and at != 0:
                at, last = at >> 1, last >> 1
        else:
            node = _node(node, sibling)
        at, last = at >> 1, last >> 1
    return last == 0 and node == root


def verify_manifest_proofs(manifest: dict[str, Any]) -> list[str]:
    """The capture-time problems of a manifest alone (no files needed)."""
    return _capture_proofs(manifest)[0]


def _capture_proofs(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Check that every source segment was hashed when it was recorded (sealed in the audit chain)."""
    problems, notes, seals = [], [], {}
    for key, entry in manifest.get("seals", {}).items():
        try:
            sealed = json.loads(entry["data"])
            if _entry_hash(entry) != entry["hash"] or str(entry["seq"]) != key:
                problems.append(f"audit entry {key} (a capture-time seal) was altered")
                continue
            seals[key] = (bytes.fromhex(sealed["root"]), int(entry["at_us"]))
        except (KeyError, TypeError, ValueError) as err:
            problems.append(f"audit entry {key} (a capture-time seal) cannot be read: {err}")
    unsealed, latest = 0, 0
    for clip in manifest.get("files", []):
        for source in clip.get("sources", []):
            capture = source.get("capture")
            if not capture:
                unsealed += 1
                continue
            seal = seals.get(str(capture.get("seal")))
            try:
                holds = seal is not None and in_tree(
                    bytes.fromhex(source["sha256"]),
                    int(capture["leaf_index"]),
                    int(capture["tree_size"]),
                    capture["path"],
                    seal[0],
                )
            except (KeyError, TypeError, ValueError) as err:  # `as` keeps the parentheses older Pythons need
                del err
                holds = False
            if not holds:
                problems.append(
                    f"source segment {source.get('file')} of {clip.get('name')} is not what was recorded: "
                    "its capture-time proof fails"
                )
            elif seal is not None:
                latest = max(latest, seal[1])
    if unsealed:
        notes.append(
            f"{unsealed} source segment(s) carry no capture-time proof (recorded before proofs existed)"
        )
    if latest:
        received = manifest.get("request", {}).get("received", "")
        notes.append(
            f"source segments were sealed in the household's audit chain by "
            f"{_iso(latest)} (request received {received})"
        )
    return problems, notes


def _iso(us: int) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(us / 1_000_000, datetime.timezone.utc).isoformat()  # noqa: UP017 - runs on a recipient's Python 3.9


def _pem_key(pem: bytes) -> bytes | None:
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    try:
        der = base64.b64decode(body, validate=True)
    except ValueError:
        return None
    return der[len(ED25519_SPKI) :] if der.startswith(ED25519_SPKI) and len(der) == 44 else None


def folder_entries(folder: Path) -> list[tuple[str, str, int]]:
    """(path inside the folder, kind, bytes) of everything in an unpacked package, subfolders too.

    Kind is "file", "symlink" (never followed), "folder" (an empty one; a folder's files stand for it)
    or "other" (a device, a pipe).
    """
    entries, pending = [], [(folder, "")]
    while pending:
        here, prefix = pending.pop()
        for path in sorted(here.iterdir()):
            name = prefix + path.name
            if path.is_symlink():
                entries.append((name, "symlink", 0))
            elif path.is_dir():
                if not any(path.iterdir()):
                    entries.append((name + "/", "folder", 0))
                pending.append((path, name + "/"))
            elif path.is_file():
                entries.append((name, "file", path.stat().st_size))
            else:
                entries.append((name, "other", 0))
    return entries


def zip_entries(archive: zipfile.ZipFile) -> list[tuple[str, str, int]]:
    """(name as stored, kind, bytes) of every entry of a zip, in the order it lists them."""
    entries = []
    for info in archive.infolist():
        mode = info.external_attr >> 16
        kind = "symlink" if mode & S_IFMT == S_IFLNK else "folder" if info.is_dir() else "file"
        # orig_filename: the name before zipfile cut it at a NUL byte (unzip may read it otherwise).
        entries.append((info.orig_filename, kind, info.file_size))
    return entries


def layout_problems(entries: list[tuple[str, str, int]], manifest: Any) -> list[str]:
    """What is wrong with a package's entries (empty when nothing is).

    Each must be a plain file at the top level, there once, listed in the manifest (or beside it) and, for
    a clip, of the size the manifest gives. Names come from outside the signature, so they are shown
    with repr (no terminal escape, no newline).
    """
    try:
        listed: dict[str, Any] = dict.fromkeys(manifest["other_files"])
        listed.update({f["name"]: f.get("bytes") for f in manifest["files"]})
    except (KeyError, TypeError, AttributeError) as err:  # reported with the hashes; only the layout here
        del err
        listed = {}
    problems, seen = [], set()
    for name, kind, size in entries:
        if name in seen:
            problems.append(f"duplicate entry {name!r}: a tool may take either copy")
            continue
        seen.add(name)
        if kind == "symlink":
            problems.append(f"symlink {name!r}: a package holds only plain files")
        elif kind == "folder" or "/" in name or "\\" in name:
            problems.append(f"nested path {name!r}: a package holds its files at the top level only")
        elif kind != "file":
            problems.append(f"{name!r} is not a plain file")
        elif listed and name not in listed and name not in BESIDE_MANIFEST:
            problems.append(f"{name!r} is not listed in the manifest")
        elif isinstance(listed.get(name), int) and size != listed[name]:
            problems.append(f"{name!r}: size differs: {size} bytes here, {listed[name]} in the manifest")
    return problems


def verify_zip(path: Path, pinned: str | None = None, c2pa: bool = False) -> tuple[list[str], list[str]]:
    """(problems, notes) for a package zip; its entries are checked before anything is extracted."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                manifest = json.loads(archive.read(MANIFEST))
            except (KeyError, ValueError) as err:  # named by `verify` below, once the layout holds
                del err
                manifest = None
            problems = layout_problems(zip_entries(archive), manifest)
            problems += [
                f"{info.orig_filename!r}: size differs: {info.compress_size} bytes stored, "
                f"{info.file_size} in the zip's directory"
                for info in archive.infolist()
                if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size
            ]
            if problems:
                return problems, []
            with tempfile.TemporaryDirectory() as scratch:
                archive.extractall(scratch)
                return verify(Path(scratch), pinned, c2pa)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError) as err:
        return [f"{path.name} cannot be read as a zip: {err}"], []


def verify(folder: Path, pinned: str | None = None, c2pa: bool = False) -> tuple[list[str], list[str]]:
    """(problems, notes) for an unzipped package; no problems means everything checked holds."""
    try:
        return _verify(folder, pinned, c2pa)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as err:  # a malformed manifest
        return [f"manifest.json is malformed: {err!r}"], []


def _verify(folder: Path, pinned: str | None, c2pa: bool) -> tuple[list[str], list[str]]:
    try:
        manifest_bytes = (folder / MANIFEST).read_bytes()
        manifest = json.loads(manifest_bytes)
        raw_key = base64.b64decode(manifest["signature"]["public_key"], validate=True)
        signature = (folder / SIGNATURE).read_bytes()
    except (OSError, ValueError, KeyError, TypeError) as err:
        return [f"manifest.json or its signature cannot be read: {err}"], []
    if len(raw_key) != 32 or not _signature_holds(raw_key, signature, manifest_bytes):
        return ["the signature does not match manifest.json"], []
    problems, notes = layout_problems(folder_entries(folder), manifest), []
    key_print = fingerprint(raw_key)
    if pinned:
        wanted = _normalise(pinned)
        if len(wanted) < 32 or not key_print.replace(" ", "").startswith(wanted):
            problems.append(
                f"signed by key {key_print}, not by the key you pinned: the package may have been re-signed"
            )
        else:
            notes.append(f"signed by the pinned key {key_print}")
    else:
        notes.append(
            f"self-asserted key: the package vouches for itself. Compare its fingerprint {key_print} "
            f"({fingerprint_words(raw_key)}) with the one the household gave you, or pass --fingerprint"
        )
    if (folder / PUBLIC_KEY).is_file() and _pem_key((folder / PUBLIC_KEY).read_bytes()) != raw_key:
        problems.append(f"{PUBLIC_KEY} holds another key than the manifest")
    try:
        expected = {f["name"]: f["sha256"] for f in manifest["files"]} | dict(manifest["other_files"])
    except (KeyError, TypeError) as err:  # `as` keeps the parentheses older Pythons need
        del err
        return [*problems, "manifest.json does not list the package's files"], notes
    problems += [
        f"{name} does not match the manifest"
        for name, digest in expected.items()
        if "/" in name or not (folder / name).is_file() or _sha256(folder / name) != digest
    ]
    captured, captured_notes = _capture_proofs(manifest)
    stamp = folder / TIMESTAMP
    if stamp.is_file():
        imprint = SHA256_ALGORITHM + b"\x04\x20" + hashlib.sha256(manifest_bytes).digest()
        if imprint in stamp.read_bytes():
            notes.append(
                f"{TIMESTAMP} stamps this manifest; check the authority's signature with `openssl ts -verify "
                f"-data manifest.json -in {TIMESTAMP} -CAfile <the authority's CA certificate>`"
            )
        else:
            problems.append(f"{TIMESTAMP} does not stamp this manifest.json")
    redacted, redacted_notes = provenance_problems(folder, manifest, raw_key)
    checked = c2pa and not redacted and (folder / PROVENANCE).is_file()
    read, read_notes = c2pa_problems(folder) if checked else ([], [])
    return problems + captured + redacted + read, notes + captured_notes + redacted_notes + read_notes


def derived_from(sources: list[Any]) -> list[dict[str, Any]]:
    """What provenance.json names as a redacted clip's originals: these keys of the manifest's sources."""
    return [{k: s.get(k) for k in SOURCE_KEYS} for s in sources]


def provenance_problems(folder: Path, manifest: Any, raw_key: bytes) -> tuple[list[str], list[str]]:
    """(problems, notes) of the redacted clips: provenance.json signed, naming each clip and its sources."""
    try:
        redacted = {f["name"]: f for f in manifest["files"] if f.get("redacted")}
        listed = PROVENANCE in manifest["other_files"] and PROVENANCE_SIG in manifest["other_files"]
    except (KeyError, TypeError, AttributeError) as err:  # `as` keeps the parentheses older Pythons need
        del err
        return [], []  # named with the hashes
    if not redacted and not listed:
        return [], []
    if not listed:
        return [f"the manifest has redacted clips but does not list {PROVENANCE} and {PROVENANCE_SIG}"], []
    try:
        body = (folder / PROVENANCE).read_bytes()
        holds = _signature_holds(raw_key, (folder / PROVENANCE_SIG).read_bytes(), body)
    except OSError as err:
        return [f"{PROVENANCE} or its signature cannot be read: {err}"], []
    if not holds:
        return [f"{PROVENANCE_SIG} does not match {PROVENANCE}"], []
    problems, notes = [], []
    try:
        record = json.loads(body)
        if record["format"] != PROVENANCE_FORMAT:
            problems.append(f"{PROVENANCE} is of an unknown format {record['format']!r}")
        clips = {c["file"]: c for c in record["clips"]}
        for name in sorted(set(redacted) ^ set(clips)):
            problems.append(
                f"{name!r} is redacted in one of manifest.json and {PROVENANCE} but not the other"
            )
        for name in sorted(set(redacted) & set(clips)):
            clip, listed_clip = clips[name], redacted[name]
            sources = derived_from(listed_clip["sources"])
            if (clip["sha256"], clip["bytes"]) != (listed_clip["sha256"], listed_clip["bytes"]):
                problems.append(f"{name}: {PROVENANCE} names another file than manifest.json")
            elif clip["derived_from"] != sources:
                problems.append(f"{name}: {PROVENANCE} names other originals than the manifest's sources")
            else:
                ops = clip["operations"]
                sealed = "sealed originals" if all(s["capture"] for s in sources) else "originals"
                notes.append(
                    f"{name}: redacted from {sealed} {', '.join(s['file'] for s in sources)}, "
                    f"{len(ops['regions']) + len(ops['boxes'])} regions, "
                    f"by {ops['detector']['name'] if ops.get('detector') else 'masks only'}"
                )
                if clip["c2pa"].get("embedded"):
                    notes.append(
                        f"{name} carries a C2PA manifest: --c2pa reads it, {C2PA_CA} the trust anchor"
                    )
    except (KeyError, TypeError, AttributeError, ValueError) as err:  # `as`: parentheses for older Pythons
        problems.append(f"{PROVENANCE} cannot be read: {err!r}")
    return problems, notes


def c2pa_problems(folder: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) of the redacted clips' C2PA manifests, read with c2pa-python if it is installed."""
    try:
        import c2pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

        record = json.loads((folder / PROVENANCE).read_bytes())
    except (ImportError, OSError) as err:
        return [], [f"C2PA not checked: {err}"]
    context = None
    if (folder / C2PA_CA).is_file():
        trust = {"trust_anchors": (folder / C2PA_CA).read_text()}
        try:
            settings = c2pa.Settings.from_dict({"verify": {"verify_trust": True}, "trust": trust})
            context = c2pa.Context(settings=settings)
        except (AttributeError, c2pa.C2paError) as err:  # an older c2pa-python: no per-reader trust
            return [], [f"C2PA not checked: this c2pa-python cannot take {C2PA_CA} as a trust anchor ({err})"]
    problems, notes = [], []
    for clip in record.get("clips", []):
        if not clip.get("c2pa", {}).get("embedded"):
            notes.append(f"{clip['file']}: no C2PA manifest ({clip.get('c2pa', {}).get('reason')})")
            continue
        try:
            with c2pa.Reader(str(folder / clip["file"]), context=context) as reader:
                state = reader.get_validation_state()
                failures = (
                    (reader.get_validation_results() or {}).get("activeManifest", {}).get("failure", [])
                )
        except c2pa.C2paError as err:
            problems.append(f"{clip['file']}: its C2PA manifest cannot be read: {err}")
            continue
        if state in ("Valid", "Trusted") and not failures:
            notes.append(
                f"{clip['file']}: C2PA manifest {state}" + (f" (trust anchor {C2PA_CA})" if context else "")
            )
        else:
            codes = ", ".join(sorted({f.get("code", "?") for f in failures}))
            problems.append(f"{clip['file']}: C2PA manifest {state}: {codes}")
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    """Command line: prints what was checked; exit status 0 only when everything holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the zip, or the folder it was unzipped into")
    parser.add_argument("--fingerprint", help="the key fingerprint the household gave you (hex or words)")
    parser.add_argument("--c2pa", action="store_true", help="also read redacted clips' C2PA manifests")
    args = parser.parse_args(argv)
    if args.package.is_file():
        problems, notes = verify_zip(args.package, args.fingerprint, args.c2pa)
    else:
        problems, notes = verify(args.package, args.fingerprint, args.c2pa)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("OK: the signature and every hash hold")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
