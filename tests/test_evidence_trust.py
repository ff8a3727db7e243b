"""Evidence that stands alone: who decided (a role unless the owner says otherwise), the recipient's terms,
and a signing key the recipient pins instead of trusting the key inside the package."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.doorbell_vault.const import (
    CONF_SHARE_DECIDER_NAME,
    CONF_SHARE_RETENTION_DAYS,
)
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence.export import verify_package

from .conftest import footage_hub
from .test_sharing import _share, _submit, _unzip

SYSTEM_PYTHON = "/usr/bin/python3"


async def _package(
    hass: HomeAssistant, entry: MockConfigEntry, client: Any, folder: Path, **share: Any
) -> tuple[Path, dict[str, Any]]:
    request_id = await _submit(hass, entry, 7, 19)
    shared = await _share(hass, request_id, **share)
    response = await client.get(URL(shared["share_url"]).path)
    assert response.status == 200
    _unzip(await response.read(), folder)
    return folder, json.loads((folder / "manifest.json").read_bytes())


def _run_verifier(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The recipient's side: the verifier shipped in the package, run by a plain Python, no Home Assistant."""
    return subprocess.run(
        [SYSTEM_PYTHON, "verify_package.py", ".", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


async def test_decider_is_a_role_and_terms_are_signed(
    hass: HomeAssistant,
    hass_admin_user: Any,
    hass_client_no_auth: ClientSessionGenerator,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    client = await hass_client_no_auth()
    hass_admin_user.name = "Alice Householder"
    from homeassistant.core import Context

    async def share_as_admin(folder: Path) -> dict[str, Any]:
        request_id = await _submit(hass, entry, 7, 19)
        shared = await hass.services.async_call(
            "doorbell_vault",
            "share_request",
            {"request_id": request_id},
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_admin_user.id),
        )
        assert shared is not None
        response = await client.get(URL(str(shared["share_url"])).path)
        _unzip(await response.read(), folder)
        return dict(json.loads((folder / "manifest.json").read_bytes()))

    manifest = await share_as_admin(tmp_path / "first")
    custody = (tmp_path / "first" / "CHAIN_OF_CUSTODY.txt").read_text()
    assert manifest["decision"]["decider_role"] == "household member"
    assert manifest["decision"]["decider"] is None
    assert "Alice" not in json.dumps(manifest) + custody
    assert "household member" in custody
    terms = manifest["terms"]
    assert terms["retention_days"] == 90
    assert terms["cameras"] == ["Front door"]
    assert terms["case_number"] == "2026-0042"
    assert any("Do not share it" in line for line in terms["text"])
    for line in terms["text"]:
        assert line in custody
    assert verify_package(tmp_path / "first") == []  # the terms are inside the signed manifest

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SHARE_DECIDER_NAME: True, CONF_SHARE_RETENTION_DAYS: 30}
    )
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    manifest = await share_as_admin(tmp_path / "second")
    assert manifest["decision"]["decider"] == "Alice Householder"
    assert "Alice Householder" in (tmp_path / "second" / "CHAIN_OF_CUSTODY.txt").read_text()
    assert manifest["terms"]["retention_days"] == 30
    await hass.config_entries.async_unload(entry.entry_id)


async def test_pinned_fingerprint_catches_a_re_signed_package(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    folder, manifest = await _package(hass, entry, await hass_client_no_auth(), tmp_path / "package")
    pinned = (await async_get_config_entry_diagnostics(hass, entry))["sharing"]["fingerprint"]
    assert manifest["signature"]["fingerprint"] == pinned
    assert pinned["hex"] in (folder / "CHAIN_OF_CUSTODY.txt").read_text()

    # The genuine package: the shipped verifier accepts it against the pin (hex or words).
    for given in (pinned["hex"], pinned["words"]):
        result = _run_verifier(folder, "--fingerprint", given)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "signed by the pinned key" in result.stdout
    unpinned = _run_verifier(folder)
    assert unpinned.returncode == 0
    assert "self-asserted key" in unpinned.stdout

    # Someone alters a clip and re-signs everything with a key of their own.
    forged = tmp_path / "forged"
    shutil.copytree(folder, forged)
    clip = forged / manifest["files"][0]["name"]
    data = bytearray(clip.read_bytes())
    data[len(data) // 2] ^= 0xFF
    clip.write_bytes(bytes(data))
    import hashlib

    other = Ed25519PrivateKey.generate()
    raw = other.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest["files"][0]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    manifest["signature"]["public_key"] = base64.b64encode(raw).decode()
    pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (forged / "public_key.pem").write_bytes(pem)
    manifest["other_files"]["public_key.pem"] = hashlib.sha256(pem).hexdigest()
    body = (json.dumps(manifest, indent=2) + "\n").encode()
    (forged / "manifest.json").write_bytes(body)
    (forged / "manifest.json.sig").write_bytes(other.sign(body))

    # The in-zip check alone is fooled; the pinned fingerprint is not.
    assert verify_package(forged) == []
    assert _run_verifier(forged).returncode == 0
    assert verify_package(forged, pinned["hex"])
    result = _run_verifier(forged, "--fingerprint", pinned["hex"])
    assert result.returncode == 1
    assert "not by the key you pinned" in result.stdout

    # One flipped byte in the genuine package fails the shipped verifier.
    original = (folder / "CHAIN_OF_CUSTODY.txt").read_bytes()
    (folder / "CHAIN_OF_CUSTODY.txt").write_bytes(original.replace(b"Springfield", b"Springfielt"))
    result = _run_verifier(folder, "--fingerprint", pinned["hex"])
    assert result.returncode == 1
    assert "CHAIN_OF_CUSTODY.txt does not match" in result.stdout
    await hass.config_entries.async_unload(entry.entry_id)


def test_the_shipped_verifier_runs_on_older_pythons() -> None:
    """Recipients run it with whatever Python they have: no syntax newer than 3.9, stdlib imports only."""
    import ast

    from custom_components.doorbell_vault.evidence import verify_package as checker

    tree = ast.parse(Path(checker.__file__).read_text(), feature_version=(3, 9))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported <= {"__future__", "argparse", "base64", "hashlib", "json", "subprocess", "sys"} | {
        "tempfile",
        "zipfile",
        "pathlib",
        "cryptography",  # optional: openssl is used without it
    }
