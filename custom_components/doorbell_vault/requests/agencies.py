"""Agencies the owner knows: hub subentries with a key, a contact and a standing policy.

A keyed request names its key (`X-Doorbell-Vault-Key: <key id>`) and signs the same string as the hub's
shared secret (`v1:<timestamp>:<nonce>:<raw body>`, see `secret.py`):

    generated key (HMAC):  X-Doorbell-Vault-Signature: v1=<hex HMAC-SHA256(key, signed string)>
    agency's own Ed25519:  X-Doorbell-Vault-Signature: ed25519=<base64 Ed25519 signature of the signed string>

Generated keys live in `.agency_keys` (owner-only, written atomically) in the storage folder, never in the
config entry; public keys are no secret and stay in the subentry. The key is looked up in the subentries
on every request, so deleting an agency or revoking its key counts at once.

Ed25519 is verified by libsodium (PyNaCl, the same pin as Home Assistant's mobile_app), not OpenSSL: a
public key of small order (the identity point and seven others, in any encoding) would let one fixed
signature verify every body, so such keys are refused when entered and again when a request is verified,
and so are signatures whose R is of small order or whose S is not below the group order.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from homeassistant.config_entries import ConfigSubentry

from ..const import DOMAIN
from .confusables import same_agency
from .secret import GENERATED_BYTES, SIGNATURE, SignatureRefused, check_stamp, sign, write_private

_LOGGER = logging.getLogger(__name__)

SUBENTRY_AGENCY: Final = "agency"
KEY_HEADER: Final = "X-Doorbell-Vault-Key"
KEYS_FILE: Final = ".agency_keys"
KEY_ID: Final = re.compile(r"dvk_[0-9a-f]{16}")
ED25519_SIGNATURE: Final = re.compile(r"ed25519=([A-Za-z0-9+/]{85}[AQgw]==)")
MODEL: Final = "Agency"

CONF_NAME: Final = "name"
CONF_CONTACT: Final = "contact"
CONF_KEY_TYPE: Final = "key_type"
CONF_KEY_ID: Final = "key_id"
CONF_PUBLIC_KEY: Final = "public_key"
CONF_POLICY: Final = "policy"
CONF_AUTO_CAMERAS: Final = "auto_cameras"
CONF_AUTO_MAX_HOURS: Final = "auto_max_window_hours"
CONF_AUTO_AUDIO: Final = "auto_include_audio"
CONF_AUTO_DAYS: Final = "auto_share_days"
CONF_AUTO_DOWNLOADS: Final = "auto_max_downloads"

KEY_GENERATED: Final = "generated"
KEY_ED25519: Final = "ed25519"
KEY_NONE: Final = "none"
KEY_TYPES: Final = (KEY_GENERATED, KEY_ED25519)

POLICY_ASK: Final = "ask"
POLICY_DECLINE: Final = "decline"
POLICY_SHARE: Final = "share"
POLICIES: Final = (POLICY_ASK, POLICY_DECLINE, POLICY_SHARE)
DEFAULT_LIMITS: Final[dict[str, Any]] = {
    CONF_POLICY: POLICY_ASK,
    CONF_AUTO_CAMERAS: [],
    CONF_AUTO_MAX_HOURS: 1.0,
    CONF_AUTO_AUDIO: False,
    CONF_AUTO_DAYS: 7,
    CONF_AUTO_DOWNLOADS: 3,
}

# Problems that are shown to the owner but do not reject the request (it waits for a decision).
NAME_DIFFERS: Final = "agency_name_differs"
AUTO_WINDOW: Final = "auto_share_window_too_long"
AUTO_NO_CAMERA: Final = "auto_share_no_camera"
NOTES: Final = frozenset({NAME_DIFFERS, AUTO_WINDOW, AUTO_NO_CAMERA})


class UnknownKey(Exception):
    """No agency holds this key id (never issued, rotated, revoked or deleted)."""


class PublicKeyInvalid(ValueError):
    """The text is not an Ed25519 public key (raw 32 bytes in base64, or a PEM SubjectPublicKeyInfo)."""


class PublicKeyUnsafe(PublicKeyInvalid):
    """32 bytes that are no safe Ed25519 public key (small order, off the curve, not canonical).

    With a point of small order one fixed signature verifies every message.
    """


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency subentry."""

    id: str
    name: str
    contact: str
    key_type: str
    key_id: str | None
    public_key: str | None
    policy: str
    cameras: tuple[str, ...]
    max_window_hours: float
    include_audio: bool
    share_days: float
    max_downloads: int

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> Agency:
        """Read an agency subentry (defaults for what an older one lacks)."""
        data = DEFAULT_LIMITS | dict(subentry.data)
        key_type = str(data.get(CONF_KEY_TYPE) or KEY_NONE)
        return cls(
            id=subentry.subentry_id,
            name=str(data.get(CONF_NAME) or subentry.title),
            contact=str(data.get(CONF_CONTACT) or ""),
            key_type=key_type,
            key_id=str(data[CONF_KEY_ID]) if key_type != KEY_NONE and data.get(CONF_KEY_ID) else None,
            public_key=str(data[CONF_PUBLIC_KEY]) if data.get(CONF_PUBLIC_KEY) else None,
            policy=str(data[CONF_POLICY]) if data[CONF_POLICY] in POLICIES else POLICY_ASK,
            cameras=tuple(str(c) for c in data[CONF_AUTO_CAMERAS]),
            max_window_hours=float(data[CONF_AUTO_MAX_HOURS]),
            include_audio=bool(data[CONF_AUTO_AUDIO]),
            share_days=float(data[CONF_AUTO_DAYS]),
            max_downloads=int(data[CONF_AUTO_DOWNLOADS]),
        )

    def summary(self) -> dict[str, Any]:
        """What diagnostics and the panel show (no key material)."""
        return {
            "agency_id": self.id,
            "name": self.name,
            "key_type": self.key_type,
            "has_key": self.key_id is not None,
            "policy": self.policy,
        }


def agencies(subentries: Iterable[ConfigSubentry]) -> list[Agency]:
    """The agencies among a hub's subentries."""
    return [Agency.from_subentry(s) for s in subentries if s.subentry_type == SUBENTRY_AGENCY]


def by_key(subentries: Iterable[ConfigSubentry], key_id: str) -> Agency:
    """The agency holding a key id now; UnknownKey when none does."""
    if KEY_ID.fullmatch(key_id):
        for agency in agencies(subentries):
            if agency.key_id is not None and hmac.compare_digest(agency.key_id, key_id):
                return agency
    raise UnknownKey(key_id)


def device_identifier(agency_id: str) -> tuple[str, str]:
    """The agency's device in the registry (for blueprints: a device selector filtered on model Agency)."""
    return (DOMAIN, f"agency_{agency_id}")


def new_key_id() -> str:
    """A fresh key id (64 random bits; not a secret, just a name)."""
    return f"dvk_{secrets.token_hex(8)}"


def new_secret() -> str:
    """A fresh generated key: 256 random bits, URL-safe base64 (the agency uses its UTF-8 bytes)."""
    return secrets.token_urlsafe(GENERATED_BYTES)


# The generated keys -------------------------------------------------------------------------------


def read_keys(storage: Path) -> dict[str, str]:
    """Key id → generated key (blocking); empty when there are none."""
    try:
        data = json.loads((storage / KEYS_FILE).read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        # A damaged file verifies nothing (every generated key is refused) rather than failing open.
        _LOGGER.error("%s is damaged: requests signed with generated agency keys are refused", KEYS_FILE)
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def put_key(storage: Path, key_id: str, secret: str, drop: str | None = None) -> None:
    """Keep a generated key (and forget `drop`, the key it replaces) (blocking)."""
    keys = read_keys(storage)
    keys.pop(drop or "", None)
    keys[key_id] = secret
    write_private(storage / KEYS_FILE, json.dumps(keys, sort_keys=True).encode())


def keep_keys(storage: Path, key_ids: Iterable[str]) -> list[str]:
    """Forget every generated key no agency holds any more; the ids forgotten (blocking)."""
    keys = read_keys(storage)
    keep = set(key_ids)
    gone = sorted(k for k in keys if k not in keep)
    if gone:
        write_private(storage / KEYS_FILE, json.dumps({k: v for k, v in keys.items() if k in keep}).encode())
    return gone


# Signatures ---------------------------------------------------------------------------------------


def parse_public_key(text: str) -> str:
    """An Ed25519 public key as base64 of its 32 raw bytes; PublicKeyInvalid otherwise.

    Accepts the raw key in base64 (or hex) or a PEM `-----BEGIN PUBLIC KEY-----` block.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise PublicKeyInvalid("not an Ed25519 key")
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        elif re.fullmatch(r"[0-9a-fA-F]{64}", text):
            raw = bytes.fromhex(text)
        else:
            raw = base64.b64decode(text, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error, TypeError) as err:
        raise PublicKeyInvalid(str(err)) from err
    if not safe_public_key(raw):
        raise PublicKeyUnsafe("a small-order, non-canonical or off-curve Ed25519 point")
    return base64.b64encode(raw).decode()


def safe_public_key(raw: bytes) -> bool:
    """Whether 32 bytes are a canonically encoded point of the prime-order group (libsodium's check).

    `cryptography` (OpenSSL) takes any 32 bytes as a key; with the identity point, or any point of small
    order, the signature R = that point, S = 0 verifies every message.
    """
    from nacl.bindings import crypto_core_ed25519_is_valid_point

    return len(raw) == 32 and bool(crypto_core_ed25519_is_valid_point(raw))


def verify(
    agency: Agency,
    secret: bytes | None,
    timestamp: str,
    nonce: str,
    body: bytes,
    sent: str,
    now: float,
) -> None:
    """Raise SignatureRefused naming what is wrong; return when the agency's signature holds."""
    check_stamp(timestamp, nonce, sent, now)
    signed = f"v1:{timestamp}:{nonce}:".encode() + body
    if agency.key_type == KEY_ED25519 and agency.public_key:
        if (match := ED25519_SIGNATURE.fullmatch(sent)) is None:
            raise SignatureRefused(
                "this key signs with Ed25519: send X-Doorbell-Vault-Signature: ed25519=<base64 signature>"
            )
        verify_ed25519(agency.public_key, base64.b64decode(match.group(1)), signed)
        return
    if agency.key_type != KEY_GENERATED or not secret:
        raise SignatureRefused("unknown or revoked key")
    if not SIGNATURE.fullmatch(sent) or not hmac.compare_digest(
        sent.encode(), sign(secret, timestamp, nonce, body).encode()
    ):
        raise SignatureRefused("wrong signature")


def verify_ed25519(public_key: str, signature: bytes, signed: bytes) -> None:
    """Raise SignatureRefused unless libsodium verifies the signature (strictly).

    libsodium's verification refuses a public key or an R of small order and an S not below the group
    order, which OpenSSL accepts; a key stored before keys were checked is checked again here.
    """
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    raw = base64.b64decode(public_key)
    if not safe_public_key(raw):
        raise SignatureRefused(
            "this agency's public key is unsafe (small order or not a valid Ed25519 point): "
            "the household must replace it"
        )
    try:
        VerifyKey(raw).verify(signed, signature)
    except (BadSignatureError, ValueError, TypeError) as err:
        raise SignatureRefused("wrong signature") from err


# What a keyed request is checked against ----------------------------------------------------------


def name_differs(agency: Agency, written: str) -> bool:
    """Whether the body names another agency than the key's (casefold and confusable skeleton)."""
    return written.casefold() != agency.name.casefold() and not same_agency(written, agency.name)


def auto_share_notes(
    agency: Agency, window_hours: float, cameras_with_footage: Mapping[str, str]
) -> list[str]:
    """Why a request of an agency that shares automatically still waits for the owner (empty: share).

    `cameras_with_footage`: camera id → name of the cameras with footage in the window.
    """
    notes = []
    if window_hours > agency.max_window_hours:
        notes.append(AUTO_WINDOW)
    if not any(c in cameras_with_footage for c in agency.cameras):
        notes.append(AUTO_NO_CAMERA)
    return notes


def rejects(problems: Iterable[str]) -> bool:
    """Whether any of the problems rejects the request (the notes only inform the owner)."""
    return any(p not in NOTES for p in problems)
