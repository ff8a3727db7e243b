"""Config flow: the hub (its storage folder) and its retention options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import probatio
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.core import callback
from homeassistant.helpers import selector

from .const import (
    CONF_CONTINUOUS_DAYS,
    CONF_EVENT_DAYS,
    CONF_MAX_SIZE_GB,
    CONF_MIN_FREE_GB,
    CONF_STORAGE_PATH,
    DEFAULT_OPTIONS,
    DEFAULT_STORAGE_FOLDER,
    DOMAIN,
    NAME,
)
from .hub import DoorbellVaultConfigEntry
from .store import FolderError, prepare_folder

GIB = 1024**3


def format_gib(free_bytes: int) -> str:
    """Free space as the owner reads it."""
    return f"{free_bytes / GIB:.1f} GiB"


class DoorbellVaultConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up the hub: where footage is kept."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._storage: Path | None = None
        self._free_bytes = 0

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the storage folder and check it."""
        errors: dict[str, str] = {}
        default = self.hass.config.path(DEFAULT_STORAGE_FOLDER)
        if user_input is not None:
            raw = str(user_input[CONF_STORAGE_PATH]).strip()
            storage = Path(raw)
            try:
                self._free_bytes = await self.hass.async_add_executor_job(prepare_folder, storage)
            except FolderError as err:
                errors[CONF_STORAGE_PATH] = err.reason
            else:
                self._storage = storage
                return await self.async_step_confirm()
            default = raw
        return self.async_show_form(
            step_id="user",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_STORAGE_PATH, default=default): selector.TextSelector(),
                }
            ),
            errors=errors,
        )

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the chosen folder and its free space before creating the hub."""
        assert self._storage is not None
        if user_input is not None:
            return self.async_create_entry(
                title=NAME,
                data={CONF_STORAGE_PATH: str(self._storage)},
                options=dict(DEFAULT_OPTIONS),
            )
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={
                "path": str(self._storage),
                "free": format_gib(self._free_bytes),
            },
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: DoorbellVaultConfigEntry) -> DoorbellVaultOptionsFlow:
        """Retention options."""
        return DoorbellVaultOptionsFlow()


def _number(minimum: float, maximum: float, step: float, unit: str) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=step,
            unit_of_measurement=unit,
            mode=selector.NumberSelectorMode.BOX,
        )
    )


class DoorbellVaultOptionsFlow(OptionsFlowWithReload):
    """Retention defaults; the entry reloads when they change."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit retention."""
        errors: dict[str, str] = {}
        options = {**DEFAULT_OPTIONS, **self.config_entry.options}
        if user_input is not None:
            options.update(user_input)
            options[CONF_CONTINUOUS_DAYS] = int(options[CONF_CONTINUOUS_DAYS])
            options[CONF_EVENT_DAYS] = int(options[CONF_EVENT_DAYS])
            if options[CONF_EVENT_DAYS] < options[CONF_CONTINUOUS_DAYS]:
                errors[CONF_EVENT_DAYS] = "event_days_too_short"
            else:
                return self.async_create_entry(data=options)
        schema = probatio.Schema(
            {
                probatio.Required(CONF_CONTINUOUS_DAYS): _number(1, 3650, 1, "d"),
                probatio.Required(CONF_EVENT_DAYS): _number(1, 3650, 1, "d"),
                probatio.Required(CONF_MAX_SIZE_GB): _number(0, 100000, 0.5, "GB"),
                probatio.Required(CONF_MIN_FREE_GB): _number(0, 10000, 0.5, "GB"),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, options),
            errors=errors,
        )
