"""`scripts/develop`'s path, end to end: a real `hass` process, the docs' login, Doorbell Vault loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devkit.develop import OWNER_PASSWORD, OWNER_USERNAME

from .conftest import free_port, isolated_network

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_develop_runs_home_assistant_with_doorbell_vault(tmp_path: Path) -> None:
    prefix = isolated_network()
    port = 8123 if prefix else free_port()
    result = subprocess.run(
        [
            *prefix,
            sys.executable,
            "-m",
            "devkit.develop",
            "--check",
            *(["--in-namespace"] if prefix else []),
            "--config",
            str(tmp_path / "config"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    log = tmp_path / "config" / "home-assistant.log"
    assert result.returncode == 0, result.stderr[-4000:] + (log.read_text()[-4000:] if log.exists() else "")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == _expected_report(report["doorbell_url"], namespaced=bool(prefix))
    assert report["doorbell_url"].startswith("rtsp://127.0.0.1:")
    _assert_the_config_folder_is_what_develop_writes(tmp_path / "config")


def _expected_report(doorbell_url: str, *, namespaced: bool) -> dict[str, Any]:
    """What `devkit.develop --check` reports of a working set-up (mDNS discovery only in a namespace)."""
    return {
        "entry_state": "loaded",
        "entry_title": "Doorbell Vault",
        "logged_in": True,
        "doorbell_url": doorbell_url,
        "database": True,
        "footage_beside_config": True,
        "backup": {
            "made": True,
            "footage_files": 0,
            "index_integrity": "ok",
            "index_marked": True,
            "signing_key": True,
        },
        "cameras": 1,
        "recording": True,
        # An automation made from our blueprint through the config API loads and decides.
        "blueprint": {"automation": "on", "request_status": "declined", "decided_by": "automation"},
        "wrong_password_refused": True,
        "hass_running": True,
        **(
            {
                "mdns_discovery": {
                    "step_id": "discovery_confirm",
                    "unique_id": "mac-1c:ca:e3:aa:bb:cc",
                    "title": "Porch Camera",
                }
            }
            if namespaced
            else {}
        ),
    }


def _assert_the_config_folder_is_what_develop_writes(folder: Path) -> None:
    config = (folder / "configuration.yaml").read_text()
    assert "default_config:" in config
    # Home Assistant's own default includes: what the UI saves is loaded.
    for include in ("automation: !include automations.yaml", "script: !include scripts.yaml"):
        assert include in config
    assert "scene: !include scenes.yaml" in config
    assert "doorbell_vault_decline_every_request" in (folder / "automations.yaml").read_text()
    http = json.loads((folder / ".storage" / "http").read_text())["data"]
    assert http["stable"]["server_host"] == ["127.0.0.1"]
    assert http["pending"] is None
    assert (folder / "custom_components" / "doorbell_vault").resolve() == (
        ROOT / "custom_components" / "doorbell_vault"
    )
    # docs/development.md states the credentials the check logged in with.
    development = (ROOT / "docs" / "development.md").read_text()
    assert f"| `{OWNER_USERNAME}` | `{OWNER_PASSWORD}` |" in development


def test_develop_adds_home_assistants_includes_to_a_configuration_it_wrote_before(tmp_path: Path) -> None:
    from devkit.develop import WRITTEN_BY, prepare_config

    config = tmp_path / "config"
    config.mkdir()
    before = WRITTEN_BY + "default_config:\n\nlogger:\n  default: info\n"
    (config / "configuration.yaml").write_text(before)
    (config / "automations.yaml").write_text("- id: mine\n")
    prepare_config(config, 8123)
    text = (config / "configuration.yaml").read_text()
    assert text.startswith(before)
    assert "automation: !include automations.yaml" in text
    assert text.count("default_config:") == 1
    assert (config / "automations.yaml").read_text() == "- id: mine\n"
    assert (config / "scripts.yaml").read_text() == ""
    # The owner's own configuration is never touched.
    (config / "configuration.yaml").write_text("homeassistant:\n")
    prepare_config(config, 8123)
    assert (config / "configuration.yaml").read_text() == "homeassistant:\n"
