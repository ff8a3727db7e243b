"""The committed bundles (the panel's and the dashboard card's) are what their sources build to, the build is
deterministic, the check fails when a source changes without a rebuild, and the sources import in no circle
(scripts/panel-build --check, run by scripts/lint)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
BUNDLE = Path("custom_components/doorbell_vault/frontend/doorbell-vault-panel.js")
CARD = BUNDLE.with_name("doorbell-vault-card.js")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (FRONTEND / "node_modules" / "esbuild").is_dir(),
    reason="needs Node and frontend/node_modules (scripts/panel-build installs them)",
)


def _copy(tmp_path: Path) -> Path:
    """The frontend and the committed bundles, laid out as in the repository."""
    frontend = tmp_path / "frontend"
    shutil.copytree(FRONTEND, frontend, ignore=shutil.ignore_patterns("node_modules"))
    (frontend / "node_modules").symlink_to(FRONTEND / "node_modules", target_is_directory=True)
    (tmp_path / BUNDLE).parent.mkdir(parents=True)
    for bundle in (BUNDLE, CARD):
        shutil.copyfile(ROOT / bundle, tmp_path / bundle)
    return frontend


def _node(frontend: Path, *args: str, script: str = "build.mjs") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", script, *args], cwd=frontend, capture_output=True, text=True, timeout=120, check=False
    )


def test_bundles_match_sources_and_build_the_same_bytes(tmp_path: Path) -> None:
    frontend = _copy(tmp_path)
    assert _node(frontend, "--check").returncode == 0
    first = [(tmp_path / bundle).read_bytes() for bundle in (BUNDLE, CARD)]
    assert _node(frontend).returncode == 0
    assert (
        [(tmp_path / b).read_bytes() for b in (BUNDLE, CARD)]
        == first
        == [(ROOT / b).read_bytes() for b in (BUNDLE, CARD)]
    )
    # The card's bundle stands alone: a dashboard never loads the panel's views.
    card = first[1].decode()
    assert "doorbell-vault-requests-card" in card
    assert "dv-inbox" not in card
    assert "dv-request-view" not in card


def test_the_sources_import_in_no_circle(tmp_path: Path) -> None:
    """Type-only imports count (issue 21: main.ts and the views it imports shared Change and Translate)."""
    assert _node(FRONTEND, script="cycles.mjs").returncode == 0
    frontend = _copy(tmp_path)
    navigate = frontend / "src" / "navigate.ts"
    navigate.write_text('import type { DoorbellVaultPanel } from "./main.js";\n' + navigate.read_text())
    result = _node(frontend, script="cycles.mjs")
    assert result.returncode == 1
    assert "import circle: navigate.ts → main.ts → navigate.ts" in result.stderr


def test_check_fails_when_a_source_changed_without_a_rebuild(tmp_path: Path) -> None:
    frontend = _copy(tmp_path)
    source = frontend / "src" / "navigate.ts"
    source.write_text(source.read_text().replace('"/doorbell-vault"', '"/doorbell-vault-changed"'))
    result = _node(frontend, "--check")
    assert result.returncode == 1
    assert "differs from frontend/src" in result.stderr
    assert (tmp_path / BUNDLE).read_bytes() == (ROOT / BUNDLE).read_bytes()  # the check writes nothing
