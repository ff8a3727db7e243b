"""verify.html, shipped in every package: opened offline in Debian's Chromium (Playwright), it checks every
SHA-256, the Ed25519 signature (WebCrypto), the capture-time proofs and a pinned fingerprint, and names what
fails when one byte changes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.evidence import signing, verify_package
from devkit.screenshot import CHROMIUM, CHROMIUM_ARGS

from .conftest import OnePackage, footage_hub, shared_package
from .verify_page import check_in_chromium

PAGE = Path(verify_package.__file__).with_name("verify.html")


def _choices_in_chromium(
    page_file: Path, fingerprint: str, choices: list[tuple[str, Any]]
) -> list[dict[str, Any]]:
    """On one page: make each choice (an input and its paths, or a folder for #files), then press Check."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.fill("#fingerprint", fingerprint)
        for selector, paths in choices:
            page.set_input_files(selector, paths)
            page.click("#check")
            page.wait_for_selector("#verdict:not([hidden])", timeout=30_000)
            results.append(
                {"verdict": page.inner_text("#verdict"), "failed": page.locator("li.fail").all_inner_texts()}
            )
        browser.close()
    return results


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_page_knows_the_same_words_as_the_verifier() -> None:
    words = re.search(r"const WORDS = \((.*?)\)\.split", PAGE.read_text(), re.S)
    assert words is not None
    text = "".join(re.findall(r'"([^"]*)"', words.group(1)))
    assert tuple(text.split(" ")) == verify_package.WORDS


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
@pytest.mark.timeout(240)
async def test_verify_html_in_chromium(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    storage: Path,
    sample_segment: Path,
    tmp_path: Path,
) -> None:
    entry = await footage_hub(hass, storage, sample_segment, ("Front door", "Back door"))
    await entry.runtime_data.custody.async_seal()
    genuine, manifest = await shared_package(hass, entry, await hass_client_no_auth(), tmp_path / "genuine")
    pinned = (await async_get_config_entry_diagnostics(hass, entry))["sharing"]["fingerprint"]
    await hass.config_entries.async_unload(entry.entry_id)

    clip, in_manifest, in_proof = (tmp_path / name for name in ("clip", "manifest", "proof"))
    for copy in (clip, in_manifest, in_proof):
        shutil.copytree(genuine, copy)
    _flip(clip / manifest["files"][0]["name"])
    text = (in_manifest / "manifest.json").read_text()
    (in_manifest / "manifest.json").write_text(text.replace("Springfield PD", "Springfield PE", 1))
    # A proof changed, and the manifest re-signed so the signature holds: the proof itself must fail.
    forged = json.loads((in_proof / "manifest.json").read_bytes())
    path = forged["files"][0]["sources"][0]["capture"]["path"]
    path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
    assert verify_package.verify_manifest_proofs(forged)
    body = (json.dumps(forged, indent=2, ensure_ascii=False) + "\n").encode()
    (in_proof / "manifest.json").write_bytes(body)
    household_key = await hass.async_add_executor_job(signing.signing_key, storage)
    (in_proof / "manifest.json.sig").write_bytes(household_key.sign(body))

    results = await hass.async_add_executor_job(
        check_in_chromium,
        [(genuine, pinned["hex"]), (genuine, pinned["words"]), (genuine, ""), (clip, pinned["hex"])]
        + [(in_manifest, pinned["hex"]), (in_proof, pinned["hex"])],
    )
    good, by_words, unpinned, bad_clip, bad_manifest, bad_proof = results
    for result in results:
        assert result["elsewhere"] == []  # nothing leaves the page
    assert good["verdict"] == "All checks passed.", good
    assert good["failures"] == 0
    assert any("capture-time proofs hold" in line for line in good["passed"])
    assert "Springfield PD" in good["facts"]
    assert by_words["failures"] == 0
    assert unpinned["failures"] == 0
    assert "against the package's own key" in unpinned["verdict"]
    assert bad_clip["verdict"].startswith("FAILED")
    assert bad_clip["failed"] == [
        f"{manifest['files'][0]['name']}: SHA-256 does not match the manifest (file changed)"
    ]
    assert any("signature" in line for line in bad_manifest["failed"])
    # Even signed by the household's own key, a changed proof is named.
    assert any("The Ed25519 signature matches" in line for line in bad_proof["passed"])
    assert any("capture-time proof" in line for line in bad_proof["failed"]), bad_proof


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
@pytest.mark.timeout(240)
async def test_verify_html_refuses_doctored_sets_and_starts_clean(
    hass: HomeAssistant, one_camera_package: OnePackage, tmp_path: Path
) -> None:
    genuine, manifest = one_camera_package.folder, one_camera_package.manifest
    pinned = one_camera_package.fingerprint["hex"]
    await hass.config_entries.async_unload(one_camera_package.entry.entry_id)  # the browser has the machine
    clip = manifest["files"][0]["name"]
    full = clip.replace(".mp4", "-FULL.mp4")
    changed = tmp_path / "changed" / clip
    changed.parent.mkdir()
    shutil.copyfile(genuine / clip, changed)
    _flip(changed)
    shutil.copyfile(genuine / clip, tmp_path / "changed" / full)
    good = sorted(str(p) for p in genuine.iterdir())
    # The doctored zip's entries, chosen one by one: a changed copy, the original of the same name, the whole
    # recording unlisted.
    doctored = [str(changed), *good, str(tmp_path / "changed" / full)]
    nested = tmp_path / "nested"
    shutil.copytree(genuine, nested)
    (nested / "originals").mkdir()
    shutil.copyfile(changed, nested / "originals" / clip)

    choices = [("#loose", doctored), ("#files", str(nested)), ("#loose", good), ("#files", str(genuine))]
    results = await hass.async_add_executor_job(
        _choices_in_chromium, genuine / "verify.html", pinned, [*choices, ("#loose", doctored)]
    )
    bad_zip, bad_folder, good_after_bad, good_folder, bad_after_good = results
    assert bad_zip["verdict"].startswith("FAILED"), bad_zip
    assert f"duplicate entry {clip}: two files of one name were chosen" in bad_zip["failed"]
    assert f"{full} is not listed in the manifest" in bad_zip["failed"]
    assert bad_folder["verdict"].startswith("FAILED"), bad_folder
    assert bad_folder["failed"] == [
        f"nested path originals/{clip}: files in subfolders are not used; "
        "a package holds its files at the top level only"
    ]
    # Each check starts clean: a good set after a doctored one passes, and the reverse fails.
    assert good_after_bad["verdict"] == "All checks passed.", good_after_bad
    assert good_folder["verdict"] == "All checks passed.", good_folder
    assert bad_after_good["failed"] == bad_zip["failed"]
