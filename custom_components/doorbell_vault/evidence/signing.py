"""The installation's signing key: an Ed25519 key in a file with owner-only permissions in the state folder.

Every package's manifest and every hourly seal record is signed with it; the household gives a recipient
its fingerprint once, in advance.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import verify_package
from .order import ExportError

KEY_FILE: Final = ".signing_key"


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
