"""Home Assistant's own backups: a consistent index and the keys in them, and a restore on the record."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import secrets
import shutil
import sqlite3
import tarfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.doorbell_vault.const import DATABASE_FILE, DOMAIN
from custom_components.doorbell_vault.evidence import signing
from custom_components.doorbell_vault.requests import agencies
from custom_components.doorbell_vault.requests.secret import write_secret
from custom_components.doorbell_vault.store import audit, inbox, seals, segments

from .conftest import SAMPLE_US, audit_entries, footage_hub, wait_for


async def _back_up(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> dict[str, bytes]:
    """*Back up now*, as the UI calls it (local agent); the files of the configuration folder it holds."""
    assert await async_setup_component(hass, "backup", {})
    await hass.async_block_till_done()
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "backup/generate", "agent_ids": ["backup.local"], "include_homeassistant": True, "name": "t"}
    )
    answer = await client.receive_json()
    assert answer["success"], answer

    async def listed() -> list[dict[str, object]]:
        # A backup is listed once it is written whole.
        await client.send_json_auto_id({"type": "backup/info"})
        return list((await client.receive_json())["result"]["backups"])

    await wait_for(listed, 60)
    (backup,) = Path(hass.config.path("backups")).glob("*.tar")

    def read() -> dict[str, bytes]:
        with tarfile.open(backup) as outer:
            names = [m for m in outer.getmembers() if m.name.endswith("homeassistant.tar.gz")]
            assert names, [m.name for m in outer.getmembers()]
            inner = outer.extractfile(names[0])
            assert inner is not None
            with tarfile.open(fileobj=io.BytesIO(inner.read()), mode="r:gz") as data:
                return {
                    m.name.removeprefix("data/"): data.extractfile(m).read()  # type: ignore[union-attr]
                    for m in data.getmembers()
                    if m.isfile()
                }

    return await hass.async_add_executor_job(read)


async def test_a_backup_holds_a_consistent_index_the_keys_and_no_footage(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    sample_segment: Path,
    tmp_path: Path,
    storage: Path,
) -> None:
    state = Path(hass.config.config_dir) / "doorbell_vault"  # a default install: footage in the media folder
    entry = await footage_hub(hass, state, sample_segment, ("Front door",), segments=3, footage=storage)
    await entry.runtime_data.custody.async_seal()
    await hass.async_add_executor_job(write_secret, state, secrets.token_hex(16))
    await hass.async_add_executor_job(agencies.put_key, state, "key-1", secrets.token_hex(32))
    files = await _back_up(hass, hass_ws_client)
    assert [name for name in files if name.endswith(".mp4") or "/seals/" in name] == []
    for kept in (".signing_key", ".webhook_secret", ".agency_keys"):
        assert f"doorbell_vault/{kept}" in files
    database = tmp_path / "restored.db"
    database.write_bytes(files[f"doorbell_vault/{DATABASE_FILE}"])
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert audit.verify(connection).ok
    assert connection.execute("SELECT COUNT(*) FROM segments").fetchone() == (3,)
    marker = connection.execute("SELECT value FROM meta WHERE key = 'backup_taken'").fetchone()
    assert json.loads(marker[0])["entries"] > 0
    connection.close()
    # This machine's note of the backup under way is never in it (Home Assistant leaves .cache/ out).
    assert [name for name in files if name.startswith(".cache/")] == []
    assert not (Path(hass.config.config_dir) / ".cache" / "doorbell_vault" / "backup_running").exists()
    # The live index forgot the marker once the backup was written.
    assert (
        await entry.runtime_data.store.async_call(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'backup_taken'").fetchone()
        )
        is None
    )


async def test_the_index_waits_while_a_backup_reads_it_and_goes_on_after(
    hass: HomeAssistant, storage: Path, sample_segment: Path, tmp_path: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=1)
    vault = entry.runtime_data
    await vault.async_backup_begins()
    (camera,) = vault.cameras
    # A segment finished meanwhile: indexed once the backup is written, never lost.
    late = hass.async_create_task(
        vault.store.async_call(segments.add, camera, 1, 2, 3, "late.mp4", "00" * 32)
    )
    await asyncio.sleep(0.3)
    assert not late.done()
    copy = tmp_path / "copy.db"
    copy.write_bytes((storage / DATABASE_FILE).read_bytes())
    with closing(sqlite3.connect(copy)) as db:
        assert db.execute("SELECT COUNT(*) FROM segments").fetchone() == (1,)
    await vault.async_backup_ends()
    assert await late > 0
    assert await hass.config_entries.async_unload(entry.entry_id)


def _record_later(storage: Path, camera: str, sample: Path, base_us: int) -> list[tuple[object, ...]]:
    """Two segments recorded after the backup (files and index rows)."""
    rows = []
    for n in range(2):
        relative = f"{camera}/2026-01-01/00/later-{n}.mp4"
        shutil.copyfile(sample, storage / relative)
        digest = hashlib.sha256((storage / relative).read_bytes()).hexdigest()
        start = base_us + (20 + n) * SAMPLE_US
        rows.append((camera, start, start + SAMPLE_US, (storage / relative).stat().st_size, relative, digest))
    return rows


def _restore(storage: Path, files: dict[str, bytes]) -> None:
    """Unpack the backup's vault over the folder, as Home Assistant's restore does (footage since stays)."""
    for name, data in files.items():
        if name.startswith("doorbell_vault/"):
            target = storage.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


async def test_a_restored_backup_continues_its_chain_and_proves_the_footage_recorded_since(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, sample_segment: Path
) -> None:
    storage = Path(hass.config.config_dir) / "doorbell_vault"
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=2)
    vault = entry.runtime_data
    (camera,) = vault.cameras
    window = {"start": entry.base.isoformat(), "end": (entry.base + timedelta(seconds=9)).isoformat()}
    pending = await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {"agency": "Springfield PD", "case_number": "2026-0042", "legal_basis": "warrant", **window},
        blocking=True,
        return_response=True,
    )
    assert pending is not None
    assert pending["status"] == "pending", pending
    key = await hass.async_add_executor_job(signing.signing_key, storage)
    before = await vault.store.async_call(inbox.get, str(pending["request_id"]))
    assert before is not None
    files = await _back_up(hass, hass_ws_client)
    later = await hass.async_add_executor_job(
        _record_later, storage, camera, sample_segment, int(entry.base.timestamp() * 1e6)
    )
    for row in later:
        await vault.store.async_call(segments.add, *row)
    sealed = await vault.custody.async_seal()
    assert sealed is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_add_executor_job(_restore, storage, files)

    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    check = await vault.lifecycle.async_verify_audit()
    assert check.ok
    entries = [json.loads(line) for line in await vault.lifecycle.async_export_audit()]
    (restored,) = [e for e in entries if e["kind"] == "restored_from_backup"]
    assert (
        entries[restored["seq"] - 2]["hash"] == restored["data"]["head"]
    )  # continues from the backup's head
    rows = {s.path: s for s in await vault.store.async_call(segments.of_camera, camera)}
    ids = [rows[str(row[4])].id for row in later]
    assert await vault.store.async_call(segments.foreign_ids, ids) == set()
    proofs = await vault.store.async_call(seals.proofs, ids)
    assert {p.root for p in proofs.values()} == {sealed.root}
    again = await hass.async_add_executor_job(signing.signing_key, storage)
    assert signing.key_fingerprint(again) == signing.key_fingerprint(key)
    request = await vault.store.async_call(inbox.get, str(pending["request_id"]))
    assert request is not None
    assert request.status == "pending"
    assert request.deadline_us == before.deadline_us
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("stop", ["unload", "home_assistant_stop"])
async def test_stopping_during_a_backup_indexes_the_last_segments_at_once(
    hass: HomeAssistant, storage: Path, sample_segment: Path, stop: str
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=1)
    await entry.runtime_data.async_backup_begins()
    # The entry (or Home Assistant, which leaves the entry loaded) stops before the backup ends: the hold
    # gives way instead of keeping the stop waiting.
    async with asyncio.timeout(30):
        if stop == "home_assistant_stop":
            hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
            await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_backup_cut_short_by_a_stop_is_not_taken_for_a_restore(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=1)
    await entry.runtime_data.async_backup_begins()
    # Home Assistant stops (or the power goes) before the backup ends: the live index keeps the marker.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    assert await audit_entries(vault, "restored_from_backup") == []
    assert (
        await vault.store.async_call(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'backup_taken'").fetchone()
        )
        is None
    )
    assert not (Path(hass.config.config_dir) / ".cache" / "doorbell_vault" / "backup_running").exists()
    assert await hass.config_entries.async_unload(entry.entry_id)
