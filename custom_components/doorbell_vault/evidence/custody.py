"""Custody of the footage: hourly capture-time seals with their signed records, and RFC 3161 stamps.

Every hour the hashes of the segments recorded since the last seal are folded into a Merkle root in the
audit chain (`store/seals.py`) and written, signed, beside the footage (`recording/seal_records.py`), so
a rebuilt or restored index can tell the household's own recordings from foreign files. The owner's
time-stamp authority, if one is set, stamps the audit chain's head once a day.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..clock import now_us
from ..const import CONF_TSA_URL
from ..recording import seal_records
from ..recording.seal_records import Leaf, SealRecord
from ..requests.lifecycle import Lifecycle
from ..store import Store, StoreError, meta, seals, write_private
from . import signing, timestamp

_LOGGER = logging.getLogger(__name__)

TIMESTAMPS_FOLDER: Final = "timestamps"
# The newest seal whose record is written beside the footage.
RECORDS_UPTO: Final = "seal_records_upto"


def _keep_timestamp(state: Path, name: str, reply: bytes) -> Path:
    folder = state / TIMESTAMPS_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / name
    write_private(path, reply)
    return path


@dataclass(frozen=True, slots=True)
class Recovery:
    """What the seal records gave back to an index that lacked them."""

    seals: int
    segments: int
    # The newest record's audit entry: the last head of the earlier chain that can be proven.
    last_proven: dict[str, Any] | None


class Custody:
    """Seals, their records, and stamps of the audit head."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: Store,
        state: Path,
        footage: Path,
        lifecycle: Lifecycle,
        options: Callable[[], dict[str, Any]],
    ) -> None:
        """`state` holds the signing key and the stamps; `footage` the segments and the seal records."""
        self.hass = hass
        self.store = store
        self.state = state
        self.footage = footage
        self.lifecycle = lifecycle
        self._options = options
        self._key: Ed25519PrivateKey | None = None
        self._records: list[SealRecord] | None = None

    async def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = await self.hass.async_add_executor_job(signing.signing_key, self.state)
        return self._key

    # Seals ---------------------------------------------------------------------------------------

    async def async_seal(self) -> seals.Seal | None:
        """Fold the hashes of the segments recorded since the last seal into the audit chain.

        The records of every seal not yet beside the footage are written too.
        """
        try:
            sealed = await self.store.async_call(seals.seal, now_us())
        except (StoreError, sqlite3.Error) as err:
            _LOGGER.warning("Could not seal the newest footage: %s", err)
            return None
        await self.async_write_records()
        return sealed

    async def async_write_records(self) -> int:
        """Write the signed record of each seal that has none yet (a crash between the two is caught up)."""
        key = await self._signing_key()
        public = signing.public_raw(key)
        upto = int(await self.store.async_call(meta.get, RECORDS_UPTO) or 0)
        written = 0
        for seq in await self.store.async_call(seals.since, upto):
            body = await self.store.async_call(seals.record_body, seq)
            if body is not None and body["leaves"]:
                try:
                    await self.store.async_job(seal_records.write, self.footage, body, key, public)
                except OSError as err:
                    _LOGGER.warning("Could not write the record of seal %s beside the footage: %s", seq, err)
                    return written
                written += 1
            await self.store.async_call(meta.put, RECORDS_UPTO, str(seq))
        return written

    async def async_proven(self) -> dict[str, Leaf]:
        """The segments the verified seal records list, by path (read once per start)."""
        if self._records is None:
            public = signing.public_raw(await self._signing_key())
            self._records = await self.hass.async_add_executor_job(
                seal_records.read_verified, self.footage, public
            )
        return seal_records.proven(self._records)

    async def async_recover(self) -> Recovery:
        """Seal again the indexed segments that verified records prove and this index has not sealed."""
        records = self._records or []
        recovered = segments = 0
        for record in records:
            paths = [leaf.path for leaf in record.leaves]
            sealed = await self.store.async_call(seals.sealed_paths, paths)
            ids = await self.store.async_call(seals.ids_of, [p for p in paths if p not in sealed])
            if not ids:
                continue
            await self.store.async_call(
                seals.restore, now_us(), record.body, record.file_name, sorted(ids.values())
            )
            recovered += 1
            segments += len(ids)
        last = records[-1].body if records else None
        newest = (
            {
                "seq": last["seq"],
                "at_us": last["at_us"],
                "hash": last["audit"]["hash"],
                "record": records[-1].file_name,
            }
            if last
            else None
        )
        self._records = None
        return Recovery(recovered, segments, newest)

    async def async_prune_records(self) -> int:
        """Remove the records whose segments are all gone (on the store's thread: never during a backup)."""
        return await self.store.async_job(seal_records.prune, self.footage)

    # Stamps --------------------------------------------------------------------------------------

    async def async_stamp_audit_head(self) -> Path | None:
        """Have the owner's time-stamp authority stamp the audit log's head (RFC 3161), if one is set.

        The stamp's message imprint is SHA-256 of the head's 32 bytes; the reply is kept in
        `<state folder>/timestamps/audit-<entries>.tsr` and noted in the audit log itself.
        """
        url = str(self._options()[CONF_TSA_URL] or "")
        check = await self.lifecycle.async_verify_audit()
        if not url or not check.entries:
            return None
        try:
            reply = await timestamp.async_stamp(
                async_get_clientsession(self.hass), url, bytes.fromhex(check.head)
            )
            path = await self.hass.async_add_executor_job(
                _keep_timestamp, self.state, f"audit-{check.entries}.tsr", reply
            )
        except (timestamp.TimestampError, OSError) as err:
            _LOGGER.warning("The audit log's head could not be timestamped: %s", err)
            return None
        await self.lifecycle.async_note(
            None,
            "audit_head_timestamped",
            {"entries": check.entries, "head": check.head, "tsa": url, "file": path.name},
        )
        return path
