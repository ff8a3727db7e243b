"""The hub's options flow: retention, the request policy and the webhook's secret, sharing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import probatio
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers import selector

from .const import (
    CARD_HOUSEHOLD_CHOICES,
    CONF_AGENCY_ALLOWLIST,
    CONF_AGENCY_BLOCKLIST,
    CONF_CARD_HOUSEHOLD,
    CONF_CLEAR_SECRET,
    CONF_CONTINUOUS_DAYS,
    CONF_DECIDING_PHONES,
    CONF_EVENT_DAYS,
    CONF_EXIGENT_AS,
    CONF_GENERATE_SECRET,
    CONF_MAIL_AUTHENTICATION,
    CONF_MAIL_AUTHSERV_ID,
    CONF_MAIL_TRUSTED_DOMAINS,
    CONF_MAX_DEADLINE_DAYS,
    CONF_MAX_PENDING_PER_SOURCE,
    CONF_MAX_RADIUS_M,
    CONF_MAX_SIZE_GB,
    CONF_MAX_WINDOW_HOURS,
    CONF_MIN_FREE_GB,
    CONF_MIN_LEGAL_BASIS,
    CONF_OFFLINE_MINUTES,
    CONF_RATE_LIMIT,
    CONF_REQUIRE_CASE_NUMBER,
    CONF_SHARE_AUDIO,
    CONF_SHARE_DAYS,
    CONF_SHARE_DECIDER_NAME,
    CONF_SHARE_DOWNLOADS,
    CONF_SHARE_GRACE_DAYS,
    CONF_SHARE_RETENTION_DAYS,
    CONF_STORAGE_PATH,
    CONF_TSA_URL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    MAIL_AUTHENTICATIONS,
    hub_options,
)
from .requests.secret import generate_secret, secret_is_set, strong_enough, write_secret
from .selectors import number_box

MAIL_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
AUTHSERV_ID = re.compile(r"^[A-Za-z0-9.\-]{0,253}$")


def _tsa_url_ok(url: str) -> bool:
    """Empty (no timestamps), or an http(s) URL with a host."""
    if not url.strip():
        return True
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 500


_UNCHANGED: Any = object()


class DoorbellVaultOptionsFlow(OptionsFlow):
    """Retention, then the request policy; the entry reloads when they change (its update listener)."""

    _options: dict[str, Any]
    # The new webhook secret: _UNCHANGED, None (remove it), or the text to write.
    _secret: Any = _UNCHANGED
    _generated: str | None = None

    async def async_step_requests(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The checks every request must pass, the webhook's secret and limits."""
        options = self._options
        storage = Path(self.config_entry.data[CONF_STORAGE_PATH])
        errors: dict[str, str] = {}
        if user_input is not None:
            secret = str(user_input.pop(CONF_WEBHOOK_SECRET, "") or "").strip()
            clear = bool(user_input.pop(CONF_CLEAR_SECRET, False))
            generate = bool(user_input.pop(CONF_GENERATE_SECRET, False))
            # Cleared fields are absent from the input: an empty value, not the old one.
            domains = [
                d.strip().lower().removeprefix("@") for d in user_input.get(CONF_MAIL_TRUSTED_DOMAINS, [])
            ]
            user_input[CONF_MAIL_TRUSTED_DOMAINS] = [d for d in domains if d]
            user_input[CONF_MAIL_AUTHSERV_ID] = user_input.get(CONF_MAIL_AUTHSERV_ID, "").strip()
            if secret and not strong_enough(secret):
                errors[CONF_WEBHOOK_SECRET] = "secret_too_weak"
            if not all(MAIL_DOMAIN.match(d) for d in user_input[CONF_MAIL_TRUSTED_DOMAINS]):
                errors[CONF_MAIL_TRUSTED_DOMAINS] = "invalid_mail_domain"
            if not AUTHSERV_ID.match(user_input[CONF_MAIL_AUTHSERV_ID]):
                errors[CONF_MAIL_AUTHSERV_ID] = "invalid_authserv_id"
            elif not user_input[CONF_MAIL_AUTHSERV_ID] and (
                user_input.get(CONF_MAIL_AUTHENTICATION, "off") != "off"
                or user_input[CONF_MAIL_TRUSTED_DOMAINS]
            ):
                # Without it no Authentication-Results header can be told from one the sender wrote.
                errors[CONF_MAIL_AUTHSERV_ID] = "authserv_id_required"
            if not errors:
                options.update(user_input)
                for key in (
                    CONF_MAX_WINDOW_HOURS,
                    CONF_MAX_RADIUS_M,
                    CONF_RATE_LIMIT,
                    CONF_MAX_DEADLINE_DAYS,
                    CONF_MAX_PENDING_PER_SOURCE,
                ):
                    options[key] = int(options[key])
                for key in (CONF_AGENCY_BLOCKLIST, CONF_AGENCY_ALLOWLIST):
                    options[key] = [a.strip() for a in options.get(key) or [] if a.strip()]
                if generate:
                    self._secret = self._generated = generate_secret()
                elif secret or clear:
                    self._secret = None if clear else secret
                return await self.async_step_sharing()
        basis = selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=["voluntary", "subpoena", "warrant"], translation_key="legal_basis"
            )
        )
        schema = probatio.Schema(
            {
                probatio.Required(CONF_REQUIRE_CASE_NUMBER): selector.BooleanSelector(),
                probatio.Required(CONF_MAX_WINDOW_HOURS): number_box(1, 168, 1, "h"),
                probatio.Required(CONF_MAX_RADIUS_M): number_box(10, 50000, 10, "m"),
                probatio.Required(CONF_MIN_LEGAL_BASIS): basis,
                probatio.Required(CONF_EXIGENT_AS): basis,
                probatio.Optional(CONF_AGENCY_BLOCKLIST): selector.TextSelector(
                    selector.TextSelectorConfig(multiple=True)
                ),
                probatio.Optional(CONF_AGENCY_ALLOWLIST): selector.TextSelector(
                    selector.TextSelectorConfig(multiple=True)
                ),
                probatio.Required(CONF_MAX_DEADLINE_DAYS): number_box(1, 90, 1, "d"),
                probatio.Required(CONF_MAX_PENDING_PER_SOURCE): number_box(1, 100, 1, "×"),
                probatio.Required(CONF_RATE_LIMIT): number_box(1, 600, 1, "/min"),
                probatio.Optional(CONF_GENERATE_SECRET, default=False): selector.BooleanSelector(),
                probatio.Optional(CONF_WEBHOOK_SECRET): selector.TextSelector(
                    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
                ),
                probatio.Optional(CONF_CLEAR_SECRET, default=False): selector.BooleanSelector(),
                probatio.Required(
                    CONF_MAIL_AUTHENTICATION, default=str(options.get(CONF_MAIL_AUTHENTICATION, "off"))
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(MAIL_AUTHENTICATIONS), translation_key=CONF_MAIL_AUTHENTICATION
                    )
                ),
                probatio.Optional(CONF_MAIL_TRUSTED_DOMAINS): selector.TextSelector(
                    selector.TextSelectorConfig(multiple=True)
                ),
                probatio.Optional(CONF_MAIL_AUTHSERV_ID): selector.TextSelector(),
            }
        )
        webhook_id = self.config_entry.data.get(CONF_WEBHOOK_ID, "")
        has_secret = await self.hass.async_add_executor_job(secret_is_set, storage)
        return self.async_show_form(
            step_id="requests",
            data_schema=self.add_suggested_values_to_schema(schema, options | (user_input or {})),
            errors=errors,
            description_placeholders={
                "webhook_path": f"/api/webhook/{webhook_id}",
                "secret_state": "set" if has_secret else "not set",
            },
        )

    async def async_step_sharing(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Sharing: its defaults, the phones that may decide, the hold after a share ends, the card.

        The card's option says what household members see of the dashboard card.
        """
        options = self._options
        errors: dict[str, str] = {}
        if user_input is not None and not _tsa_url_ok(user_input.get(CONF_TSA_URL, "")):
            errors[CONF_TSA_URL] = "tsa_url_invalid"
        elif user_input is not None:
            options.update(user_input)
            options[CONF_TSA_URL] = str(options.get(CONF_TSA_URL) or "").strip()
            for key in (
                CONF_SHARE_DAYS,
                CONF_SHARE_DOWNLOADS,
                CONF_SHARE_GRACE_DAYS,
                CONF_SHARE_RETENTION_DAYS,
            ):
                options[key] = int(options[key])
            options[CONF_DECIDING_PHONES] = list(options.get(CONF_DECIDING_PHONES) or [])
            if self._secret is _UNCHANGED:
                return self.async_create_entry(data=options)
            return await self.async_step_secret()
        schema = probatio.Schema(
            {
                probatio.Required(CONF_SHARE_DAYS): number_box(1, 90, 1, "d"),
                probatio.Required(CONF_SHARE_DOWNLOADS): number_box(1, 100, 1, "×"),
                probatio.Required(CONF_SHARE_AUDIO): selector.BooleanSelector(),
                probatio.Required(CONF_SHARE_GRACE_DAYS): number_box(0, 3650, 1, "d"),
                probatio.Required(CONF_SHARE_RETENTION_DAYS): number_box(1, 3650, 1, "d"),
                probatio.Required(CONF_SHARE_DECIDER_NAME): selector.BooleanSelector(),
                probatio.Optional(CONF_TSA_URL): selector.TextSelector(
                    selector.TextSelectorConfig(type=selector.TextSelectorType.URL)
                ),
                probatio.Optional(CONF_DECIDING_PHONES): selector.DeviceSelector(
                    selector.DeviceSelectorConfig(integration="mobile_app", multiple=True)
                ),
                probatio.Optional(CONF_CARD_HOUSEHOLD): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(CARD_HOUSEHOLD_CHOICES), translation_key=CONF_CARD_HOUSEHOLD
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="sharing",
            data_schema=self.add_suggested_values_to_schema(schema, options),
            errors=errors,
        )

    async def async_step_secret(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Write the new secret (atomically, owner-only) and make it count at once.

        A generated secret is shown here, once.
        """
        secret = self._secret
        assert secret is not _UNCHANGED
        if user_input is None and isinstance(secret, str) and secret == self._generated:
            return self.async_show_form(step_id="secret", description_placeholders={"secret": secret})
        storage = Path(self.config_entry.data[CONF_STORAGE_PATH])
        await self.hass.async_add_executor_job(write_secret, storage, secret)
        if self._options == dict(self.config_entry.options):
            # Only a file changed: no option change reloads the entry, so reload it here; the webhook
            # is registered again with the new secret (or none) at once.
            self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)
        return self.async_create_entry(data=self._options)

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit retention."""
        errors: dict[str, str] = {}
        options = hub_options(self.config_entry.options)
        if user_input is not None:
            options.update(user_input)
            options[CONF_CONTINUOUS_DAYS] = int(options[CONF_CONTINUOUS_DAYS])
            options[CONF_EVENT_DAYS] = int(options[CONF_EVENT_DAYS])
            options[CONF_OFFLINE_MINUTES] = int(options[CONF_OFFLINE_MINUTES])
            if options[CONF_EVENT_DAYS] < options[CONF_CONTINUOUS_DAYS]:
                errors[CONF_EVENT_DAYS] = "event_days_too_short"
            else:
                self._options = options
                return await self.async_step_requests()
        schema = probatio.Schema(
            {
                probatio.Required(CONF_CONTINUOUS_DAYS): number_box(1, 3650, 1, "d"),
                probatio.Required(CONF_EVENT_DAYS): number_box(1, 3650, 1, "d"),
                probatio.Required(CONF_MAX_SIZE_GB): number_box(0, 100000, 0.5, "GB"),
                probatio.Required(CONF_MIN_FREE_GB): number_box(0, 10000, 0.5, "GB"),
                probatio.Required(CONF_OFFLINE_MINUTES): number_box(1, 1440, 1, "min"),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, options),
            errors=errors,
        )
