"""The committed panel bundle is what its sources build to, the build is deterministic, and the check fails
when a source changes without a rebuild (scripts/panel-build --check, run by scripts/lint)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
BUNDLE = Path("custom_components/doorbell_vault/frontend/doorbell-vault-panel.js")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (FRONTEND / "node_modules" / "esbuild").is_dir(),
    reason="needs Node and frontend/node_modules (scripts/panel-build installs them)",
)


def _copy(tmp_path: Path) -> Path:
    """The frontend and the committed bundle, laid out as in the repository."""
    frontend = tmp_path / "frontend"
    shutil.copytree(FRONTEND, frontend, ignore=shutil.ignore_patterns("node_modules"))
    (frontend / "node_modules").symlink_to(FRONTEND / "node_modules", target_is_directory=True)
    (tmp_path / BUNDLE).parent.mkdir(parents=True)
    shutil.copyfile(ROOT / BUNDLE, tmp_path / BUNDLE)
    return frontend


def _node(frontend: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", "build.mjs", *args], cwd=frontend, capture_output=True, text=True, timeout=120, check=False
    )


def test_bundle_matches_sources_and_builds_the_same_bytes(tmp_path: Path) -> None:
    frontend = _copy(tmp_path)
    assert _node(frontend, "--check").returncode == 0
    first = (tmp_path / BUNDLE).read_bytes()
    assert _node(frontend).returncode == 0
    assert (tmp_path / BUNDLE).read_bytes() == first == (ROOT / BUNDLE).read_bytes()


def test_check_fails_when_a_source_changed_without_a_rebuild(tmp_path: Path) -> None:
    frontend = _copy(tmp_path)
    source = frontend / "src" / "navigate.ts"
    source.write_text(source.read_text().replace('"/doorbell-vault"', '"/doorbell-vault-changed"'))
    result = _node(frontend, "--check")
    assert result.returncode == 1
    assert "differs from frontend/src" in result.stderr
    assert (tmp_path / BUNDLE).read_bytes() == (ROOT / BUNDLE).read_bytes()  # the check writes nothing
