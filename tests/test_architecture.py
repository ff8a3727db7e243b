"""The house rules of ARCHITECTURE.md: imports only go down the layers, and only store/ executes SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "custom_components" / "doorbell_vault"
# From the bottom up; a module's layer is its folder, or its own name at the top level.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"const", "clock", "merkle", "signals", "texts", "issues"}),
    frozenset({"store"}),
    frozenset({"recording"}),
    frozenset({"redaction"}),
    frozenset({"requests"}),
    frozenset({"evidence"}),
    frozenset({"coordinator"}),
    frozenset({"hub"}),
    frozenset({"decide"}),
)
TOP = len(LAYERS)  # entry points and platforms
SQL = re.compile(r"\.(execute|executemany|executescript)\(")


def _layer(parts: tuple[str, ...]) -> int:
    for rank, names in enumerate(LAYERS):
        if parts and parts[0] in names:
            return rank
    return TOP


def _modules() -> list[tuple[tuple[str, ...], Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append((parts[:-1] if parts[-1] == "__init__" else parts, path))
    return found


def _type_only(tree: ast.Module) -> set[ast.AST]:
    """The nodes under `if TYPE_CHECKING:` (never imported at run time)."""
    return {
        inner
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for statement in node.body
        for inner in ast.walk(statement)
    }


def _imports(parts: tuple[str, ...], path: Path, *, at_run_time: bool = False) -> set[tuple[str, ...]]:
    package = parts if path.name == "__init__.py" else parts[:-1]
    targets = set()
    tree = ast.parse(path.read_text())
    skipped = _type_only(tree) if at_run_time else set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            stem = (*base, *(node.module.split(".") if node.module else ()))
            targets.update((*stem, alias.name) if not node.module else stem for alias in node.names)
            # `from .recording import places` loads recording/places.py.
            targets.update((*stem, a.name) for a in node.names if _source((*stem, a.name)) is not None)
    return targets


def _source(parts: tuple[str, ...]) -> Path | None:
    """The file of the package's module `parts`, or None (a name inside a module)."""
    path = PACKAGE.joinpath(*parts)
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if parts and candidate.is_file():
            return candidate
    return None


def _loaded_at_run_time(start: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The package's modules that importing `start` loads, followed through their own imports."""
    loaded: set[tuple[str, ...]] = set()
    waiting = [start]
    while waiting:
        parts = waiting.pop()
        path = _source(parts)
        if parts in loaded or path is None:
            continue
        loaded.add(parts)
        waiting.extend(_imports(parts, path, at_run_time=True))
    return loaded


def test_imports_only_go_down() -> None:
    upward = []
    for parts, path in _modules():
        own = _layer(parts)
        for target in _imports(parts, path):
            if target and _layer(target) > own:
                upward.append(f"{'/'.join(parts)} imports {'.'.join(target)}")
    assert upward == []


def test_config_flow_loads_no_evidence() -> None:
    """Every discovery match loads config_flow and what it imports (the camera, agency and options flows):
    none may load evidence/ (cryptography) or the hub. Type-only imports load nothing."""
    loaded = _loaded_at_run_time(("config_flow",))
    assert {("camera_flow",), ("options_flow",), ("agency_flow",), ("recording", "stream_check")} <= loaded
    assert not {t for t in loaded if t[:1] in {("evidence",), ("hub",)}}


def test_only_the_store_executes_sql() -> None:
    outside = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for parts, path in _modules()
        if parts[:1] != ("store",)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SQL.search(line)
    ]
    assert outside == []


def test_repairs_are_raised_in_one_place() -> None:
    """Every repair issue is raised through issues.py (one helper, the ids beside it)."""
    raised = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for parts, path in _modules()
        if parts != ("issues",)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "async_create_issue(" in line or "async_delete_issue(" in line
    ]
    assert raised == []


def test_the_hub_is_thin_and_set_up_by_itself() -> None:
    """The hub stays a small holder of desks; nobody sets its fields from outside; setup fits on a screen."""
    assert len((PACKAGE / "hub.py").read_text().splitlines()) < 400
    outside = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for _parts, path in _modules()
        if path.name != "hub.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "vault"
    ]
    assert outside == []
    setup = next(
        node
        for node in ast.parse((PACKAGE / "__init__.py").read_text()).body
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "async_setup_entry"
    )
    assert setup.end_lineno is not None
    assert setup.end_lineno - setup.lineno < 45


# Modules that must stay whole, and why; every other module stays at about 400 lines or fewer.
WHOLE: dict[str, str] = {
    "evidence/verify_package.py": "ships inside every package and runs alone on a recipient's Python",
}


def test_no_module_is_too_long_to_read() -> None:
    long = [
        f"{name}: {lines} lines"
        for _parts, path in _modules()
        if (name := str(path.relative_to(PACKAGE))) not in WHOLE
        and (lines := len(path.read_text().splitlines())) > 410
    ]
    assert long == []


def test_sharing_reads_as_a_few_steps_with_one_cleanup_path() -> None:
    """ShareDesk.async_share names its steps and cleans up in one place (a try/finally), not in handlers."""
    tree = ast.parse((PACKAGE / "evidence" / "sharing.py").read_text())
    share = next(n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef) and n.name == "async_share")
    handlers = [node.lineno for node in ast.walk(share) if isinstance(node, ast.ExceptHandler)]
    assert handlers == []
    assert sum(isinstance(node, ast.Try) for node in ast.walk(share)) == 1
    body = share.body[1:]  # after the docstring
    assert body[-1].end_lineno is not None
    assert body[-1].end_lineno - body[0].lineno < 40
