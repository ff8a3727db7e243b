"""Repairs with a fix flow.

Accept the new TLS certificate of an rtsps:// camera, after comparing it; move footage that every backup
carries out of the configuration folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import probatio
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from . import issues
from .const import DOMAIN
from .hub import loaded_vault
from .recording import places
from .recording.camera_config import CONF_TLS_FINGERPRINT, CONF_URL
from .recording.pinning import CertificateError, presented_fingerprint
from .store import segments


class CertificateRepairFlow(RepairsFlow):
    """Show the pinned and the presented fingerprint; on confirmation the presented one is pinned.

    The camera is asked again when the owner confirms: only the certificate the owner was shown is
    accepted (one that changed meanwhile is shown anew). The hub reloads with the new pin.
    """

    def __init__(self, camera_id: str, presented: str) -> None:
        """The camera and the fingerprint it presented when the recorder refused it."""
        self._camera_id = camera_id
        self._presented = presented

    def _camera(self) -> tuple[ConfigEntry, ConfigSubentry] | None:
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            subentry = entry.subentries.get(self._camera_id)
            if subentry is not None and subentry.data.get(CONF_URL):
                return entry, subentry
        return None

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the comparison."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Old → new fingerprint; confirm to record from the camera with the new certificate."""
        found = self._camera()
        if found is None:
            return self.async_abort(reason="camera_gone")
        entry, subentry = found
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                presented = await presented_fingerprint(str(subentry.data[CONF_URL]))
            except CertificateError as err:
                errors["base"] = err.reason
            else:
                if presented == self._presented:
                    self.hass.config_entries.async_update_subentry(
                        entry, subentry, data={**subentry.data, CONF_TLS_FINGERPRINT: presented}
                    )
                    return self.async_create_entry(data={})
                self._presented = presented
                errors["base"] = "certificate_changed_again"
        return self.async_show_form(
            step_id="confirm",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "camera": subentry.title,
                "url": str(subentry.data[CONF_URL]),
                "old": str(subentry.data.get(CONF_TLS_FINGERPRINT) or "none"),
                "new": self._presented,
            },
            errors=errors,
        )


class FootageMoveFlow(RepairsFlow):
    """Choose a folder outside the configuration folder; the footage is copied, verified and switched to."""

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the question."""
        return await self.async_step_move()

    async def async_step_move(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Ask where to; check the folder and its room before anything is copied."""
        vault = loaded_vault(self.hass)
        if vault is None:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        default = places.footage_default(self.hass)
        config = self.hass.config.config_dir
        if await self.hass.async_add_executor_job(places.in_backups, config, default):
            default = Path("/media/doorbell_vault")
        if user_input is not None:
            target = Path(str(user_input["target"]).strip())
            size = await vault.store.async_call(segments.total_bytes)
            refused = await self.hass.async_add_executor_job(
                places.move_refused, config, target, vault.storage, size
            )
            if refused is None:
                vault.entry.async_create_background_task(
                    self.hass, vault.recording.async_move_footage(target), "doorbell_vault footage move"
                )
                return self.async_create_entry(data={})
            errors["target"] = refused
            default = target
        return self.async_show_form(
            step_id="move",
            data_schema=probatio.Schema(
                {probatio.Required("target", default=str(default)): selector.TextSelector()}
            ),
            description_placeholders={"path": str(vault.storage)},
            errors=errors,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of one of Doorbell Vault's fixable issues."""
    if issues.thing_of(issues.CERTIFICATE_CHANGED, issue_id) is not None and data is not None:
        return CertificateRepairFlow(str(data["camera"]), str(data["presented"]))
    if issue_id == issues.FOOTAGE_IN_BACKUPS:
        return FootageMoveFlow()
    return ConfirmRepairFlow()
