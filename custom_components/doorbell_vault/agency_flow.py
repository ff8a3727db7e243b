"""The agency subentry flow: *Add agency* (name, contact, key, standing policy) and its reconfiguration.

A generated key is shown once, in the flow's last step, and kept in the storage folder's owner-only
`.agency_keys`, never in the subentry; an agency's own Ed25519 public key stays in the subentry.
Rotating or revoking a key, or deleting the agency, counts at once (the webhook looks the key up on
every request), without a reload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import probatio
from homeassistant.config_entries import ConfigEntry, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import selector

from .const import CONF_STORAGE_PATH
from .recording.camera_config import SUBENTRY_CAMERA
from .requests import agencies
from .requests.agencies import (
    CONF_AUTO_AUDIO,
    CONF_AUTO_CAMERAS,
    CONF_AUTO_DAYS,
    CONF_AUTO_DOWNLOADS,
    CONF_AUTO_MAX_HOURS,
    CONF_CONTACT,
    CONF_KEY_ID,
    CONF_KEY_TYPE,
    CONF_NAME,
    CONF_POLICY,
    CONF_PUBLIC_KEY,
    DEFAULT_LIMITS,
    KEY_ED25519,
    KEY_GENERATED,
    KEY_NONE,
    KEY_TYPES,
    POLICIES,
    PublicKeyInvalid,
    PublicKeyUnsafe,
)
from .requests.confusables import skeleton
from .selectors import number_box


def _key_type_selector() -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(options=list(KEY_TYPES), translation_key="agency_key_type")
    )


def _other_keys(entry: ConfigEntry, subentry_id: str | None) -> set[str]:
    """The key ids every other agency holds now."""
    return {
        a.key_id for a in agencies.agencies(entry.subentries.values()) if a.key_id and a.id != subentry_id
    }


class AgencySubentryFlow(ConfigSubentryFlow):
    """Add an agency to the hub, or change its policy, rotate or revoke its key."""

    def __init__(self) -> None:
        """Nothing entered yet."""
        self._data: dict[str, Any] = {}
        self._secret: str | None = None

    @property
    def _storage(self) -> Path:
        return Path(self._get_entry().data[CONF_STORAGE_PATH])

    def _fingerprint(self) -> str:
        """The installation key's fingerprint, for the agency to pin (empty when the hub is not loaded)."""
        runtime = getattr(self._get_entry(), "runtime_data", None)
        found = getattr(getattr(runtime, "shares", None), "fingerprint", None)
        return f"{found['hex']} ({found['words']})" if isinstance(found, dict) else "-"

    def _key_from(self, user_input: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        """A new key of the chosen type (a generated one is kept in self._secret until confirmed)."""
        key_type = user_input.get(CONF_KEY_TYPE, KEY_GENERATED)
        if key_type == KEY_ED25519:
            try:
                public_key = agencies.parse_public_key(str(user_input.get(CONF_PUBLIC_KEY) or ""))
            except PublicKeyUnsafe:
                errors[CONF_PUBLIC_KEY] = "public_key_unsafe"
                return {}
            except PublicKeyInvalid:
                errors[CONF_PUBLIC_KEY] = "public_key_invalid"
                return {}
            self._secret = None
            return {
                CONF_KEY_TYPE: KEY_ED25519,
                CONF_KEY_ID: agencies.new_key_id(),
                CONF_PUBLIC_KEY: public_key,
            }
        self._secret = agencies.new_secret()
        return {CONF_KEY_TYPE: KEY_GENERATED, CONF_KEY_ID: agencies.new_key_id(), CONF_PUBLIC_KEY: None}

    def _policy_schema(self) -> probatio.Schema:
        cameras = [
            selector.SelectOptionDict(value=s.subentry_id, label=s.title)
            for s in self._get_entry().subentries.values()
            if s.subentry_type == SUBENTRY_CAMERA
        ]
        return probatio.Schema(
            {
                probatio.Required(CONF_POLICY): selector.SelectSelector(
                    selector.SelectSelectorConfig(options=list(POLICIES), translation_key="agency_policy")
                ),
                probatio.Optional(CONF_AUTO_CAMERAS): selector.SelectSelector(
                    selector.SelectSelectorConfig(options=cameras, multiple=True)
                ),
                probatio.Required(CONF_AUTO_MAX_HOURS): number_box(0.5, 168, 0.5, "h"),
                probatio.Required(CONF_AUTO_AUDIO): selector.BooleanSelector(),
                probatio.Required(CONF_AUTO_DAYS): number_box(1, 90, 1, "d"),
                probatio.Required(CONF_AUTO_DOWNLOADS): number_box(1, 100, 1, "×"),
            }
        )

    @staticmethod
    def _policy_from(user_input: dict[str, Any]) -> dict[str, Any]:
        return {
            CONF_POLICY: user_input[CONF_POLICY],
            CONF_AUTO_CAMERAS: list(user_input.get(CONF_AUTO_CAMERAS) or []),
            CONF_AUTO_MAX_HOURS: float(user_input[CONF_AUTO_MAX_HOURS]),
            CONF_AUTO_AUDIO: bool(user_input[CONF_AUTO_AUDIO]),
            CONF_AUTO_DAYS: int(user_input[CONF_AUTO_DAYS]),
            CONF_AUTO_DOWNLOADS: int(user_input[CONF_AUTO_DOWNLOADS]),
        }

    # Adding -----------------------------------------------------------------------------------

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Name, contact and key."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = " ".join(str(user_input[CONF_NAME]).split())
            unique_id = f"agency:{skeleton(name)}"
            if not skeleton(name):
                errors[CONF_NAME] = "name_invalid"
            elif any(s.unique_id == unique_id for s in self._get_entry().subentries.values()):
                return self.async_abort(reason="already_configured")
            else:
                key = self._key_from(user_input, errors)
                if not errors:
                    self._data = {
                        CONF_NAME: name,
                        CONF_CONTACT: str(user_input.get(CONF_CONTACT) or "").strip(),
                    }
                    self._data |= key
                    return await self.async_step_policy()
        schema = probatio.Schema(
            {
                probatio.Required(CONF_NAME): selector.TextSelector(),
                probatio.Optional(CONF_CONTACT): selector.TextSelector(),
                probatio.Required(CONF_KEY_TYPE, default=KEY_GENERATED): _key_type_selector(),
                probatio.Optional(CONF_PUBLIC_KEY): selector.TextSelector(
                    selector.TextSelectorConfig(multiline=True)
                ),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
        )

    async def async_step_policy(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """The agency's standing policy: ask (default), always decline, or share within limits."""
        if user_input is not None:
            self._data |= self._policy_from(user_input)
            return await self.async_step_key()
        return self.async_show_form(
            step_id="policy",
            data_schema=self.add_suggested_values_to_schema(self._policy_schema(), DEFAULT_LIMITS),
            description_placeholders={"agency": self._data[CONF_NAME]},
        )

    async def async_step_key(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Show the key id (and a generated key, this once); the agency is added on confirmation."""
        if user_input is None:
            return self._show_key("key")
        await self._keep_secret(None)
        return self.async_create_entry(
            title=self._data[CONF_NAME],
            data=self._data,
            unique_id=f"agency:{skeleton(self._data[CONF_NAME])}",
        )

    def _show_key(self, step_id: str) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            description_placeholders={
                "agency": self._data[CONF_NAME],
                "key_id": self._data[CONF_KEY_ID],
                "secret": self._secret or "-",
                "key_type": self._data[CONF_KEY_TYPE],
                "fingerprint": self._fingerprint(),
            },
        )

    async def _keep_secret(self, replaced: str | None) -> None:
        """Write a generated key into the owner-only key file (forgetting the key it replaces)."""
        entry = self._get_entry()
        if self._secret is not None:
            await self.hass.async_add_executor_job(
                agencies.put_key, self._storage, self._data[CONF_KEY_ID], self._secret, replaced
            )
            self._secret = None
        elif replaced:
            await self.hass.async_add_executor_job(
                agencies.keep_keys, self._storage, _other_keys(entry, None) - {replaced}
            )

    # Changing -----------------------------------------------------------------------------------

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Change the policy, rotate the key, or revoke it."""
        subentry = self._get_reconfigure_subentry()
        self._data = dict(subentry.data)
        return self.async_show_menu(
            step_id="reconfigure",
            menu_options=["edit", "rotate", "revoke"],
            description_placeholders={
                "agency": subentry.title,
                "key_id": str(subentry.data.get(CONF_KEY_ID) or "-"),
                "fingerprint": self._fingerprint(),
            },
        )

    async def async_step_edit(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Contact and standing policy."""
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            data = {**subentry.data, CONF_CONTACT: str(user_input.get(CONF_CONTACT) or "").strip()}
            data |= self._policy_from(user_input)
            return self.async_update_and_abort(self._get_entry(), subentry, data=data)
        schema = self._policy_schema().extend({probatio.Optional(CONF_CONTACT): selector.TextSelector()})
        return self.async_show_form(
            step_id="edit",
            data_schema=self.add_suggested_values_to_schema(schema, DEFAULT_LIMITS | dict(subentry.data)),
            description_placeholders={"agency": subentry.title},
        )

    async def async_step_rotate(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """A new key: the old one stops working once the new one is shown and confirmed."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            key = self._key_from(user_input, errors)
            if not errors:
                self._data = {**subentry.data, **key}
                return await self.async_step_rotated()
        schema = probatio.Schema(
            {
                probatio.Required(CONF_KEY_TYPE, default=KEY_GENERATED): _key_type_selector(),
                probatio.Optional(CONF_PUBLIC_KEY): selector.TextSelector(
                    selector.TextSelectorConfig(multiline=True)
                ),
            }
        )
        return self.async_show_form(
            step_id="rotate",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
            description_placeholders={"agency": subentry.title},
        )

    async def async_step_rotated(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Show the new key (once); confirming replaces the old one."""
        if user_input is None:
            return self._show_key("rotated")
        subentry = self._get_reconfigure_subentry()
        old = subentry.data.get(CONF_KEY_ID)
        await self._keep_secret(str(old) if old else None)
        return self.async_update_and_abort(self._get_entry(), subentry, data=self._data, reason="key_rotated")

    async def async_step_revoke(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Revoke the key: the agency's requests are refused from now on (the agency stays listed)."""
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            old = subentry.data.get(CONF_KEY_ID)
            data = {**subentry.data, CONF_KEY_TYPE: KEY_NONE, CONF_KEY_ID: None, CONF_PUBLIC_KEY: None}
            result = self.async_update_and_abort(self._get_entry(), subentry, data=data, reason="key_revoked")
            if old:
                await self._keep_secret(str(old))
            return result
        return self.async_show_form(step_id="revoke", description_placeholders={"agency": subentry.title})
