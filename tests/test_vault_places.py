"""Where the vault keeps things, and what its signed seal records prove: the blocking parts, by themselves."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from homeassistant.core import HomeAssistant

from custom_components.doorbell_vault.hub import loaded_vault
from custom_components.doorbell_vault.merkle import Tree
from custom_components.doorbell_vault.recording import footage_move, places, seal_records
from custom_components.doorbell_vault.store import Store

from .conftest import make_hub


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _record(footage: Path, key: Ed25519PrivateKey, digest: str = "ab" * 32) -> Path:
    leaf = {"path": "cam/a.mp4", "camera": "cam", "start_us": 1, "end_us": 2, "bytes": 3, "sha256": digest}
    body = {
        "version": 1,
        "seq": 7,
        "at_us": 1_700_000_000_000_000,
        "root": Tree([bytes.fromhex(digest)]).root().hex(),
        "audit": {"prev": "0" * 64, "hash": "1" * 64},
        "leaves": [{**leaf, "time_source": "rtcp", "clock_offset_us": 0}],
    }
    return seal_records.write(footage, body, key, _raw(key))


def test_only_records_signed_by_this_vault_and_unchanged_prove_anything(tmp_path: Path) -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    path = _record(tmp_path, ours)
    assert list(seal_records.proven(seal_records.read_verified(tmp_path, _raw(ours)))) == ["cam/a.mp4"]
    # Signed by another key: proves nothing here.
    assert seal_records.read_verified(tmp_path, _raw(theirs)) == []
    # A leaf changed after signing: the signature fails, the record is ignored.
    document = json.loads(path.read_text())
    document["record"]["leaves"][0]["sha256"] = "cd" * 32
    path.write_text(json.dumps(document))
    assert seal_records.read_verified(tmp_path, _raw(ours)) == []
    # Not JSON at all: ignored, nothing raised.
    path.write_text("{")
    assert seal_records.read_verified(tmp_path, _raw(ours)) == []
    assert seal_records.read_verified(tmp_path / "none", _raw(ours)) == []


def test_a_record_whose_segments_are_all_gone_is_pruned(tmp_path: Path) -> None:
    path = _record(tmp_path, Ed25519PrivateKey.generate())
    (tmp_path / "cam").mkdir()
    (tmp_path / "cam" / "a.mp4").write_bytes(b"x")
    assert seal_records.prune(tmp_path) == 0
    (tmp_path / "cam" / "a.mp4").unlink()
    assert seal_records.prune(tmp_path) == 1
    assert not path.exists()
    assert seal_records.prune(tmp_path / "none") == 0


def test_a_move_is_refused_where_it_could_not_hold_the_footage(tmp_path: Path) -> None:
    config, source = tmp_path / "config", tmp_path / "media" / "old"
    source.mkdir(parents=True)
    config.mkdir()
    assert places.move_refused(str(config), Path("relative"), source, 0) == "not_absolute"
    assert places.move_refused(str(config), config / "footage", source, 0) == "target_in_backups"
    assert places.move_refused(str(config), source, source, 0) == "target_is_source"
    assert places.move_refused(str(config), tmp_path / "new", source, 10**18) == "not_enough_room"
    assert places.move_refused(str(config), tmp_path / "new", source, 0) is None


def test_a_copy_that_does_not_hold_the_original_switches_nothing(tmp_path: Path) -> None:
    source, target = tmp_path / "old", tmp_path / "new"
    (source / "cam").mkdir(parents=True)
    (source / "cam" / "a.mp4").write_bytes(b"footage")
    with pytest.raises(footage_move.MoveError, match="SHA-256"):
        footage_move.copy_verified(source, target, {"cam/a.mp4": hashlib.sha256(b"other").hexdigest()})
    assert not (target / "cam" / "a.mp4").exists()
    assert footage_move.copy_verified(source, target, {}).files == 1
    assert footage_move.copy_verified(source, target, {}).skipped == 1


def test_state_is_not_moved_over_an_index_that_is_already_there(tmp_path: Path) -> None:
    source, target = tmp_path / "old", tmp_path / "new"
    for folder in (source, target):
        folder.mkdir()
        (folder / "doorbell_vault.db").write_bytes(folder.name.encode())
    assert places.move_state(source, target) is False
    assert (source / "doorbell_vault.db").read_bytes() == b"old"


async def test_a_hold_ends_with_the_store_and_a_second_hold_is_the_first(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    await store.async_open()
    await store.async_hold(60)
    await store.async_hold(60)  # already held: nothing more
    await store.async_close()  # releases the hold first
    store.release()  # nothing held: nothing happens


async def test_backup_hooks_without_a_running_hub_do_nothing(hass: HomeAssistant, storage: Path) -> None:
    from custom_components.doorbell_vault import backup

    make_hub(hass, storage, [])
    assert loaded_vault(hass) is None
    await backup.async_pre_backup(hass)
    await backup.async_post_backup(hass)
