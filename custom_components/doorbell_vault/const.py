"""Constants for Doorbell Vault."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

DOMAIN: Final = "doorbell_vault"
NAME: Final = "Doorbell Vault"

# The Footage requests panel (panel.py) and where it opens one request (notifications link there).
PANEL_URL_PATH: Final = "doorbell-vault"
REQUEST_PATH: Final = "/doorbell-vault/request/{request_id}"

# The vault's state (index, audit chain, keys, secret): in the configuration folder, so in every backup.
CONF_STORAGE_PATH: Final = "storage_path"
# The footage (segments, shares' packages, seal records): large, outside the configuration folder by
# default. Entries made before there were two folders keep everything in the storage path.
CONF_FOOTAGE_PATH: Final = "footage_path"
# A footage folder the owner chose in Reconfigure: the hub moves the footage there, then forgets this.
CONF_FOOTAGE_MOVE_TO: Final = "footage_move_to"
DEFAULT_STORAGE_FOLDER: Final = "doorbell_vault"
DATABASE_FILE: Final = "doorbell_vault.db"

# Retention options (hub entry options).
CONF_CONTINUOUS_DAYS: Final = "continuous_days"
CONF_EVENT_DAYS: Final = "event_days"
CONF_MAX_SIZE_GB: Final = "max_size_gb"
CONF_MIN_FREE_GB: Final = "min_free_gb"
CONF_OFFLINE_MINUTES: Final = "offline_minutes"

# Request policy options.
CONF_REQUIRE_CASE_NUMBER: Final = "require_case_number"
CONF_MAX_WINDOW_HOURS: Final = "max_window_hours"
CONF_MAX_RADIUS_M: Final = "max_radius_m"
CONF_AGENCY_BLOCKLIST: Final = "agency_blocklist"
CONF_AGENCY_ALLOWLIST: Final = "agency_allowlist"
CONF_MIN_LEGAL_BASIS: Final = "min_legal_basis"
CONF_EXIGENT_AS: Final = "exigent_as"
CONF_RATE_LIMIT: Final = "requests_per_minute"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"  # noqa: S105 - a form field's name
CONF_CLEAR_SECRET: Final = "clear_webhook_secret"  # noqa: S105
CONF_GENERATE_SECRET: Final = "generate_webhook_secret"  # noqa: S105
CONF_MAX_DEADLINE_DAYS: Final = "max_deadline_days"
CONF_MAX_PENDING_PER_SOURCE: Final = "max_pending_per_source"
# The phones (mobile_app device ids) whose notification actions may decide; none: no phone may.
CONF_DECIDING_PHONES: Final = "deciding_phones"
# Requests by e-mail: what the receiving server must vouch for, and whose DKIM makes a request verified.
CONF_MAIL_AUTHENTICATION: Final = "mail_authentication"
CONF_MAIL_AUTHSERV_ID: Final = "mail_authserv_id"
CONF_MAIL_TRUSTED_DOMAINS: Final = "mail_trusted_domains"
MAIL_AUTHENTICATIONS: Final = ("off", "dkim", "dmarc")

# Sharing defaults (the phone's Share button uses them; the service may override each).
CONF_SHARE_DAYS: Final = "share_days"
CONF_SHARE_DOWNLOADS: Final = "share_max_downloads"
CONF_SHARE_AUDIO: Final = "share_include_audio"
CONF_SHARE_GRACE_DAYS: Final = "share_hold_grace_days"
# What a package says about the household and the recipient's duties.
CONF_SHARE_DECIDER_NAME: Final = "share_include_decider_name"
CONF_SHARE_RETENTION_DAYS: Final = "share_recipient_retention_days"
# What household members (users who are not administrators) see of the dashboard card: the requests,
# read-only, or no card at all. Administrators always see it with its buttons.
CONF_CARD_HOUSEHOLD: Final = "card_household"
CARD_READ_ONLY: Final = "read_only"
CARD_HIDDEN: Final = "hidden"
CARD_HOUSEHOLD_CHOICES: Final = (CARD_READ_ONLY, CARD_HIDDEN)
# An RFC 3161 time-stamp authority (empty: no trusted timestamps).
CONF_TSA_URL: Final = "tsa_url"

DEFAULT_CONTINUOUS_DAYS: Final = 7
DEFAULT_EVENT_DAYS: Final = 30
DEFAULT_MAX_SIZE_GB: Final = 0.0  # 0 means no size cap; the free-space floor still applies
DEFAULT_MIN_FREE_GB: Final = 2.0
DEFAULT_OFFLINE_MINUTES: Final = 5

DEFAULT_OPTIONS: Final = {
    CONF_CONTINUOUS_DAYS: DEFAULT_CONTINUOUS_DAYS,
    CONF_EVENT_DAYS: DEFAULT_EVENT_DAYS,
    CONF_MAX_SIZE_GB: DEFAULT_MAX_SIZE_GB,
    CONF_MIN_FREE_GB: DEFAULT_MIN_FREE_GB,
    CONF_OFFLINE_MINUTES: DEFAULT_OFFLINE_MINUTES,
    CONF_REQUIRE_CASE_NUMBER: True,
    CONF_MAX_WINDOW_HOURS: 12,
    CONF_MAX_RADIUS_M: 640,
    CONF_AGENCY_BLOCKLIST: [],
    CONF_AGENCY_ALLOWLIST: [],
    CONF_MIN_LEGAL_BASIS: "voluntary",
    CONF_EXIGENT_AS: "warrant",
    CONF_RATE_LIMIT: 30,
    CONF_MAX_DEADLINE_DAYS: 14,
    CONF_MAX_PENDING_PER_SOURCE: 5,
    CONF_DECIDING_PHONES: [],
    CONF_MAIL_AUTHENTICATION: "off",
    CONF_MAIL_AUTHSERV_ID: "",
    CONF_MAIL_TRUSTED_DOMAINS: [],
    CONF_SHARE_DAYS: 7,
    CONF_SHARE_DOWNLOADS: 3,
    CONF_SHARE_AUDIO: False,
    CONF_SHARE_GRACE_DAYS: 30,
    CONF_SHARE_DECIDER_NAME: False,
    CONF_SHARE_RETENTION_DAYS: 90,
    CONF_TSA_URL: "",
    CONF_CARD_HOUSEHOLD: CARD_READ_ONLY,
}


def hub_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The hub entry's options with every default filled in."""
    return {**DEFAULT_OPTIONS, **options}


def state_folder(data: Mapping[str, Any]) -> Path:
    """Where the entry keeps the vault's state."""
    return Path(data[CONF_STORAGE_PATH])


def footage_folder(data: Mapping[str, Any]) -> Path:
    """Where the entry keeps the footage."""
    return Path(data.get(CONF_FOOTAGE_PATH) or data[CONF_STORAGE_PATH])
