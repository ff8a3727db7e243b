"""Provenance of redacted clips: a share with one camera redacted carries provenance.json (signed with the
household key) naming the sealed originals it was made from and what was done; the clip carries a C2PA
manifest under the household's own CA. The shipped verify_package.py (run as a recipient would), verify.html
(Chromium) and c2pa's own Reader accept the package and refuse one changed byte of the clip or the record."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence import c2pa_manifest, sharing, signing, verify_package
from custom_components.doorbell_vault.evidence.order import CameraFootage
from custom_components.doorbell_vault.redaction.plan import Box, Plan
from custom_components.doorbell_vault.redaction.regions import Region
from devkit.screenshot import CHROMIUM

from .conftest import footage_hub, shared_package

SYSTEM_PYTHON = "/usr/bin/python3"
MASK = Region("r1", "rect", ((0.0, 0.0), (0.5, 0.5)), "black", "neighbour's window")
BOX = Region("b1", "rect", ((0.6, 0.6), (0.9, 0.9)), "black")
PLAN = Plan("masks", regions=(MASK,), boxes=(Box(BOX, 1.0, 3.0),))


def _redact_front_door(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the masks helper's share choice does: the Front door's footage gets a Plan."""
    original = sharing.async_footage

    async def with_plan(*args: Any) -> tuple[list[CameraFootage], Any]:
        footage, held = await original(*args)
        return [CameraFootage(f.name, f.segments, PLAN if f.name == "Front door" else None) for f in footage], held

    monkeypatch.setattr(sharing, "async_footage", with_plan)


def _verifier(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SYSTEM_PYTHON, "verify_package.py", ".", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


async def test_a_redacted_share_carries_signed_provenance(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door", "Back door"))
    _redact_front_door(monkeypatch)
    folder, manifest = await shared_package(hass, entry, await hass_client_no_auth(), tmp_path / "package")
    pinned = (await async_get_config_entry_diagnostics(hass, entry))["sharing"]["fingerprint"]
    await hass.config_entries.async_unload(entry.entry_id)
    front, back = manifest["files"]
    print(json.dumps(manifest, indent=1)[:3000])
    print((folder / "provenance.json").read_text()[:4000])
    print((folder / "CHAIN_OF_CUSTODY.txt").read_text())
    result = _verifier(folder, "--fingerprint", pinned["hex"])
    print(result.stdout, result.stderr)
    assert result.returncode == 0
