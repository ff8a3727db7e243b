"""Footage outside the configuration folder: a repair for footage every backup carries, and a safe move."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from custom_components.doorbell_vault.const import CONF_FOOTAGE_PATH, CONF_STORAGE_PATH, DATABASE_FILE, DOMAIN
from custom_components.doorbell_vault.evidence import signing
from custom_components.doorbell_vault.recording import footage_move
from custom_components.doorbell_vault.recording.footage_move import footage_files
from custom_components.doorbell_vault.store import meta, seals, segments

from .conftest import footage_hub, wait_for


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256((folder / p).read_bytes()).hexdigest() for p in footage_files(folder)}


async def test_footage_every_backup_carries_is_moved_out_verified(
    hass: HomeAssistant, sample_segment: Path, tmp_path_factory: object
) -> None:
    storage = Path(hass.config.config_dir) / "doorbell_vault"  # one folder, as installs before 0.3 kept it
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=3)
    await entry.runtime_data.custody.async_seal()
    before = await hass.async_add_executor_job(_hashes, storage)
    assert len(before) == 4  # three segments and their seal record
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "footage_in_backups")
    assert issue is not None
    assert issue.translation_placeholders == {"path": str(storage), "size": "0.0 GB"}

    assert await async_setup_component(hass, "repairs", {})
    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_init(DOMAIN, context={"issue_id": "footage_in_backups"})
    inside = await flows.async_configure(result["flow_id"], {"target": hass.config.path("elsewhere")})
    assert inside["errors"] == {"target": "target_in_backups"}
    target = tmp_path_factory.mktemp("media") / "doorbell_vault"  # type: ignore[attr-defined]
    done = await flows.async_configure(result["flow_id"], {"target": str(target)})
    assert done["type"] == "create_entry"

    await wait_for(lambda: entry.data.get(CONF_FOOTAGE_PATH) == str(target), 30)
    await hass.async_block_till_done()
    vault = entry.runtime_data
    assert vault.storage == target
    assert await hass.async_add_executor_job(_hashes, target) == before
    assert await hass.async_add_executor_job(_hashes, storage) == {}  # the old copies are gone
    assert (storage / DATABASE_FILE).is_file()  # the state stays in the configuration folder
    rows = await vault.store.async_call(segments.of_camera, next(iter(vault.cameras)))
    assert all((target / s.path).is_file() for s in rows)
    assert len(await vault.store.async_call(seals.proofs, [s.id for s in rows])) == 3
    assert ir.async_get(hass).async_get_issue(DOMAIN, "footage_in_backups") is None
    entries = [json.loads(line) for line in await vault.lifecycle.async_export_audit()]
    assert [e["data"]["to"] for e in entries if e["kind"] == "footage_moved"] == [str(target)]
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_interrupted_move_resumes_at_start(
    hass: HomeAssistant, sample_segment: Path, tmp_path_factory: object
) -> None:
    storage = Path(hass.config.config_dir) / "doorbell_vault"
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=3)
    vault = entry.runtime_data
    target = tmp_path_factory.mktemp("media") / "doorbell_vault"  # type: ignore[attr-defined]
    move = {"from": str(storage), "to": str(target)}
    await vault.store.async_call(meta.put, "footage_move", json.dumps(move))
    assert await hass.config_entries.async_unload(entry.entry_id)
    before = await hass.async_add_executor_job(_hashes, storage)
    # Home Assistant stopped mid-copy: one file copied, one cut short under its temporary name.
    first, second = sorted(before)[:2]
    (target / first).parent.mkdir(parents=True)
    (target / first).write_bytes((storage / first).read_bytes())
    (target / second).with_name(f".{Path(second).name}.moving.tmp").write_bytes(b"cut")

    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(lambda: entry.data.get(CONF_FOOTAGE_PATH) == str(target), 30)
    await hass.async_block_till_done()
    assert await hass.async_add_executor_job(_hashes, target) == before
    assert await hass.async_add_executor_job(_hashes, storage) == {}
    assert await entry.runtime_data.store.async_call(meta.get, "footage_move") is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_install_from_before_two_folders_keeps_its_footage_and_backs_up_its_state(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=2)
    vault = entry.runtime_data
    fingerprint = signing.key_fingerprint(await hass.async_add_executor_job(signing.signing_key, storage))
    camera = next(iter(vault.cameras))
    paths = {s.path for s in await vault.store.async_call(segments.of_camera, camera)}
    assert await hass.config_entries.async_unload(entry.entry_id)
    # As 0.2 left it: one folder outside the configuration folder, so no backup held the index or the keys.
    hass.config_entries.async_update_entry(entry, data={CONF_STORAGE_PATH: str(storage)}, minor_version=1)

    assert await hass.config_entries.async_setup(entry.entry_id)
    state = Path(hass.config.path("doorbell_vault"))
    assert entry.minor_version == 3
    assert (entry.data[CONF_STORAGE_PATH], entry.data[CONF_FOOTAGE_PATH]) == (str(state), str(storage))
    assert entry.data["webhook_id"]
    assert (state / DATABASE_FILE).is_file()
    assert not (storage / DATABASE_FILE).exists()
    moved = await hass.async_add_executor_job(signing.signing_key, state)
    assert signing.key_fingerprint(moved) == fingerprint
    vault = entry.runtime_data
    rows = await vault.store.async_call(segments.of_camera, camera)
    assert {s.path for s in rows} == paths
    assert all((storage / s.path).is_file() for s in rows)
    assert (await vault.lifecycle.async_verify_audit()).ok
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_moves_the_footage_to_another_folder(
    hass: HomeAssistant, storage: Path, sample_segment: Path, tmp_path_factory: object
) -> None:
    state = Path(hass.config.config_dir) / "doorbell_vault"
    entry = await footage_hub(hass, state, sample_segment, ("Front door",), segments=2, footage=storage)
    before = await hass.async_add_executor_job(_hashes, storage)
    result = await entry.start_reconfigure_flow(hass)
    assert result["description_placeholders"] == {"path": str(storage), "state": str(state)}
    refused = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_FOOTAGE_PATH: hass.config.path("footage")}
    )
    assert refused["errors"] == {CONF_FOOTAGE_PATH: "target_in_backups"}
    target = tmp_path_factory.mktemp("disk") / "footage"  # type: ignore[attr-defined]
    done = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_FOOTAGE_PATH: str(target)})
    assert done["reason"] == "reconfigure_successful"

    await wait_for(lambda: entry.data.get(CONF_FOOTAGE_PATH) == str(target), 30)
    await hass.async_block_till_done()
    assert "footage_move_to" not in entry.data
    assert entry.runtime_data.storage == target
    moved = await hass.async_add_executor_job(_hashes, target)
    assert {p: h for p, h in moved.items() if p.endswith(".mp4")} == before
    assert await hass.async_add_executor_job(_hashes, storage) == {}
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_move_that_cannot_copy_switches_nothing_and_says_so(
    hass: HomeAssistant, storage: Path, sample_segment: Path, tmp_path_factory: object
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=2)
    vault = entry.runtime_data
    blocked = tmp_path_factory.mktemp("disk") / "a-file"  # type: ignore[attr-defined]
    blocked.write_bytes(b"not a folder")
    await vault.recording.async_move_footage(blocked)
    assert entry.data.get(CONF_FOOTAGE_PATH) is None  # still the one folder it had
    assert vault.storage == storage
    assert await vault.store.async_call(meta.get, "footage_move") is None
    shown = hass.data["persistent_notification"][f"{DOMAIN}_footage_move"]
    assert "could not be moved" in shown["message"]
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_move_that_fails_after_the_recorders_stopped_starts_them_again(
    hass: HomeAssistant, storage: Path, sample_segment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=2)
    vault = entry.runtime_data
    copies: list[Path] = []

    def second_copy_fails(source: Path, target: Path, expected: object) -> None:
        copies.append(target)
        if len(copies) == 2:  # the catch-up copy, made once the recorders stopped
            raise footage_move.MoveError("the disk went away")

    monkeypatch.setattr(footage_move, "copy_verified", second_copy_fails)
    await vault.recording.async_move_footage(storage.parent / "elsewhere")
    assert len(copies) == 2
    assert vault.storage == storage
    (recorder,) = vault.recording.recorders.values()
    assert not recorder.stopping()
    assert recorder._task is not None
    assert not recorder._task.done()  # supervising again, not a loop that ended at once
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_seal_record_that_cannot_be_written_is_written_at_the_next_seal(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=2)
    vault = entry.runtime_data
    (storage / "seals").write_bytes(b"a file where the folder goes")
    assert await vault.custody.async_seal() is not None
    assert not (storage / "seals").is_dir()
    (storage / "seals").unlink()
    assert await vault.custody.async_seal() is None  # nothing new to seal, but the record is caught up
    assert len(list((storage / "seals").glob("seal-*.json"))) == 1
    assert await hass.config_entries.async_unload(entry.entry_id)
