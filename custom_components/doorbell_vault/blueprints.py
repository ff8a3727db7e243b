"""The blueprints that come with the integration, installed into the owner's blueprints folder.

A blueprint is copied when absent and updated only while the owner has not changed it: the hash of each
file as installed is kept in `.installed.json` beside them, so an edited file is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Final

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

BUNDLED: Final = Path(__file__).parent / "blueprints"
RECORD: Final = ".installed.json"


def folder(config_dir: Path) -> Path:
    """Where Home Assistant looks for this integration's automation blueprints."""
    return config_dir / "blueprints" / "automation" / DOMAIN


def install(config_dir: Path) -> list[str]:
    """Install or update the bundled blueprints the owner has not changed (blocking); return the names."""
    target = folder(config_dir)
    target.mkdir(parents=True, exist_ok=True)
    record_path = target / RECORD
    try:
        record: dict[str, str] = json.loads(record_path.read_text())
    except FileNotFoundError, ValueError:
        record = {}
    written = []
    for source in sorted(BUNDLED.glob("*.yaml")):
        text = source.read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        path = target / source.name
        if path.exists():
            current = hashlib.sha256(path.read_bytes()).hexdigest()
            if current != digest and record.get(source.name) != current:
                continue  # the owner's own version
            if current == digest:
                record[source.name] = digest
                continue
        path.write_bytes(text)
        record[source.name] = digest
        written.append(source.name)
    record_path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    if written:
        _LOGGER.info("Installed blueprints: %s", ", ".join(written))
    return written
