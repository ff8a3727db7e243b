"""A power cut on an SD card: a damaged index is set aside and rebuilt from the footage and seal records."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.doorbell_vault.const import DATABASE_FILE, DOMAIN
from custom_components.doorbell_vault.recording import desk
from custom_components.doorbell_vault.recording.recorder import Recorder
from custom_components.doorbell_vault.recording.segment_filing import segment_folder
from custom_components.doorbell_vault.store import seals, segments

from .conftest import audit_entries, footage_hub


def _torn_page(database: Path) -> None:
    raw = bytearray(database.read_bytes())
    raw[4096 : 4096 + 2048] = bytes(2048)  # the first half of the second page never reached the card
    database.write_bytes(bytes(raw))


def _cut(database: Path) -> None:
    with database.open("r+b") as file:
        file.truncate(database.stat().st_size // 2)


async def _sealed_footage(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> tuple[MockConfigEntry, str, seals.Seal]:
    """A hub with one camera's four segments of footage, sealed: the entry, the camera, the seal."""
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=4)
    (camera,) = entry.runtime_data.cameras
    sealed = await entry.runtime_data.custody.async_seal()
    assert sealed is not None
    return entry, camera, sealed


@pytest.mark.parametrize("damage", [_torn_page, _cut], ids=["torn_page", "cut_file"])
async def test_a_damaged_index_is_rebuilt_from_the_footage_and_its_seal_records(
    hass: HomeAssistant, storage: Path, sample_segment: Path, damage: Callable[[Path], None]
) -> None:
    entry, camera, sealed = await _sealed_footage(hass, storage, sample_segment)
    vault = entry.runtime_data
    (record,) = (storage / "seals").glob("seal-*.json")
    sealed_head = json.loads(record.read_text())["record"]["audit"]["hash"]
    recorded = {s.path for s in await vault.store.async_call(segments.of_camera, camera)}
    # Recorded after the last seal: no record proves it.
    later = entry.base + timedelta(minutes=5)
    stray = storage / segment_folder(camera, int(later.timestamp() * 1e6)) / f"{later:%Y%m%dT%H%M%SZ}.mp4"
    stray.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_segment, stray)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_add_executor_job(damage, storage / DATABASE_FILE)

    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    rows = await vault.store.async_call(segments.of_camera, camera)
    foreign = await vault.store.async_call(segments.foreign_ids, [s.id for s in rows])
    assert {s.path for s in rows if s.id not in foreign} == recorded
    assert [s.path for s in rows if s.id in foreign] == [str(stray.relative_to(storage))]
    proofs = await vault.store.async_call(seals.proofs, [s.id for s in rows])
    assert len(proofs) == 4
    assert {p.root for p in proofs.values()} == {sealed.root}

    check = await vault.lifecycle.async_verify_audit()
    assert check.ok
    entries = [json.loads(line) for line in await vault.lifecycle.async_export_audit()]
    (rebuilt,) = [e for e in entries if e["kind"] == "index_rebuilt"]
    assert rebuilt["data"]["last_proven"]["hash"] == sealed_head
    assert rebuilt["data"]["segments_recovered"] == 4
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "index_rebuilt")
    assert issue is not None
    assert issue.translation_placeholders is not None
    set_aside = storage / issue.translation_placeholders["set_aside"]
    assert set_aside.exists()
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_large_rebuild_is_settled_while_the_recorders_already_record(
    hass: HomeAssistant, storage: Path, sample_segment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry, camera, sealed = await _sealed_footage(hass, storage, sample_segment)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_add_executor_job(_cut, storage / DATABASE_FILE)
    # Four files stand for tens of gigabytes: more than a start may hash before recording resumes.
    monkeypatch.setattr(desk, "QUICK_SETTLE_FILES", 3)
    steps: list[str] = []
    real_settle, real_start = desk.settle, Recorder.start

    async def settle(*args: Any) -> Any:
        steps.append("settle")
        return await real_settle(*args)

    def start(self: Recorder) -> None:
        steps.append("record")
        real_start(self)

    monkeypatch.setattr(desk, "settle", settle)
    monkeypatch.setattr(Recorder, "start", start)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert steps == ["record", "settle"]
    vault = entry.runtime_data
    rows = await vault.store.async_call(segments.of_camera, camera)
    proofs = await vault.store.async_call(seals.proofs, [s.id for s in rows])
    assert {p.root for p in proofs.values()} == {sealed.root}
    assert len(proofs) == 4
    (rebuilt,) = await audit_entries(vault, "index_rebuilt")
    assert rebuilt["segments_recovered"] == 4
    assert await hass.config_entries.async_unload(entry.entry_id)
