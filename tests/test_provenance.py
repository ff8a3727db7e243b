"""Provenance of redacted clips: a share with one camera redacted carries provenance.json (signed with the
household key) naming the sealed originals it was made from and what was done; the clip carries a C2PA
manifest under the household's own CA. The shipped verify_package.py (run as a recipient would), verify.html
(Chromium) and c2pa's own Reader accept the package and refuse one changed byte of the clip or the record."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence import (
    c2pa_manifest,
    custody_record,
    provenance,
    sharing,
    signing,
    verify_package,
)
from custom_components.doorbell_vault.evidence.order import CameraFootage
from custom_components.doorbell_vault.redaction import engine
from custom_components.doorbell_vault.redaction.plan import Box, Plan, Result
from custom_components.doorbell_vault.redaction.regions import Region
from custom_components.doorbell_vault.store import inbox
from devkit.screenshot import CHROMIUM

from .conftest import footage_hub, share_request, shared_package, submit_request
from .verify_page import check_in_chromium, run_verifier

MASK = Region("r1", "rect", ((0.0, 0.0), (0.5, 0.5)), "black", "neighbour's window")
BOX = Region("b1", "rect", ((0.6, 0.6), (0.9, 0.9)), "black")
PLAN = Plan("masks", regions=(MASK,), boxes=(Box(BOX, 1.0, 3.0),))


def _redact_front_door(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the masks helper's share choice does: the Front door's footage gets a Plan."""
    original = sharing.async_footage

    async def with_plan(*args: Any) -> tuple[list[CameraFootage], Any]:
        footage, held = await original(*args)
        return [
            CameraFootage(f.name, f.segments, PLAN if f.name == "Front door" else None) for f in footage
        ], held

    monkeypatch.setattr(sharing, "async_footage", with_plan)


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


def _resign(folder: Path, key: Any, change: Any) -> None:
    """Change provenance.json, then sign it, list it and sign the manifest again with the household's key."""
    record = json.loads((folder / "provenance.json").read_bytes())
    change(record)
    body = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()
    (folder / "provenance.json").write_bytes(body)
    (folder / "provenance.json.sig").write_bytes(key.sign(body))
    manifest = json.loads((folder / "manifest.json").read_bytes())
    for name in ("provenance.json", "provenance.json.sig"):
        manifest["other_files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {line.split("  ", 1)[1]: line for line in sums}
    for name in ("provenance.json", "provenance.json.sig"):
        listed[name] = f"{manifest['other_files'][name]}  {name}"
    (folder / "SHA256SUMS").write_text("".join(f"{line}\n" for line in listed.values()))
    manifest["other_files"]["SHA256SUMS"] = hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest()
    text = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    (folder / "manifest.json").write_bytes(text)
    (folder / "manifest.json.sig").write_bytes(key.sign(text))


def _c2pa_state(clip: Path, anchor: Path | None) -> tuple[str, dict[str, Any]]:
    """c2pa's own Reader: the validation state and the active manifest (the household CA as anchor)."""
    import c2pa

    context = None
    if anchor is not None:
        settings = {"verify": {"verify_trust": True}, "trust": {"trust_anchors": anchor.read_text()}}
        context = c2pa.Context(settings=c2pa.Settings.from_dict(settings))
    with c2pa.Reader(str(clip), context=context) as reader:
        return str(reader.get_validation_state()), dict(reader.get_active_manifest() or {})


def _first_frame_luma(clip: Path) -> Any:
    import av

    with av.open(str(clip)) as container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="gray")


def _assert_the_package_holds_the_clip_and_its_record(
    genuine: Path, manifest: dict[str, Any], built: list[str]
) -> dict[str, Any]:
    """The redacted clip, its signed record and the household CA; no original, no scratch file."""
    front, back = manifest["files"]
    assert (front["camera"], front["redacted"], "redacted" in back) == ("Front door", True, False)
    assert manifest["decision"]["redaction"] == {"Front door": "masks", "Back door": "originals"}
    assert {"provenance.json", "provenance.json.sig", "c2pa_ca.pem"} <= set(manifest["other_files"])
    assert (
        sorted(p.name for p in genuine.iterdir())
        == built
        == sorted(
            [front["name"], back["name"], *manifest["other_files"], "manifest.json", "manifest.json.sig"]
        )
    )
    assert {s["sha256"] for s in front["sources"]}.isdisjoint(f["sha256"] for f in manifest["files"])
    sums = (genuine / "SHA256SUMS").read_text()
    assert f"{manifest['other_files']['provenance.json']}  provenance.json" in sums
    record = json.loads((genuine / "provenance.json").read_bytes())
    assert record["format"] == "doorbell-vault-provenance/1"
    (clip,) = record["clips"]
    assert (clip["file"], clip["sha256"], clip["bytes"]) == (front["name"], front["sha256"], front["bytes"])
    assert clip["derived_from"] == [
        {k: s[k] for k in ("file", "start", "end", "bytes", "sha256", "capture")} for s in front["sources"]
    ]
    assert all(s["capture"] for s in clip["derived_from"])
    ops = clip["operations"]
    assert ops["mode"] == "masks"
    assert ops["regions"][0]["points"] == [[0.0, 0.0], [0.5, 0.5]]
    assert ops["boxes"][0]["start_s"] == 1.0
    assert ops["detector"] is None
    # The window starts 1 s after the keyframe the cut starts on (keyframes every 2 s; the window at 7 s).
    assert clip["cut"]["redaction_start_s"] == 1.0
    assert clip["window"]["start"] == manifest["window"]["start"] == front["start"]
    assert clip["c2pa"]["embedded"] is True
    custody = (genuine / "CHAIN_OF_CUSTODY.txt").read_text()
    assert "REDACTED (masks): re-encoded from the sealed original segments 01.mp4" in custody
    assert "provenance.json" in custody
    return dict(front)


def _assert_the_household_ca_signs_and_is_the_anchor(storage: Path, genuine: Path) -> None:
    """The household CA and its signer beside the signing key, owner-only; the CA is the package's anchor."""
    assert (storage / signing.KEY_FILE).is_file()
    for name in (
        c2pa_manifest.CA_KEY,
        c2pa_manifest.CA_CERT,
        c2pa_manifest.SIGNER_KEY,
        c2pa_manifest.SIGNER_CERT,
    ):
        assert (storage / name).stat().st_mode & 0o777 == 0o600
    assert (genuine / "c2pa_ca.pem").read_bytes() == (storage / c2pa_manifest.CA_CERT).read_bytes()
    signer = x509.load_pem_x509_certificate((storage / c2pa_manifest.SIGNER_CERT).read_bytes())
    assert signer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert signer.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    usages = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert {u.dotted_string for u in usages} == {"1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36"}


def _doctored_copies(genuine: Path, tmp_path: Path, front: dict[str, Any], key: Any) -> dict[str, Path]:
    """One byte of the clip, one byte of the record, a record re-signed by the household's own key (manifest
    too) that names other originals, and the record taken out with the manifest re-signed."""
    variants = {name: tmp_path / name for name in ("clip", "record", "resigned", "stripped")}
    for folder in variants.values():
        shutil.copytree(genuine, folder)
    _flip(variants["clip"] / front["name"])
    _flip(variants["record"] / "provenance.json")

    def other_originals(record: dict[str, Any]) -> None:
        record["clips"][0]["derived_from"][0]["file"] = "00.mp4"

    _resign(variants["resigned"], key, other_originals)
    stripped = variants["stripped"]
    for name in ("provenance.json", "provenance.json.sig"):
        (stripped / name).unlink()
    listing = json.loads((stripped / "manifest.json").read_bytes())
    for name in ("provenance.json", "provenance.json.sig"):
        del listing["other_files"][name]
    body = (json.dumps(listing, indent=2) + "\n").encode()
    (stripped / "manifest.json").write_bytes(body)
    (stripped / "manifest.json.sig").write_bytes(key.sign(body))
    return variants


def _assert_the_shipped_verifier_holds(
    genuine: Path, variants: dict[str, Path], front: dict[str, Any], pinned: str, summary: str
) -> None:
    ok = run_verifier(genuine, "--fingerprint", pinned)
    assert ok.returncode == 0, ok.stdout
    # The same checker in this process too (what the subprocess ran, measured).
    problems, notes = verify_package.verify(genuine, pinned)
    assert (problems, summary in notes) == ([], True)
    for folder in variants.values():
        assert verify_package.verify(folder, pinned)[0] != []
    assert f"note: {summary}" in ok.stdout
    bad = {name: run_verifier(folder, "--fingerprint", pinned) for name, folder in variants.items()}
    assert bad["clip"].returncode == 1
    assert f"FAIL: {front['name']} does not match the manifest" in bad["clip"].stdout
    assert bad["record"].returncode == 1
    assert "FAIL: provenance.json does not match the manifest" in bad["record"].stdout
    assert "FAIL: provenance.json.sig does not match provenance.json" in bad["record"].stdout
    assert bad["resigned"].returncode == 1
    assert bad["resigned"].stdout.count("FAIL") == 1, bad["resigned"].stdout
    assert "names other originals than the manifest's sources" in bad["resigned"].stdout
    assert bad["stripped"].returncode == 1
    assert "FAIL: the manifest has redacted clips but does not list provenance.json" in bad["stripped"].stdout


def _assert_the_c2pa_reader_holds(genuine: Path, doctored_clip: Path, front: dict[str, Any]) -> None:
    """c2pa's own Reader: the household CA as trust anchor makes the clip trusted; one byte changed, not."""
    state, active = _c2pa_state(genuine / front["name"], genuine / "c2pa_ca.pem")
    assert state == "Trusted"
    assert _c2pa_state(genuine / front["name"], None)[0] == "Valid"
    actions = next(a for a in active["assertions"] if a["label"] == "c2pa.actions.v2")["data"]["actions"]
    assert [a["action"] for a in actions] == ["c2pa.opened", "c2pa.edited", "c2pa.transcoded"]
    ours = next(a for a in active["assertions"] if a["label"] == c2pa_manifest.SOURCES_LABEL)["data"]
    assert [s["sha256"] for s in ours["derived_from"]] == [s["sha256"] for s in front["sources"]]
    assert _c2pa_state(doctored_clip / front["name"], genuine / "c2pa_ca.pem")[0] == "Invalid"
    code, out = _verifier_here(genuine, "--c2pa")
    trusted = f"note: {front['name']}: C2PA manifest Trusted (trust anchor c2pa_ca.pem)"
    assert (code, trusted in out) == (0, True), out
    code, out = _verifier_here(doctored_clip, "--c2pa")
    assert code == 1
    assert f"FAIL: {front['name']}: C2PA manifest Invalid" in out, out


def _verifier_here(folder: Path, *args: str) -> tuple[int, str]:
    """The package's verify_package.py (the very bytes of this module, its manifest says) run in this Python,
    where c2pa-python is installed (it is not in the system's): exit status and what it printed."""
    assert (folder / "verify_package.py").read_bytes() == Path(verify_package.__file__).read_bytes()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = verify_package.main([str(folder), *args])
    return code, printed.getvalue()


def _assert_the_page_holds(pages: list[dict[str, Any]], front: dict[str, Any], summary: str) -> None:
    good, bad_clip, bad_record, resigned, bare = pages
    assert good["verdict"] == "All checks passed.", good
    assert summary in good["passed"]
    assert "The Ed25519 signature matches provenance.json" in good["passed"]
    assert "Front door: masks; Back door: originals" in good["facts"]
    assert bad_clip["failed"] == [f"{front['name']}: SHA-256 does not match the manifest (file changed)"]
    assert "provenance.json.sig does not match provenance.json" in bad_record["failed"], bad_record
    assert "provenance.json: SHA-256 does not match the manifest (file changed)" in bad_record["failed"]
    assert resigned["failed"] == [
        f"{front['name']}: provenance.json names other originals than the manifest's sources"
    ], resigned
    assert bare["failed"] == ["provenance.json and provenance.json.sig are needed for the redacted clips"], (
        bare
    )


@pytest.mark.timeout(240)
async def test_a_redacted_share_carries_signed_provenance_every_checker_holds_to(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door", "Back door"))
    _redact_front_door(monkeypatch)
    genuine, manifest = await shared_package(hass, entry, await hass_client_no_auth(), tmp_path / "genuine")
    pinned = (await async_get_config_entry_diagnostics(hass, entry))["sharing"]["fingerprint"]["hex"]
    household_key = await hass.async_add_executor_job(signing.signing_key, storage)
    kept = sorted(p.name for p in (storage / "shares").iterdir())
    built = sorted(p.name for p in (storage / "shares" / kept[0]).iterdir())
    await hass.config_entries.async_unload(entry.entry_id)

    front = _assert_the_package_holds_the_clip_and_its_record(genuine, manifest, built)
    _assert_the_household_ca_signs_and_is_the_anchor(storage, genuine)
    # The mask reached the pixels (black top-left quarter), the rest of the picture did not.
    luma = _first_frame_luma(genuine / front["name"])
    assert luma[:100, :140].max() < 30
    assert luma[140:, :150].mean() > 40

    variants = _doctored_copies(genuine, tmp_path, front, household_key)
    summary = (
        f"{front['name']}: redacted from sealed originals 01.mp4, 02.mp4, 03.mp4, 2 regions, by masks only"
    )
    _assert_the_shipped_verifier_holds(genuine, variants, front, pinned, summary)
    _assert_the_c2pa_reader_holds(genuine, variants["clip"], front)
    # verify.html in Chromium, one browser for every folder.
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    runs = [(genuine, pinned), *((folder, pinned) for folder in variants.values())]
    _assert_the_page_holds(await hass.async_add_executor_job(check_in_chromium, runs), front, summary)


async def test_without_c2pa_the_record_says_why_and_the_package_still_verifies(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    monkeypatch.setitem(sys.modules, "c2pa", None)  # `import c2pa` fails, as on a musl Home Assistant
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    _redact_front_door(monkeypatch)
    folder, manifest = await shared_package(hass, entry, await hass_client_no_auth(), tmp_path / "package")
    await hass.config_entries.async_unload(entry.entry_id)
    (clip,) = json.loads((folder / "provenance.json").read_bytes())["clips"]
    assert clip["c2pa"]["embedded"] is False
    assert "c2pa-python is not installed" in clip["c2pa"]["reason"]
    assert "c2pa_ca.pem" not in manifest["other_files"]
    assert not (storage / c2pa_manifest.CA_KEY).exists()
    assert manifest["files"][0]["redacted"] is True
    result = run_verifier(folder)
    assert result.returncode == 0, result.stdout
    assert "redacted from sealed originals" in result.stdout
    assert "C2PA manifest: none" in (folder / "CHAIN_OF_CUSTODY.txt").read_text()


async def test_a_share_given_up_stops_its_redaction_and_stays_pending(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, storage: Path, sample_segment: Path
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door",))
    vault = entry.runtime_data
    _redact_front_door(monkeypatch)
    real = engine.redact

    def redact(*args: Any, progress: Any = None, cancel: Any = None, **kwargs: Any) -> Any:
        def step(fraction: float) -> None:
            # The share is given up (Home Assistant stops) while the clip is redacted.
            if not cancel.is_set():
                hass.loop.call_soon_threadsafe(vault.shares.cancel_builds)
                assert cancel.wait(30)
            if progress is not None:
                progress(fraction)

        return real(*args, progress=step, cancel=cancel, **kwargs)

    monkeypatch.setattr(engine, "redact", redact)
    request_id = await submit_request(hass, entry, 7, 19)
    with pytest.raises(HomeAssistantError, match="cancelled"):
        await share_request(hass, request_id)
    request = await vault.store.async_call(inbox.get, request_id)
    assert request is not None
    assert request.status == "pending"
    assert [p.name for p in (storage / "shares").iterdir()] == []
    await hass.config_entries.async_unload(entry.entry_id)


def test_the_record_names_the_detector_and_the_frames_it_changed() -> None:
    """Masks and faces: the record states the detector as the engine ran it and which frames it changed."""
    plan = Plan("masks_faces", regions=(MASK,), clear=(BOX,))
    detector = {"name": "dlib HOG frontal face detector", "package": "dlib-bin", "version": "20.0.1"}
    result = Result(frames=50, width=320, height=240, detected_frames=[(3, 9), (20, 24)], faces=1)
    result.detector = detector
    ops = provenance.operations(plan, result)
    assert (ops["mode"], ops["detector"], ops["faces"]) == ("masks_faces", detector, 1)
    assert ops["detected_frames"] == [[3, 9], [20, 24]]
    assert [r["id"] for r in ops["clear"]] == ["b1"]


def test_the_custody_record_says_in_words_which_detector_changed_which_frames() -> None:
    """Masks and faces in CHAIN_OF_CUSTODY.txt: the detector, its version and what it changed, in words; a
    detector's own words (its version) quoted, so they cannot forge a line of the record."""
    plan = Plan("masks_faces", regions=(MASK,), clear=(BOX,))
    result = Result(frames=50, width=320, height=240, detected_frames=[(3, 9), (20, 24)], faces=2)
    result.detector = {"name": "dlib HOG frontal face detector", "version": "20.0.1\nforged: line"}
    result.encoder = {"library": "libx264", "codec": "h264", "preset": "veryfast"}
    clip = {
        "operations": provenance.operations(plan, result),
        "derived_from": [{"file": "01.mp4", "sha256": "ab" * 32}],
        "encoder": result.encoder,
        "frames": result.frames,
        "c2pa": {"embedded": False, "reason": "c2pa-python is not installed on this system"},
    }
    lines = custody_record.redaction_lines(clip)
    assert lines == [
        "    REDACTED (masks_faces): re-encoded from the sealed original segments 01.mp4"
        f" (sha256 {'ab' * 32})",
        "    hidden: 1 mask region(s) and 0 box(es) drawn by hand (black)",
        '    faces: found by "dlib HOG frontal face detector" "20.0.1\\nforged: line", 2 face(s) in 2 frame'
        " range(s) blurred; 1 region(s) kept clear",
        '    encoder: "libx264" "h264" "veryfast"; 50 frames',
        '    C2PA manifest: none ("c2pa-python is not installed on this system")',
    ]
