"""Config flow: the hub (its folders), discovered cameras and cameras' reauthentication.

Home Assistant loads this module on every DHCP or zeroconf match: nothing it imports may load the hub or
evidence/. A camera's own flow is in camera_flow.py, the hub's options in options_flow.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import probatio
from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .agency_flow import AgencySubentryFlow
from .camera_flow import CameraSubentryFlow, certificate_text, stream_schema
from .const import (
    CONF_FOOTAGE_MOVE_TO,
    CONF_FOOTAGE_PATH,
    CONF_STORAGE_PATH,
    CONF_WEBHOOK_ID,
    DEFAULT_OPTIONS,
    DOMAIN,
    NAME,
    footage_folder,
    state_folder,
)
from .options_flow import DoorbellVaultOptionsFlow
from .recording import places
from .recording.camera_config import (
    CONF_NAME,
    CONF_ONVIF_ENDPOINT,
    CONF_PASSWORD,
    CONF_TLS_FINGERPRINT,
    CONF_URL,
    CONF_USERNAME,
    DEFAULT_RTSP_PORT,
    REAUTH_CAMERA,
    SOURCE_DHCP,
    SOURCE_ZEROCONF,
    SUBENTRY_CAMERA,
    existing_camera,
    with_credentials,
)
from .recording.probe import ProbeError
from .recording.stream_check import async_check_stream, async_probe, camera_data, same_onvif_device
from .requests.agencies import SUBENTRY_AGENCY
from .store import FolderError, prepare_folder
from .texts import async_text

if TYPE_CHECKING:
    # Types only: loading the hub would load evidence/ (cryptography) on every discovery match.
    from .hub import DoorbellVaultConfigEntry

GIB = 1024**3


def format_gib(free_bytes: int) -> str:
    """Free space as the owner reads it."""
    return f"{free_bytes / GIB:.1f} GiB"


def credentials_schema(username: str = "") -> probatio.Schema:
    """New credentials for a known stream."""
    return probatio.Schema(
        {
            probatio.Optional(CONF_USERNAME, default=username): selector.TextSelector(),
            probatio.Optional(CONF_PASSWORD, default=""): selector.TextSelector(
                selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
            ),
        }
    )


class DoorbellVaultConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up the hub: where footage is kept."""

    VERSION = 1
    # 1.2: the state and the footage in folders of their own (CONF_FOOTAGE_PATH); 1.3: the webhook's id.
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._storage: Path | None = None
        self._free_bytes = 0
        self._discovered: dict[str, Any] = {}
        self._reauth_camera = ""
        self._moved: dict[str, str] = {}
        self._discovered_data: dict[str, Any] = {}

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Cameras and agencies are subentries of the hub."""
        return {SUBENTRY_CAMERA: CameraSubentryFlow, SUBENTRY_AGENCY: AgencySubentryFlow}

    def _hub(self) -> ConfigEntry | None:
        entries = self._async_current_entries(include_ignore=False)
        return entries[0] if entries else None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the footage folder and check it; the state goes into the configuration folder."""
        # One hub per Home Assistant. Not `single_config_entry` in the manifest: Home Assistant would then
        # refuse every discovery flow once the hub exists, and discovery is how a camera is added or moved.
        await self.async_set_unique_id(DOMAIN, raise_on_progress=False)
        self._abort_if_unique_id_configured(error="single_instance_allowed")
        errors: dict[str, str] = {}
        state = places.state_default(self.hass)
        default = str(places.footage_default(self.hass))
        if user_input is not None:
            raw = str(user_input[CONF_FOOTAGE_PATH]).strip()
            footage = Path(raw)
            try:
                await self.hass.async_add_executor_job(prepare_folder, state)
                self._free_bytes = await self.hass.async_add_executor_job(prepare_folder, footage)
            except FolderError as err:
                errors[CONF_FOOTAGE_PATH] = err.reason
            else:
                self._storage = footage
                return await self.async_step_confirm()
            default = raw
        return self.async_show_form(
            step_id="user",
            data_schema=probatio.Schema(
                {probatio.Required(CONF_FOOTAGE_PATH, default=default): selector.TextSelector()}
            ),
            description_placeholders={"state": str(state)},
            errors=errors,
        )

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show both folders, the footage folder's free space and what a backup will hold."""
        assert self._storage is not None
        state = places.state_default(self.hass)
        if user_input is not None:
            await self.async_set_unique_id(DOMAIN, raise_on_progress=False)
            return self.async_create_entry(
                title=NAME,
                data={
                    CONF_STORAGE_PATH: str(state),
                    CONF_FOOTAGE_PATH: str(self._storage),
                    CONF_WEBHOOK_ID: webhook.async_generate_id(),
                },
                options=dict(DEFAULT_OPTIONS),
            )
        in_backups = await self.hass.async_add_executor_job(
            places.in_backups, self.hass.config.config_dir, self._storage
        )
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={
                "path": str(self._storage),
                "free": format_gib(self._free_bytes),
                "state": str(state),
                "backups": await async_text(
                    self.hass, "backup_holds_footage" if in_backups else "backup_holds_state"
                ),
            },
        )

    # Reconfiguration: the footage folder. The hub moves the footage (copy, verify, switch, remove).

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose another footage folder; nothing moves until it is checked."""
        entry = self._get_reconfigure_entry()
        current = footage_folder(entry.data)
        errors: dict[str, str] = {}
        default = str(current)
        if user_input is not None:
            target = Path(str(user_input[CONF_FOOTAGE_PATH]).strip())
            refused = await self.hass.async_add_executor_job(
                places.move_refused, self.hass.config.config_dir, target, current, None
            )
            if refused is None:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_FOOTAGE_MOVE_TO: str(target)}
                )
            errors[CONF_FOOTAGE_PATH] = refused
            default = str(target)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=probatio.Schema(
                {probatio.Required(CONF_FOOTAGE_PATH, default=default): selector.TextSelector()}
            ),
            description_placeholders={"path": str(current), "state": str(state_folder(entry.data))},
            errors=errors,
        )

    # Reauthentication: a camera started refusing its credentials (the recorder saw 401 or 403).

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Remember which camera refuses its credentials."""
        self._reauth_camera = str(entry_data.get(REAUTH_CAMERA, ""))
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the camera's new user name and password; probe them before they are stored."""
        entry = self._get_reauth_entry()
        subentry = entry.subentries.get(self._reauth_camera)
        if subentry is None or not subentry.data.get(CONF_URL):
            return self.async_abort(reason="camera_gone")
        url = str(subentry.data[CONF_URL])
        errors: dict[str, str] = {}
        if user_input is not None:
            username = str(user_input.get(CONF_USERNAME) or "").strip() or None
            password = str(user_input.get(CONF_PASSWORD) or "") or None
            try:
                await async_probe(
                    self.hass,
                    with_credentials(url, username, password),
                    pin=subentry.data.get(CONF_TLS_FINGERPRINT),
                )
            except ProbeError as err:
                errors["base"] = err.reason
            else:
                # The hub's update listener reloads it: the recorder starts again with these.
                self.hass.config_entries.async_update_subentry(
                    entry,
                    subentry,
                    data={**subentry.data, CONF_USERNAME: username, CONF_PASSWORD: password},
                )
                return self.async_abort(reason="reauth_successful")
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=credentials_schema(str(subentry.data.get(CONF_USERNAME) or "")),
            description_placeholders={"camera": subentry.title, "url": url},
            errors=errors,
        )

    # Discovery: a camera found on the network becomes a camera of the hub (which it creates if needed).

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A camera announced itself over mDNS."""
        properties = {k.lower(): str(v) for k, v in discovery_info.properties.items()}
        raw_mac = properties.get("macaddress") or properties.get("mac")
        name = discovery_info.name.split(".", 1)[0][:64] or discovery_info.host
        return await self._async_discovered(SOURCE_ZEROCONF, str(discovery_info.ip_address), name, raw_mac)

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A camera maker's device joined the network."""
        return await self._async_discovered(
            SOURCE_DHCP,
            discovery_info.ip,
            discovery_info.hostname[:64] or discovery_info.ip,
            discovery_info.macaddress,
        )

    async def _async_discovered(
        self, source: str, host: str, name: str, raw_mac: str | None
    ) -> ConfigFlowResult:
        mac = format_mac(raw_mac) if raw_mac else None
        if mac is not None and len(mac) != 17:
            mac = None
        unique_id = f"mac-{mac}" if mac else f"host-{host}"
        await self.async_set_unique_id(unique_id)
        if (hub := self._hub()) is not None and (known := existing_camera(hub, unique_id)):
            url = known.data.get(CONF_URL)
            if url and urlsplit(url).hostname != host:
                # An announcement or a DHCP request is easily forged: a camera never follows one by
                # itself (its credentials and its footage would go to whoever sent it). The owner
                # confirms old → new, and the new address is probed before anything changes.
                parts = urlsplit(url)
                port = f":{parts.port}" if parts.port else ""
                new_host = f"[{host}]" if ":" in host else host
                self._moved = {
                    "subentry_id": known.subentry_id,
                    "camera": known.title,
                    "old": str(parts.hostname),
                    "new": host,
                    "url": parts._replace(netloc=f"{new_host}{port}").geturl(),
                }
                self.context["title_placeholders"] = {"name": known.title}
                return await self.async_step_discovery_moved()
            return self.async_abort(reason="already_configured")
        self._discovered = {"source": source, "host": host, "name": name, "mac": mac}
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_moved(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A configured camera seems to have moved: show old → new, probe the new address, then update."""
        moved = self._moved
        errors: dict[str, str] = {}
        if user_input is not None:
            hub = self._hub()
            known = hub.subentries.get(moved["subentry_id"]) if hub is not None else None
            if hub is None or known is None:
                return self.async_abort(reason="camera_gone")
            url = with_credentials(moved["url"], known.data.get(CONF_USERNAME), known.data.get(CONF_PASSWORD))
            try:
                if not await same_onvif_device(moved["new"], known.data.get(CONF_ONVIF_ENDPOINT)):
                    raise ProbeError("identity_changed")
                # An rtsps:// camera must present its pinned certificate at the new address too.
                await async_probe(self.hass, url, pin=known.data.get(CONF_TLS_FINGERPRINT))
            except ProbeError as err:
                errors["base"] = "identity_changed" if err.reason == "certificate_changed" else err.reason
            else:
                self.hass.config_entries.async_update_subentry(
                    hub, known, data={**known.data, CONF_URL: moved["url"]}
                )
                return self.async_abort(reason="camera_moved")
        return self.async_show_form(
            step_id="discovery_moved",
            description_placeholders={k: moved[k] for k in ("camera", "old", "new")},
            errors=errors,
        )

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the stream URL and credentials of a discovered camera, then probe it."""
        found = self._discovered
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, checked = await async_check_stream(self.hass, user_input)
            if checked is not None:
                url, username, password, info, fingerprint = checked
                data = camera_data(
                    name=str(user_input[CONF_NAME]).strip()[:64] or found["name"],
                    url=url,
                    username=username,
                    password=password,
                    source=found["source"],
                    info=info,
                    mac=found["mac"],
                )
                if fingerprint:
                    # Trust on first use: the owner sees the certificate before it is pinned.
                    data[CONF_TLS_FINGERPRINT] = fingerprint
                    self._discovered_data = data
                    return await self.async_step_discovery_certificate()
                return await self._async_add_discovered(data)
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=stream_schema(f"rtsp://{found['host']}:{DEFAULT_RTSP_PORT}/", name=found["name"]),
            description_placeholders={"name": found["name"], "host": found["host"]},
            errors=errors,
        )

    async def async_step_discovery_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the rtsps:// camera's certificate fingerprint; confirmed, it is pinned with the camera."""
        data = self._discovered_data
        if user_input is not None:
            return await self._async_add_discovered(data)
        return self.async_show_form(
            step_id="discovery_certificate",
            description_placeholders=certificate_text(data),
        )

    async def _async_add_discovered(self, data: dict[str, Any]) -> ConfigFlowResult:
        subentry = ConfigSubentry(
            data=MappingProxyType(data),
            subentry_type=SUBENTRY_CAMERA,
            title=data[CONF_NAME],
            unique_id=self.unique_id,
        )
        if (hub := self._hub()) is not None:
            self.hass.config_entries.async_add_subentry(hub, subentry)
            return self.async_abort(reason="camera_added")
        state, footage = places.state_default(self.hass), places.footage_default(self.hass)
        try:
            for folder in (state, footage):
                await self.hass.async_add_executor_job(prepare_folder, folder)
        except FolderError as err:
            return self.async_abort(reason=err.reason)
        await self.async_set_unique_id(DOMAIN, raise_on_progress=False)
        return self.async_create_entry(
            title=NAME,
            data={
                CONF_STORAGE_PATH: str(state),
                CONF_FOOTAGE_PATH: str(footage),
                CONF_WEBHOOK_ID: webhook.async_generate_id(),
            },
            options=dict(DEFAULT_OPTIONS),
            subentries=[
                {
                    "data": data,
                    "subentry_type": SUBENTRY_CAMERA,
                    "title": data[CONF_NAME],
                    "unique_id": subentry.unique_id,
                }
            ],
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: DoorbellVaultConfigEntry) -> DoorbellVaultOptionsFlow:
        """Retention options."""
        return DoorbellVaultOptionsFlow()
