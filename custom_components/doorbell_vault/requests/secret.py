"""The webhook's shared secret and the signed string.

The secret lives in a file with owner-only permissions in the storage folder, never in the config entry.
A requester signs every body:

    X-Doorbell-Vault-Timestamp: <unix seconds>
    X-Doorbell-Vault-Nonce: <16 to 64 characters of A-Z a-z 0-9 _ ->
    X-Doorbell-Vault-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + nonce + ":" + raw body)>

The timestamp must lie within ±5 minutes of the hub's clock and each nonce is accepted once, so a
captured body cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
from pathlib import Path
from typing import Final

SECRET_FILE: Final = ".webhook_secret"  # noqa: S105 - a file name
TIMESTAMP_HEADER: Final = "X-Doorbell-Vault-Timestamp"
NONCE_HEADER: Final = "X-Doorbell-Vault-Nonce"
SIGNATURE_HEADER: Final = "X-Doorbell-Vault-Signature"
VERSION: Final = "v1"
WINDOW_S: Final = 300
NONCE: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")
TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")
SIGNATURE: Final = re.compile(r"v1=[0-9a-f]{64}")
MIN_SECRET_BITS: Final = 128
GENERATED_BYTES: Final = 32  # 256 bits


class SecretUnreadable(Exception):
    """The secret file exists but is empty or cannot be read: the webhook stays closed."""


class SignatureRefused(Exception):
    """The body's signature headers are missing, stale, reused or wrong (the message says which)."""


def read_secret(storage: Path) -> bytes | None:
    """The webhook's shared secret; None when none is set; SecretUnreadable if the file is bad (blocking)."""
    try:
        secret = (storage / SECRET_FILE).read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise SecretUnreadable(str(err)) from err
    if not secret:
        raise SecretUnreadable("the secret file is empty")
    return secret


def secret_is_set(storage: Path) -> bool:
    """Whether a secret file exists (readable or not) (blocking)."""
    return (storage / SECRET_FILE).exists()


def generate_secret() -> str:
    """A new secret of 256 random bits (URL-safe base64, 43 characters)."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def secret_bits(secret: str) -> float:
    """A conservative estimate of a secret's entropy: length x log2(its alphabet), capped by variety."""
    if not secret:
        return 0.0
    if re.fullmatch(r"[0-9a-fA-F]+", secret):
        alphabet = 16
    elif re.fullmatch(r"[A-Za-z0-9_=+/-]+", secret):
        alphabet = 64
    else:
        alphabet = 95
    # Few distinct characters repeated ("aaaa", "hunter2hunter2") are not strong, whatever the length.
    distinct = len(set(secret))
    if distinct < min(len(secret) // 2, 16):
        alphabet = max(2, distinct)
    return len(secret) * math.log2(alphabet)


def strong_enough(secret: str) -> bool:
    """At least 128 bits (22 base64url or 32 hex characters of random text)."""
    return secret_bits(secret) >= MIN_SECRET_BITS


def write_secret(storage: Path, secret: str | None) -> None:
    """Set (atomically: a 0600 temporary file, fsynced, renamed) or clear the shared secret (blocking)."""
    path = storage / SECRET_FILE
    if not secret:
        path.unlink(missing_ok=True)
        return
    write_private(path, secret.encode())


def write_private(path: Path, content: bytes) -> None:
    """Replace a file atomically with owner-only permissions: a 0600 temporary file, fsynced, renamed."""
    storage = path.parent
    temporary = storage / f"{path.name}.{secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(storage, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def signed_string(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What the signature covers: `v1:<timestamp>:<nonce>:<raw body>`."""
    return f"{VERSION}:{timestamp}:{nonce}:".encode() + body


def sign(secret: bytes, timestamp: str | int, nonce: str, body: bytes) -> str:
    """The X-Doorbell-Vault-Signature value a requester sends."""
    digest = hmac.new(secret, signed_string(str(timestamp), nonce, body), hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def verify(
    secret: bytes, timestamp: str, nonce: str, body: bytes, sent: str, now: float, window: int = WINDOW_S
) -> None:
    """Raise SignatureRefused naming what is wrong; return when the signature holds (nonce not checked)."""
    check_stamp(timestamp, nonce, sent, now, window)
    if not SIGNATURE.fullmatch(sent) or not hmac.compare_digest(
        sent.encode(), sign(secret, timestamp, nonce, body).encode()
    ):
        raise SignatureRefused("wrong signature")


def check_stamp(timestamp: str, nonce: str, sent: str, now: float, window: int = WINDOW_S) -> None:
    """The checks every signature shares: headers present, timestamp within the window, nonce well formed."""
    if sent.startswith("sha256="):
        raise SignatureRefused(
            "the sha256=<HMAC of the body> signature is no longer accepted: sign "
            '"v1:<timestamp>:<nonce>:<body>" and send X-Doorbell-Vault-Timestamp, '
            "X-Doorbell-Vault-Nonce and X-Doorbell-Vault-Signature: v1=<hex> (see docs/agencies.md)"
        )
    if not sent or not timestamp or not nonce:
        raise SignatureRefused(
            "missing signature: send X-Doorbell-Vault-Timestamp, X-Doorbell-Vault-Nonce and "
            "X-Doorbell-Vault-Signature"
        )
    if not TIMESTAMP.fullmatch(timestamp):
        raise SignatureRefused("X-Doorbell-Vault-Timestamp must be unix seconds")
    if abs(int(timestamp) - now) > window:
        raise SignatureRefused(f"X-Doorbell-Vault-Timestamp is more than {window} s from the hub's clock")
    if not NONCE.fullmatch(nonce):
        raise SignatureRefused("X-Doorbell-Vault-Nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -")
