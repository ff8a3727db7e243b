"""The webhook's shared secret: a file with owner-only permissions, never in the config entry."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Final

SECRET_FILE: Final = ".webhook_secret"  # noqa: S105 - a file name


def read_secret(storage: Path) -> bytes | None:
    """The webhook's shared secret, if one is set (blocking)."""
    try:
        secret = (storage / SECRET_FILE).read_bytes().strip()
    except FileNotFoundError:
        return None
    return secret or None


def write_secret(storage: Path, secret: str | None) -> None:
    """Set or clear the shared secret (blocking)."""
    path = storage / SECRET_FILE
    if not secret:
        path.unlink(missing_ok=True)
        return
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(secret)


def signature(secret: bytes, body: bytes) -> str:
    """The header value a requester sends."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
