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

import functools
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


# How strong a typed secret is ------------------------------------------------------------------------
#
# A secret is judged as if drawn uniformly from the smallest usual alphabet that holds it: decimal digits
# (3.3 bits a character), hex (4), base64 or base64url (6; "=" padding carries nothing; recognised when at
# least two of upper case, lower case and digits appear), else the character classes it uses (lower 26,
# upper 26, digits 10, everything else 33); random base64 text lacks two of upper case, lower case and
# digits with P < 2 · (28/64)^22 < 3e-8. Text judged by classes that is words of letters separated by
# spaces, hyphens, dots or underscores is a passphrase: each word is worth what a word drawn at random
# from the 7776-word Diceware list is worth, 12.9 bits, whatever its length. (The bounds below treat the
# last base64 character, which carries fewer bits, as a uniform draw: one character of 22 or more.)
#
# Text a person made is then told apart from random text by three tests. Each one's bound is chosen so
# that a uniformly random string of that alphabet and length (the first MAX_JUDGED characters) trips it
# with probability at most 2^-32; so a random secret of 128 bits or more is refused with probability
# below 3 · 2^-32 < 1e-9, while long repeats, runs and few distinct characters trip one:
#
# 1. a substring of `m` characters seen twice. For a pair of start positions i < j the chance that
#    m characters match is A^-m (each s[j+t] is a fresh draw that must equal an earlier one, overlapping
#    or not); over fewer than L²/2 pairs, the union bound gives P <= L²/2 · A^-m.
# 2. a run of `r` characters that stays, climbs or falls by one ("aaaa", "1234", "fedc"): for each of L
#    starts and 3 steps the next r - 1 characters are fixed, so P <= 3 · L · A^-(r-1).
# 3. too few distinct characters: the exact tail P(D <= d) of the number D of distinct characters in L
#    uniform draws from A (the occupancy distribution, computed below).
#
# A secret that trips a test is valued as person-made text: only the characters a repeat or a run does
# not predict count, at log2(distinct characters) bits each. zxcvbn would add dictionaries of common
# passwords and words; it is not a dependency of Home Assistant, so this estimate stays dictionary-free.

MAX_JUDGED: Final = 256  # 256 random hex characters are already 1024 bits
RANDOM_MISS_BITS: Final = 32
CLASSES: Final = (
    (re.compile(r"[a-z]"), 26),
    (re.compile(r"[A-Z]"), 26),
    (re.compile(r"[0-9]"), 10),
    (re.compile(r"[^a-zA-Z0-9]"), 33),
)
DICEWARE_WORD_BITS: Final = math.log2(7776)
PASSPHRASE: Final = re.compile(r"[A-Za-z]+(?:[\s._-]+[A-Za-z]+)+")


def alphabet_of(secret: str) -> tuple[str, int]:
    """The text that counts (padding dropped) and the size of the smallest usual alphabet holding it."""
    if re.fullmatch(r"[0-9]+", secret):
        return secret, 10
    if re.fullmatch(r"[0-9a-fA-F]+", secret):
        return secret, 16
    data = secret.removesuffix("=").removesuffix("=")
    classes = sum(bool(re.search(pattern, data)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    if data and re.fullmatch(r"[A-Za-z0-9+/_-]+", data) and classes >= 2:
        return data, 64
    return secret, sum(size for pattern, size in CLASSES if pattern.search(secret))


@functools.cache
def repeat_bound(length: int, alphabet: int) -> int:
    """The shortest repeat a random string of this length and alphabet holds with P <= 2^-32 (test 1)."""
    pairs = max(1.0, length * length / 2)
    return math.ceil((math.log2(pairs) + RANDOM_MISS_BITS) / math.log2(alphabet))


@functools.cache
def run_bound(length: int, alphabet: int) -> int:
    """The shortest run a random string of this length and alphabet holds with P <= 2^-32 (test 2)."""
    return 1 + math.ceil((math.log2(3 * max(1, length)) + RANDOM_MISS_BITS) / math.log2(alphabet))


@functools.cache
def variety_bound(length: int, alphabet: int) -> int:
    """The most distinct characters that P(D <= d) <= 2^-32 allows for a random string (test 3), or 0."""
    # chances[k]: the probability that the draws so far hold exactly k distinct characters.
    chances = [1.0] + [0.0] * alphabet
    for _ in range(length):
        chances = [
            chances[k] * k / alphabet + (chances[k - 1] * (alphabet - k + 1) / alphabet if k else 0.0)
            for k in range(alphabet + 1)
        ]
    tail, bound = 0.0, 0
    for k, chance in enumerate(chances):
        tail += chance
        if tail > 2.0**-RANDOM_MISS_BITS:
            break
        bound = k
    return bound


def _repeats(text: str, size: int) -> bool:
    return size <= len(text) and len({text[i : i + size] for i in range(len(text) - size + 1)}) < (
        len(text) - size + 1
    )


def _longest_run(text: str) -> int:
    longest = run = 1
    for i in range(1, len(text)):
        step = ord(text[i]) - ord(text[i - 1])
        continues = i >= 2 and step == ord(text[i - 1]) - ord(text[i - 2])
        run = run + 1 if continues else (2 if step in (-1, 0, 1) else 1)
        longest = max(longest, run)
    return longest if len(text) else 0


def _unpredicted(text: str) -> int:
    """How many characters neither an earlier repeat (3 or more characters) nor a run predicts."""
    fresh, i = 0, 0
    while i < len(text):
        size = 0
        while i + size < len(text) and text[i : i + size + 1] in text[: i + size]:
            size += 1
        if size >= 3:
            i += size
            continue
        steps = (ord(text[i]) - ord(text[i - 1]), ord(text[i - 1]) - ord(text[i - 2])) if i >= 2 else (2, 2)
        fresh += not (steps[0] == steps[1] and steps[0] in (-1, 0, 1))
        i += 1
    return fresh


def secret_bits(secret: str) -> float:
    """A conservative estimate of a secret's entropy in bits (see the tests above)."""
    secret = secret[:MAX_JUDGED]
    if not secret:
        return 0.0
    text, alphabet = alphabet_of(secret)
    if alphabet not in (10, 16, 64) and PASSPHRASE.fullmatch(secret):
        return len(re.findall(r"[A-Za-z]+", secret)) * DICEWARE_WORD_BITS
    length, distinct = len(text), len(set(text))
    if (
        _repeats(text, repeat_bound(length, alphabet))
        or _longest_run(text) >= run_bound(length, alphabet)
        or distinct <= variety_bound(length, alphabet)
    ):
        return _unpredicted(text) * math.log2(max(2, distinct))
    return length * math.log2(alphabet)


def strong_enough(secret: str) -> bool:
    """At least 128 bits (22 base64 or base64url characters, or 32 hex, of random text)."""
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
