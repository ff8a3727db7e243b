"""Home Assistant's conventions: the quality scale's rules, parallel updates, the recorder's history."""

from __future__ import annotations

import ast
import importlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from homeassistant.components import media_source
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.doorbell_vault import PLATFORMS
from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.store import segments

from .conftest import Offline, camera_subentry, make_hub

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN
TESTS = Path(__file__).resolve().parent
LONGEST_FUNCTION = 60  # lines of a function in tests/, from its `def` to its last line

# Home Assistant's Integration Quality Scale, as hassfest (script/hassfest/quality_scale.py) lists it.
RULES = {
    "bronze": [
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ],
    "gold": [
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must be chosen before Home Assistant starts."""


def test_quality_scale_names_every_rule_with_a_status() -> None:
    rules: dict[str, Any] = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text())["rules"]
    expected = [rule for tier in RULES.values() for rule in tier]
    assert sorted(rules) == sorted(expected)
    for name, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in ("done", "exempt", "todo"), name
        if status == "exempt":
            assert isinstance(value, dict), name
            assert value.get("comment", "").strip(), f"{name}: no reason"
    # Everything that applies is done, so the manifest may declare the top tier.
    assert [name for name, value in rules.items() if value == "todo"] == []
    assert json.loads((PACKAGE / "manifest.json").read_text())["quality_scale"] == "platinum"


# What hassfest's translation schema accepts for an integration (script/hassfest/translations.py).
SECTIONS = {
    "title", "config", "config_subentries", "options", "selector", "services", "entity", "entity_component",
    "device_automation", "exceptions", "issues", "conditions", "triggers", "system_health", "conversation",
    "application_credentials", "preview_features", "device",
}  # fmt: skip


def _strings(node: object, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in _strings(value, f"{path}.{key}")]
    return [(path, node)] if isinstance(node, str) else []


@pytest.mark.parametrize("name", ["strings.json", "translations/en.json"])
def test_translations_pass_hassfest_rules(name: str) -> None:
    """Known sections only, no text hassfest reads as HTML, no leading or trailing spaces."""
    strings = json.loads((PACKAGE / name).read_text())
    assert sorted(set(strings) - SECTIONS) == []
    found = _strings(strings)
    assert [path for path, text in found if re.search(r"<[^>]*>", text)] == []
    assert [path for path, text in found if text != text.strip()] == []
    # An issue is either shown (description) or fixed (fix_flow), never both.
    assert [
        name for name, issue in strings["issues"].items() if "description" in issue and "fix_flow" in issue
    ] == []
    assert strings == json.loads((PACKAGE / "strings.json").read_text())


@pytest.mark.parametrize("platform", [str(p) for p in PLATFORMS])
def test_every_platform_sets_parallel_updates(platform: str) -> None:
    module = importlib.import_module(f"custom_components.{DOMAIN}.{platform}")
    assert isinstance(module.PARALLEL_UPDATES, int)


async def test_pending_requests_keep_agencies_out_of_the_history(
    recorder_mock: Recorder, hass: HomeAssistant, storage: Path
) -> None:
    hass.config.latitude, hass.config.longitude = 52.37, 4.89
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    pending = next(
        e.entity_id
        for e in er.async_get(hass).entities.values()
        if e.domain == "sensor" and e.unique_id == f"{entry.entry_id}_pending_requests"
    )
    began = dt_util.utcnow() - timedelta(seconds=1)
    start = dt_util.utcnow() - timedelta(hours=3)
    await hass.services.async_call(
        DOMAIN,
        "submit_request",
        {
            "agency": "Springfield PD",
            "case_number": "2026-1234",
            "legal_basis": "warrant",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "requester_name": "Det. Smith",
            "requester_email": "smith@springfield.example",
        },
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    # The owner sees the request on the sensor ...
    assert hass.states.get(pending).attributes["requests"][0]["agency"] == "Springfield PD"
    await async_wait_recording_done(hass)

    history = await recorder_mock.async_add_executor_job(
        get_significant_states, hass, began, None, [pending], None, True, False
    )
    # ... but the recorder kept the count, never the agency or the case number.
    assert [s.state for s in history[pending]][-1] == "1"
    for state in history[pending]:
        assert "requests" not in state.attributes
        assert "Springfield PD" not in str(state.attributes)
        assert "2026-1234" not in str(state.attributes)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_media_panel_titles_come_from_the_translations(hass: HomeAssistant, storage: Path) -> None:
    texts = json.loads((PACKAGE / "translations" / "en.json").read_text())["exceptions"]
    strings = {k.removeprefix("media_"): v["message"] for k, v in texts.items()}
    # A language the integration has no file for falls back to English, never to a key.
    hass.config.language = "de"
    await hass.config.async_set_time_zone("UTC")
    await async_setup_component(hass, "media_source", {})
    entry = make_hub(hass, storage, [camera_subentry(Offline(), "Front door")])
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault = entry.runtime_data
    camera = next(iter(vault.cameras))
    at = int(datetime(2026, 11, 24, 10, 5, 7, tzinfo=UTC).timestamp() * 1_000_000)
    await vault.store.async_call(segments.add, camera, at - 5_000_000, at + 5_000_000, 1, f"{camera}/x.mp4")
    await vault.store.async_call(segments.add_event, camera, "ring", None, at, 0, 0)
    await vault.store.async_call(segments.add_event, camera, "motion", None, at + 1_000_000, 0, 0)

    root = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}")
    assert [c.title for c in root.children] == ["Front door", strings["shared_footage"]]
    day = await media_source.async_browse_media(hass, f"media-source://{DOMAIN}/{camera}|2026-11-24")
    assert day.title == strings["day"].format(camera="Front door", day="2026-11-24")
    assert [c.title for c in day.children] == [strings["hour"].format(local="10:00", utc="10:00")]
    hour = await media_source.async_browse_media(hass, day.children[0].media_content_id)
    assert [c.title for c in hour.children][:2] == [
        strings["event_ring"].format(time="10:05:07"),
        strings["event_motion"].format(time="10:05:08"),
    ]
    assert await hass.config_entries.async_unload(entry.entry_id)


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: text lowercased, punctuation dropped, spaces as hyphens, repeats numbered."""
    found: set[str] = set()
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
        slug = re.sub(r"[^\w\- ]", "", words).replace(" ", "-")
        found.add(next(s for n in range(100) if (s := f"{slug}-{n}" if n else slug) not in found))
    return found


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    """README.md and docs/*.md link to files that exist and to headings those files have."""
    root = PACKAGE.parent.parent
    broken = []
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = re.sub(r"`[^`]*`", "", re.sub(r"```.*?```", "", page.read_text(), flags=re.S))
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.is_file() or (anchor and anchor not in _anchors(linked)):
                broken.append(f"{page.relative_to(root)}: {target}")
    assert broken == []


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text())
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_test_is_longer_than_a_screen() -> None:
    """A test (or a helper of tests) over 60 lines is split: into tests named for each behaviour, or into
    helpers named for what they set up or check (sharing the expensive set-ups through fixtures)."""
    long = [
        f"{path.name}::{node.name}: {lines} lines"
        for path in sorted(TESTS.glob("*.py"))
        for node in _functions(path)
        if (lines := (node.end_lineno or node.lineno) - node.lineno + 1) > LONGEST_FUNCTION
    ]
    assert long == []


def test_test_modules_share_helpers_through_conftest_not_each_other() -> None:
    """No test module imports from another test module, and no private (`_name`) helper crosses modules:
    what two modules share lives in conftest.py or a helper module of tests/ under a public name."""
    crossing = []
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            ours = node.level > 0 or module == "tests" or module.startswith("tests.")
            if not ours:
                continue
            if module.rpartition(".")[2].startswith("test_"):
                crossing.append(f"{path.name}: from {module}")
            crossing += [f"{path.name}: {a.name} from {module}" for a in node.names if a.name.startswith("_")]
    assert crossing == []
