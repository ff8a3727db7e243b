"""Signed seal records beside the footage: `<footage folder>/seals/seal-<time>-<seq>.json`.

Each hourly capture-time seal is also written here: its root, its audit entry's hash, and every leaf with
the segment it came from (path, camera, times, size, SHA-256), signed with the installation's key. The
index can then be rebuilt from the footage folder alone — after a corrupt index, or a backup restored
onto footage recorded since — and a file a verified record lists, with the listed SHA-256, is the
household's own recording with its times; any other file stays foreign. The file is canonical JSON
(`record`, `signature` over the record's canonical bytes, `public_key`), checkable with any Ed25519 tool.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..merkle import Tree
from ..store import make_private_folder, write_private

_LOGGER = logging.getLogger(__name__)

FOLDER: Final = "seals"


@dataclass(frozen=True, slots=True)
class Leaf:
    """One segment a verified record lists."""

    path: str
    camera: str
    start_us: int
    end_us: int
    bytes: int
    sha256: str
    time_source: str | None
    clock_offset_us: int | None


@dataclass(frozen=True, slots=True)
class SealRecord:
    """A record whose signature and root hold."""

    file_name: str
    body: dict[str, Any]

    @property
    def leaves(self) -> list[Leaf]:
        """Its leaves, in tree order."""
        return [Leaf(**leaf) for leaf in self.body["leaves"]]


def canonical(body: dict[str, Any]) -> bytes:
    """The signed bytes of a record."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def file_name(seq: int, at_us: int) -> str:
    """`seal-20261206T071800Z-00000042.json`: sorted by time."""
    stamp = datetime.fromtimestamp(at_us / 1_000_000, UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"seal-{stamp}-{seq:08d}.json"


def write(footage: Path, body: dict[str, Any], key: Ed25519PrivateKey, public_raw: bytes) -> Path:
    """Sign and write one record (blocking): a temporary file, flushed, then renamed into place."""
    folder = footage / FOLDER
    make_private_folder(folder)
    document = {
        "record": body,
        "signature": base64.b64encode(key.sign(canonical(body))).decode(),
        "public_key": base64.b64encode(public_raw).decode(),
    }
    path = folder / file_name(int(body["seq"]), int(body["at_us"]))
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    write_private(temporary, json.dumps(document, sort_keys=True, indent=1))
    with temporary.open("rb") as file:
        os.fsync(file.fileno())
    temporary.replace(path)
    return path


def _verified(path: Path, public: Ed25519PublicKey) -> SealRecord | None:
    try:
        document = json.loads(path.read_bytes())
        body = document["record"]
        public.verify(base64.b64decode(document["signature"], validate=True), canonical(body))
        leaves = [bytes.fromhex(leaf["sha256"]) for leaf in body["leaves"]]
        if not leaves or Tree(leaves).root().hex() != body["root"]:
            raise ValueError("the leaves do not give the signed root")
        for leaf in body["leaves"]:
            Leaf(**leaf)
    except (OSError, ValueError, KeyError, TypeError, InvalidSignature) as err:
        _LOGGER.warning(
            "Seal record %s does not verify and is ignored: %s", path.name, err or type(err).__name__
        )
        return None
    return SealRecord(path.name, body)


def read_verified(footage: Path, public_raw: bytes) -> list[SealRecord]:
    """Every record in the folder signed by this installation's key, oldest first (blocking)."""
    folder = footage / FOLDER
    if not folder.is_dir():
        return []
    public = Ed25519PublicKey.from_public_bytes(public_raw)
    found = []
    for path in sorted(folder.glob("seal-*.json")):
        if (record := _verified(path, public)) is not None:
            found.append(record)
    return found


def proven(records: list[SealRecord]) -> dict[str, Leaf]:
    """Each listed path and its leaf (a later record wins: a path recorded again)."""
    return {leaf.path: leaf for record in records for leaf in record.leaves}


def prune(footage: Path) -> int:
    """Remove the records none of whose segments is left on disk (blocking); how many went."""
    folder = footage / FOLDER
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.glob("seal-*.json")):
        try:
            paths = [leaf["path"] for leaf in json.loads(path.read_bytes())["record"]["leaves"]]
        except OSError, ValueError, KeyError, TypeError:
            continue
        if not any((footage / relative).exists() for relative in paths):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
