"""Evidence that stands alone: who decided (a role unless the owner says otherwise), the recipient's terms,
and a signing key the recipient pins instead of trusting the key inside the package."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.doorbell_vault.const import (
    CONF_SHARE_DECIDER_NAME,
    CONF_SHARE_RETENTION_DAYS,
)
from custom_components.doorbell_vault.evidence import verify_package
from custom_components.doorbell_vault.evidence.export import package_problems
from custom_components.doorbell_vault.store import Store, seals, segments

from .conftest import (
    OnePackage,
    audit_entries,
    footage_hub,
    share_request,
    shared_package,
    submit_request,
    unzip,
)
from .verify_page import run_verifier


async def test_decider_is_a_role_and_terms_are_signed(
    hass: HomeAssistant,
    hass_admin_user: Any,
    hass_client_no_auth: ClientSessionGenerator,
    front_door_footage: MockConfigEntry,
    tmp_path: Path,
) -> None:
    entry = front_door_footage
    client = await hass_client_no_auth()
    hass_admin_user.name = "Alice Householder"
    from homeassistant.core import Context

    async def share_as_admin(folder: Path) -> dict[str, Any]:
        request_id = await submit_request(hass, entry, 7, 19)
        shared = await share_request(hass, request_id, Context(user_id=hass_admin_user.id))
        response = await client.post(URL(str(shared["share_url"])).path)
        unzip(await response.read(), folder)
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
    assert package_problems(tmp_path / "first") == []  # the terms are inside the signed manifest

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SHARE_DECIDER_NAME: True, CONF_SHARE_RETENTION_DAYS: 30}
    )
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    manifest = await share_as_admin(tmp_path / "second")
    assert manifest["decision"]["decider"] == "Alice Householder"
    assert "Alice Householder" in (tmp_path / "second" / "CHAIN_OF_CUSTODY.txt").read_text()
    assert manifest["terms"]["retention_days"] == 30


async def test_pinned_fingerprint_catches_a_re_signed_package(
    one_camera_package: OnePackage, tmp_path: Path
) -> None:
    folder, manifest = one_camera_package.folder, one_camera_package.manifest
    pinned = one_camera_package.fingerprint
    assert manifest["signature"]["fingerprint"] == pinned
    assert pinned["hex"] in (folder / "CHAIN_OF_CUSTODY.txt").read_text()

    # The genuine package: the shipped verifier accepts it against the pin (hex or words).
    for given in (pinned["hex"], pinned["words"]):
        result = run_verifier(folder, "--fingerprint", given)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "signed by the pinned key" in result.stdout
    unpinned = run_verifier(folder)
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
    assert package_problems(forged) == []
    assert run_verifier(forged).returncode == 0
    assert package_problems(forged, pinned["hex"])
    result = run_verifier(forged, "--fingerprint", pinned["hex"])
    assert result.returncode == 1
    assert "not by the key you pinned" in result.stdout

    # One flipped byte in the genuine package fails the shipped verifier.
    original = (folder / "CHAIN_OF_CUSTODY.txt").read_bytes()
    (folder / "CHAIN_OF_CUSTODY.txt").write_bytes(original.replace(b"Springfield", b"Springfielt"))
    result = run_verifier(folder, "--fingerprint", pinned["hex"])
    assert result.returncode == 1
    assert "CHAIN_OF_CUSTODY.txt does not match" in result.stdout


async def test_the_verifier_refuses_duplicate_unlisted_and_nested_entries(
    one_camera_package: OnePackage, tmp_path: Path
) -> None:
    folder, manifest = one_camera_package.folder, one_camera_package.manifest
    pinned = one_camera_package.fingerprint["hex"]
    clip = manifest["files"][0]["name"]
    original = (folder / clip).read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01

    # A changed copy first, then the original under the same name (`unzip -n` keeps the first, Python's
    # zipfile the last), and the whole recording beside them, unlisted.
    doctored = tmp_path / "doctored.zip"
    with zipfile.ZipFile(doctored, "w") as archive:
        archive.writestr(clip, bytes(changed))
        for path in sorted(p for p in folder.iterdir() if p.name != clip):
            archive.write(path, path.name)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr(clip, original)
        archive.writestr(clip.replace(".mp4", "-FULL.mp4"), original)
    result = run_verifier(folder, "--fingerprint", pinned, package=str(doctored))
    assert result.returncode == 1, result.stdout
    assert f"FAIL: duplicate entry {clip!r}" in result.stdout
    assert f"FAIL: {clip.replace('.mp4', '-FULL.mp4')!r} is not listed in the manifest" in result.stdout
    assert "OK" not in result.stdout

    # Unpacked, with a changed copy in a subfolder: the top-level clip is genuine, the nested one is named.
    nested = tmp_path / "nested"
    shutil.copytree(folder, nested)
    (nested / "originals").mkdir()
    (nested / "originals" / clip).write_bytes(bytes(changed))
    result = run_verifier(nested, "--fingerprint", pinned)
    assert result.returncode == 1, result.stdout
    assert f"FAIL: nested path 'originals/{clip}'" in result.stdout
    assert any(
        "nested path" in problem for problem in package_problems(nested)
    )  # the integration's own check

    # The genuine zip, as the recipient downloads it, still passes.
    genuine = tmp_path / "genuine.zip"
    with zipfile.ZipFile(genuine, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    result = run_verifier(folder, "--fingerprint", pinned, package=str(genuine))
    assert result.returncode == 0, result.stdout


def test_the_verifier_refuses_symlinks_and_sizes_that_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    assert verify_package.verify(folder)[0] == []
    (folder / "clip.mp4").rename(tmp_path / "clip.mp4")
    (folder / "clip.mp4").symlink_to(tmp_path / "clip.mp4")
    assert "symlink 'clip.mp4': a package holds only plain files" in verify_package.verify(folder)[0]
    # A zip entry that unzip would make a symlink.
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        for name in ("manifest.json", "manifest.json.sig"):
            writer.write(folder / name, name)
        link = zipfile.ZipInfo("clip.mp4")
        link.external_attr = 0o120777 << 16
        writer.writestr(link, str(tmp_path / "clip.mp4"))
    assert verify_package.main([str(archive)]) == 1
    assert "FAIL: symlink 'clip.mp4'" in capsys.readouterr().out

    # The manifest says how long each clip is: another size is named even before its hash.
    (folder / "clip.mp4").unlink()
    (folder / "clip.mp4").write_bytes(b"video!")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    manifest["files"][0]["bytes"] = 5
    body = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.json.sig").write_bytes(key.sign(body))
    assert "'clip.mp4': size differs: 6 bytes here, 5 in the manifest" in verify_package.verify(folder)[0]


def test_the_shipped_verifier_runs_on_older_pythons() -> None:
    """Recipients run it with whatever Python they have: no syntax newer than 3.9, stdlib imports only."""
    import ast

    tree = ast.parse(Path(verify_package.__file__).read_text(), feature_version=(3, 9))
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
        "datetime",
        "typing",
        "cryptography",  # optional: openssl is used without it
        "c2pa",  # optional: only `--c2pa` reads redacted clips' C2PA manifests with it
    }


async def test_capture_time_proofs_and_an_edit_after_recording(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    front_door_footage: MockConfigEntry,
    tmp_path: Path,
) -> None:
    entry = front_door_footage
    vault = entry.runtime_data
    # The hourly seal folds the recorded segments' hashes into the audit chain.
    sealed = await vault.custody.async_seal()
    assert sealed is not None
    assert sealed.segments == 5
    assert (await audit_entries(entry.runtime_data, "footage_sealed"))[0]["root"] == sealed.root
    assert await vault.custody.async_seal() is None  # nothing new to seal

    client = await hass_client_no_auth()
    folder, manifest = await shared_package(hass, entry, client, tmp_path / "genuine")
    sources = [s for clip in manifest["files"] for s in clip["sources"]]
    assert sources
    assert all(s["capture"]["seal"] == sealed.seq for s in sources)
    assert str(sealed.seq) in manifest["seals"]
    result = run_verifier(folder)
    assert result.returncode == 0, result.stdout
    assert "sealed in the household's audit chain" in result.stdout

    # A source segment edited after it was recorded: the package built from it says so.
    request_id = await submit_request(hass, entry, 7, 19)
    segment = (await vault.store.async_call(segments.in_window, next(iter(vault.cameras)), 0, 2**62))[1]
    path = vault.storage / segment.path
    data = bytearray(path.read_bytes())
    data[len(data) - 100] ^= 0x01  # one byte of the last video sample
    path.write_bytes(bytes(data))
    shared = await share_request(hass, request_id)
    response = await client.post(URL(shared["share_url"]).path)
    edited = unzip(await response.read(), tmp_path / "edited")
    problems = package_problems(edited)
    assert any("is not what was recorded" in problem for problem in problems), problems
    assert run_verifier(edited).returncode == 1

    # A proof altered in the manifest (and the manifest re-signed by the household's own key) fails too.
    forged = json.loads((folder / "manifest.json").read_bytes())
    forged["files"][0]["sources"][0]["capture"]["path"][0] = "00" * 32
    assert any("capture-time proof" in p for p in verify_package.verify_manifest_proofs(forged))


async def test_a_dropped_in_file_is_foreign_and_never_exported(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",), segments=0)
    camera = next(iter(entry.runtime_data.cameras))
    base = entry.base  # type: ignore[attr-defined]
    name = f"{base:%Y%m%dT%H%M%SZ}.mp4"
    dropped = storage / camera / f"{base:%Y-%m-%d}" / f"{base:%H}" / name
    dropped.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_segment, dropped)
    gone = await entry.runtime_data.store.async_call(
        segments.add, camera, 1_000_000, 2_000_000, 10, f"{camera}/2026-01-01/00/gone.mp4", "ab" * 32
    )
    assert gone
    # A restart reconciles the index with the disk.
    assert await hass.config_entries.async_reload(entry.entry_id)
    vault = entry.runtime_data
    found = await vault.store.async_call(segments.in_window, camera, 0, 2**62)
    assert [s.path.rsplit("/", 1)[1] for s in found] == [name]
    assert await vault.store.async_call(segments.foreign_ids, [found[0].id]) == {found[0].id}
    assert (await audit_entries(entry.runtime_data, "footage_found"))[0]["origin"] == "foreign"
    assert (await audit_entries(entry.runtime_data, "footage_missing"))[0]["paths"] == [
        f"{camera}/2026-01-01/00/gone.mp4"
    ]
    notifications = hass.data["persistent_notification"]
    assert any("did not record" in n["title"] for n in notifications.values())
    # The foreign file is never sealed, and never exported.
    assert await vault.custody.async_seal() is None
    request_id = await submit_request(hass, entry, 0, 5)
    with pytest.raises(ServiceValidationError, match="None of the chosen cameras has footage"):
        await share_request(hass, request_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_pruned_segments_leave_the_others_provable(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    await store.async_open()
    digests = [hashlib.sha256(bytes([n])).hexdigest() for n in range(7)]
    ids = [
        await store.async_call(segments.add, "front", n * 10, n * 10 + 10, 1, f"front/{n}.mp4", digests[n])
        for n in range(7)
    ]
    sealed = await store.async_call(seals.seal, 1)
    assert sealed is not None
    await store.async_call(segments.remove, ids[:3])
    assert await store.async_call(seals.forget_empty) == 0
    proofs = await store.async_call(seals.proofs, ids[3:])
    assert set(proofs) == set(ids[3:])
    for segment_id, proof in proofs.items():
        digest = digests[ids.index(segment_id)]
        assert verify_package.in_tree(
            bytes.fromhex(digest), proof.index, 7, proof.path, bytes.fromhex(sealed.root)
        )
    await store.async_call(segments.remove, ids[3:])
    assert await store.async_call(seals.forget_empty) == 1
    await store.async_close()


async def test_shutdown_seals_the_last_segments(
    hass: HomeAssistant, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    assert await hass.config_entries.async_unload(entry.entry_id)
    with closing(sqlite3.connect(storage / "doorbell_vault.db")) as db, db:
        unsealed = db.execute("SELECT COUNT(*) FROM segments WHERE seal IS NULL").fetchone()[0]
        kinds = [row[0] for row in db.execute("SELECT kind FROM audit")]
    assert unsealed == 0
    assert "footage_sealed" in kinds


def test_every_audit_path_proves_its_leaf_and_only_it() -> None:
    """The store's trees (merkle.Tree) and the recipient's check (verify_package.in_tree) agree, RFC 6962."""
    from custom_components.doorbell_vault.merkle import Tree

    for size in range(1, 34):
        leaves = [hashlib.sha256(bytes([n])).digest() for n in range(size)]
        tree = Tree(leaves)
        root = tree.root()
        for index in range(size):
            path = [node.hex() for node in tree.path(index)]
            assert verify_package.in_tree(leaves[index], index, size, path, root)
            assert not verify_package.in_tree(b"\0" * 32, index, size, path, root)
            if size > 1:
                assert not verify_package.in_tree(leaves[index], (index + 1) % size, size, path, root)


def _signed_folder(folder: Path, files: dict[str, bytes]) -> tuple[Path, Ed25519PrivateKey]:
    """A minimal package signed with a fresh key (no Home Assistant needed)."""
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    manifest = {
        "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest()} for name, data in files.items()],
        "other_files": {},
        "signature": {"public_key": base64.b64encode(raw).decode()},
    }
    body = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.json.sig").write_bytes(key.sign(body))
    return folder, key


def test_the_verifier_checks_zips_and_works_with_openssl_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    archive = tmp_path / "package.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", folder)
    assert verify_package.main([str(archive), "--fingerprint", verify_package.fingerprint(raw)]) == 0
    assert "OK: the signature and every hash hold" in capsys.readouterr().out
    assert verify_package.main([str(archive), "--fingerprint", verify_package.fingerprint(b"\1" * 32)]) == 1
    assert "not by the key you pinned" in capsys.readouterr().out

    # A zip that would write outside the folder is refused before anything is extracted.
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as writer:
        writer.writestr("../outside.txt", b"x")
    assert verify_package.main([str(evil)]) == 1
    assert "FAIL: nested path '../outside.txt'" in capsys.readouterr().out

    # Without the cryptography package, openssl checks the signature.
    message, signature = b"manifest", key.sign(b"manifest")
    assert verify_package._openssl_verify(raw, signature, message)
    assert not verify_package._openssl_verify(raw, signature, b"manifest!")
    import builtins

    real_import = builtins.__import__

    def no_cryptography(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("cryptography"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    assert verify_package.verify(folder)[0] == []
    (folder / "manifest.json.sig").write_bytes(b"\0" * 64)
    assert verify_package.verify(folder)[0] == ["the signature does not match manifest.json"]


def test_the_verifier_names_unreadable_and_inconsistent_packages(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "cannot be read" in verify_package.verify(empty)[0][0]
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    other = Ed25519PrivateKey.generate().public_key()
    (folder / "public_key.pem").write_bytes(
        other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert "public_key.pem holds another key than the manifest" in verify_package.verify(folder)[0]
    (folder / "public_key.pem").write_bytes(b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n")
    assert "public_key.pem holds another key than the manifest" in verify_package.verify(folder)[0]
    manifest = json.loads((folder / "manifest.json").read_bytes())
    del manifest["files"]
    body = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.json.sig").write_bytes(key.sign(body))
    assert "manifest.json does not list the package's files" in verify_package.verify(folder)[0]
    # Seals: an altered or unreadable sealing entry, and a source without any proof.
    problems, notes = verify_package._capture_proofs(
        {
            "seals": {"3": {"seq": 3, "at_us": 1, "kind": "footage_sealed", "ref": None, "data": "{}",
                            "prev": "0", "hash": "bad"}, "4": {"seq": 4}},
            "files": [{"name": "a.mp4", "sources": [{"file": "s", "capture": None}]}],
        }
    )  # fmt: skip
    assert "audit entry 3 (a capture-time seal) was altered" in problems
    assert any("audit entry 4" in p and "cannot be read" in p for p in problems)
    assert any("no capture-time proof" in n for n in notes)
    assert verify_package._normalise(f"{verify_package.WORDS[1]} {verify_package.WORDS[255]}") == "01ff"
    assert verify_package._normalise("AB:cd ef") == "abcdef"


def test_the_verifier_names_a_doctored_layout_and_a_broken_proof(tmp_path: Path) -> None:
    """Checked in this process (the shipped file's own functions): each doctored part with its words."""
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    (folder / "extra").mkdir()  # an empty folder
    os.mkfifo(folder / "pipe")  # neither a file nor a folder
    problems = verify_package.verify(folder)[0]
    assert "nested path 'extra/': a package holds its files at the top level only" in problems
    assert "'pipe' is not a plain file" in problems
    # A zip holding one name twice, and a file that is no zip at all.
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as writer:
        for name in ("manifest.json", "manifest.json.sig", "clip.mp4"):
            writer.write(folder / name, name)
        with pytest.warns(UserWarning, match="Duplicate name"):
            writer.write(folder / "clip.mp4", "clip.mp4")
    assert "duplicate entry 'clip.mp4': a tool may take either copy" in verify_package.verify_zip(twice)[0]
    (not_zip := tmp_path / "not.zip").write_bytes(b"not a zip")
    assert verify_package.verify_zip(not_zip)[0][0].startswith("not.zip cannot be read as a zip: ")

    # A key that is no Ed25519 point, a proof for an index beyond its tree, a capture proof without a hash.
    assert not verify_package._signature_holds(b"\1" * 31, key.sign(b"m"), b"m")
    assert not verify_package.in_tree(b"\0" * 32, 3, 3, [], b"\0" * 32)
    entry = {"seq": 1, "at_us": 1, "kind": "seal", "ref": "", "prev": "", "data": '{"root": "00"}'}
    entry["hash"] = verify_package._entry_hash(entry)
    source = {"file": "a.mp4", "capture": {"seal": 1, "leaf_index": 0, "tree_size": 1, "path": []}}
    manifest = {"seals": {"1": entry}, "files": [{"name": "clip.mp4", "sources": [source]}]}
    assert verify_package.verify_manifest_proofs(manifest) == [
        "source segment a.mp4 of clip.mp4 is not what was recorded: its capture-time proof fails"
    ]


def _provenance(folder: Path, key: Ed25519PrivateKey, record: bytes, *, signed: bool = True) -> None:
    (folder / verify_package.PROVENANCE).write_bytes(record)
    (folder / verify_package.PROVENANCE_SIG).unlink(missing_ok=True)
    if signed:
        (folder / verify_package.PROVENANCE_SIG).write_bytes(key.sign(record))


def test_the_verifier_names_a_doctored_provenance_record(tmp_path: Path) -> None:
    """provenance.json signed by the household's key yet not agreeing with manifest.json: each disagreement
    named (its own functions, in this process)."""
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    listed = {"name": "clip.mp4", "sha256": "ab", "bytes": 5, "redacted": True, "sources": []}
    manifest: dict[str, Any] = {
        "files": [listed],
        "other_files": {verify_package.PROVENANCE: "", verify_package.PROVENANCE_SIG: ""},
    }
    clip = {"file": "clip.mp4", "sha256": "cd", "bytes": 5, "derived_from": [], "c2pa": {}}

    def problems(record: Any, *, signed: bool = True) -> list[str]:
        body = record if isinstance(record, bytes) else json.dumps(record).encode()
        _provenance(folder, key, body, signed=signed)
        return verify_package.provenance_problems(folder, manifest, raw)[0]

    name = verify_package.PROVENANCE
    good_format = verify_package.PROVENANCE_FORMAT
    assert problems({"format": "other/9", "clips": [clip]}) == [
        f"{name} is of an unknown format 'other/9'",
        f"clip.mp4: {name} names another file than manifest.json",
    ]
    assert problems({"format": good_format, "clips": []}) == [
        f"'clip.mp4' is redacted in one of manifest.json and {name} but not the other"
    ]
    assert problems(b"{not json")[0].startswith(f"{name} cannot be read: JSONDecodeError(")
    assert problems({"format": good_format})[0] == f"{name} cannot be read: KeyError('clips')"
    assert problems({"format": good_format, "clips": []}, signed=False)[0].startswith(
        f"{name} or its signature cannot be read: "
    )
    # A manifest whose files are not a list of records: left to the hashes to name.
    assert verify_package.provenance_problems(folder, {"files": [3]}, raw) == ([], [])


def test_a_broken_fingerprint_word_list_never_ships() -> None:
    """The shipped file refuses to load with a word list that would name two keys alike."""
    shipped = Path(verify_package.__file__)
    source = shipped.read_text()
    assert source.count('zebra zephyr"') == 1
    broken = compile(source.replace('zebra zephyr"', 'zebra zebra"'), str(shipped), "exec")
    with pytest.raises(ImportError, match="256 distinct words"):
        exec(broken, {"__name__": "broken_verify_package"})  # noqa: S102


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(seals=["not", "a", "mapping"]),
        lambda m: m["files"][0].update(sources=[{"file": "a.mp4", "capture": "sealed, trust me"}]),
        lambda m: m.update(files=["clip.mp4"]),
    ],
    ids=["seals_a_list", "capture_a_string", "files_names_only"],
)
def test_a_signed_but_malformed_manifest_is_refused_not_a_crash(tmp_path: Path, change: Any) -> None:
    """A package re-signed with another key (nothing pinned) may carry any shape: it fails with words."""
    folder, key = _signed_folder(tmp_path / "package", {"clip.mp4": b"video"})
    manifest = json.loads((folder / "manifest.json").read_bytes())
    change(manifest)
    body = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.json.sig").write_bytes(key.sign(body))
    problems, _ = verify_package.verify(folder)
    assert problems
    assert any("manifest" in p for p in problems), problems
