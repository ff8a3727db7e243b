"""Trusted timestamps (RFC 3161), optional.

An outside time-stamp authority vouches for when a manifest, or the audit log's head of the day, existed —
so neither can be back-dated by whoever holds the database.

A request is a small DER structure written here (no ASN.1 library needed for it); the authority's answer is
kept as it came (`.tsr`) and verified by the recipient with `openssl ts -verify`. We only check that the
authority granted it and that it stamps the digest we asked for.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

import aiohttp

# AlgorithmIdentifier { id-sha256, NULL }
SHA256_ALGORITHM: Final = bytes.fromhex("300d06096086480165030402010500")
CONTENT_TYPE: Final = "application/timestamp-query"
TIMEOUT: Final = aiohttp.ClientTimeout(total=20)
MAX_REPLY: Final = 64 * 1024


class TimestampError(Exception):
    """The authority could not be reached or did not grant a timestamp."""


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def _integer(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return _der(0x02, raw)


def request(digest: bytes, nonce: int) -> bytes:
    """TimeStampReq v1 for a SHA-256 digest, asking for the authority's certificate."""
    imprint = _der(0x30, SHA256_ALGORITHM + _der(0x04, digest))
    return _der(0x30, _integer(1) + imprint + _integer(nonce) + _der(0x01, b"\xff"))


def _read(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of the value, end of the value) of the DER element at `at`."""
    tag, size, at = data[at], data[at + 1], at + 2
    if size & 0x80:
        count = size & 0x7F
        size, at = int.from_bytes(data[at : at + count], "big"), at + count
    if at + size > len(data):
        raise TimestampError("the reply is cut short")
    return tag, at, at + size


def granted(reply: bytes) -> bool:
    """Whether a TimeStampResp's status is granted (0) or granted with modifications (1)."""
    try:
        tag, start, _end = _read(reply, 0)  # TimeStampResp
        status_tag, status_start, _ = _read(reply, start)  # PKIStatusInfo
        integer_tag, value_start, value_end = _read(reply, status_start)
    except IndexError, TimestampError:
        return False
    return (tag, status_tag, integer_tag) == (0x30, 0x30, 0x02) and int.from_bytes(
        reply[value_start:value_end], "big"
    ) in (0, 1)


def stamps(reply: bytes, digest: bytes) -> bool:
    """Whether the token's message imprint is this SHA-256 digest."""
    return SHA256_ALGORITHM + _der(0x04, digest) in reply


async def async_stamp(session: aiohttp.ClientSession, url: str, data: bytes) -> bytes:
    """Ask the authority at `url` to stamp SHA-256(`data`); the reply (`.tsr`) or TimestampError."""
    digest = hashlib.sha256(data).digest()
    body = request(digest, secrets.randbits(63))
    try:
        async with session.post(
            url, data=body, headers={"Content-Type": CONTENT_TYPE}, timeout=TIMEOUT
        ) as answer:
            if answer.status != 200:
                raise TimestampError(f"the time-stamp authority answered HTTP {answer.status}")
            reply = await answer.content.read(MAX_REPLY + 1)
    except (aiohttp.ClientError, TimeoutError) as err:
        raise TimestampError(f"the time-stamp authority cannot be reached: {err}") from err
    if len(reply) > MAX_REPLY or not granted(reply) or not stamps(reply, digest):
        raise TimestampError("the time-stamp authority did not grant a timestamp for this digest")
    return reply
