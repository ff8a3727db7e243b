"""Print the pinned requirements of Home Assistant integrations and of their dependencies.

Usage: python devkit/ha_requirements.py [more domains ...]
`scripts/setup` installs them so that `scripts/develop` starts without reaching for the network: what
bootstrap loads, default_config, what onboarding sets up, and Doorbell Vault's dependencies.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import homeassistant


def auth_module_requirements() -> set[str]:
    """REQUIREMENTS of the auth providers and MFA modules that core loads at start."""
    found: set[str] = set()
    auth = Path(homeassistant.__file__).parent / "auth"
    for module in auth.glob("*/*.py"):
        for node in ast.parse(module.read_text()).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "REQUIREMENTS" for t in node.targets)
                and isinstance(node.value, ast.List)
            ):
                found.update(ast.literal_eval(node.value))
    return found


def requirements(domains: list[str]) -> list[str]:
    components = Path(homeassistant.__file__).parent / "components"
    seen: set[str] = set()
    found = auth_module_requirements()
    todo = list(domains)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = json.loads((components / domain / "manifest.json").read_text())
        found.update(manifest.get("requirements", []))
        todo.extend(manifest.get("dependencies", []))
        # Home Assistant also installs the requirements of after_dependencies it finds loadable.
        todo.extend(manifest.get("after_dependencies", []))
    return sorted(found)


def bootstrap_domains() -> set[str]:
    """Integrations that Home Assistant's bootstrap loads without being configured."""
    from homeassistant import bootstrap

    return (
        bootstrap.DEFAULT_INTEGRATIONS
        | bootstrap.LOGGING_AND_HTTP_DEPS_INTEGRATIONS
        | bootstrap.FRONTEND_INTEGRATIONS
        | set(bootstrap.DISCOVERY_INTEGRATIONS)
        | {"recorder", "zeroconf", "cloud"}
    ) - {"sentry"}


DEVELOP_DOMAINS = (
    "default_config",
    # Onboarding starts these flows when it finishes.
    "google_translate",
    "met",
    "radio_browser",
    "shopping_list",
    # Doorbell Vault's own dependencies.
    "ffmpeg",
    "http",
    "webhook",
    # The e-mail intake's end-to-end test sets up Home Assistant's own IMAP integration.
    "imap",
)

if __name__ == "__main__":
    domains = [*DEVELOP_DOMAINS, *sys.argv[1:], *sorted(bootstrap_domains())]
    print("\n".join(requirements(domains)))
