"""The repairs the owner is shown: every issue id, and the one way to raise or clear one.

An issue's translation key is its kind; an issue about one camera (or one IMAP entry) has the kind and
that thing's id as its own id, so two cameras offline are two issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

STORAGE_UNAVAILABLE: Final = "storage_unavailable"
FFMPEG_MISSING: Final = "ffmpeg_missing"
SECRET_UNREADABLE: Final = "webhook_secret_unreadable"  # noqa: S105 - an issue id
STORAGE_FULL: Final = "storage_full"
INDEX_REBUILT: Final = "index_rebuilt"
FOOTAGE_IN_BACKUPS: Final = "footage_in_backups"
# Kinds with one issue per camera or IMAP entry.
CAMERA_OFFLINE: Final = "camera_offline"
CERTIFICATE_CHANGED: Final = "certificate_changed"
IMAP_MESSAGE_DATA: Final = "imap_message_data"

ERROR: Final = ir.IssueSeverity.ERROR
WARNING: Final = ir.IssueSeverity.WARNING


def issue_about(kind: str, thing: str) -> str:
    """The id of the issue of `kind` about one camera or IMAP entry."""
    return f"{kind}_{thing}"


def thing_of(kind: str, issue: str) -> str | None:
    """The camera or IMAP entry an issue of `kind` is about, or None if it is another kind."""
    prefix = f"{kind}_"
    return issue.removeprefix(prefix) if issue.startswith(prefix) else None


@callback
def async_raise(
    hass: HomeAssistant,
    issue: str,
    severity: ir.IssueSeverity,
    placeholders: Mapping[str, str],
    *,
    kind: str | None = None,
    fixable: bool = False,
    persistent: bool = False,
    data: dict[str, str | int | float | None] | None = None,
) -> None:
    """Show (or update) a repair; `kind` is its translation key when the id names a camera or an entry."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue,
        is_fixable=fixable,
        is_persistent=persistent,
        severity=severity,
        translation_key=kind or issue,
        translation_placeholders=dict(placeholders),
        data=data,
    )


@callback
def async_clear(hass: HomeAssistant, issue: str) -> None:
    """The repair is no longer needed (nothing happens when it was not shown)."""
    ir.async_delete_issue(hass, DOMAIN, issue)


@callback
def async_issues(hass: HomeAssistant) -> list[str]:
    """The ids of Doorbell Vault's repairs shown now."""
    return [issue for domain, issue in ir.async_get(hass).issues if domain == DOMAIN]


@callback
def async_data(hass: HomeAssistant, issue: str) -> dict[str, str | int | float | None] | None:
    """What was stored with a shown repair (None when it is not shown)."""
    known = ir.async_get(hass).async_get_issue(DOMAIN, issue)
    return None if known is None else dict(known.data or {})
