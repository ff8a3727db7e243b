"""Config flow: the hub (its storage folder) and its retention options."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import probatio
from homeassistant.components import webhook
from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .agency_flow import AgencySubentryFlow
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
    CONF_FOOTAGE_PATH,
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
    DEFAULT_OPTIONS,
    DOMAIN,
    MAIL_AUTHENTICATIONS,
    NAME,
    hub_options,
)
from .recording import discovery, places
from .recording.camera_config import (
    CONF_AUDIO_CODEC,
    CONF_ENTITY_ID,
    CONF_HEIGHT,
    CONF_MAC,
    CONF_MODE,
    CONF_MOTION_ENTITIES,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_POST_ROLL,
    CONF_PRE_ROLL,
    CONF_RECORD_AUDIO,
    CONF_RING_ENTITIES,
    CONF_SOURCE,
    CONF_TLS_FINGERPRINT,
    CONF_URL,
    CONF_USERNAME,
    CONF_VIDEO_CODEC,
    CONF_WIDTH,
    DEFAULT_POST_ROLL,
    DEFAULT_PRE_ROLL,
    MODE_CONTINUOUS,
    MODE_EVENTS,
    REAUTH_CAMERA,
    SOURCE_DHCP,
    SOURCE_ENTITY,
    SOURCE_MANUAL,
    SOURCE_ONVIF,
    SOURCE_ZEROCONF,
    SUBENTRY_CAMERA,
    strip_credentials,
    with_credentials,
)
from .recording.pinning import CertificateError, is_tls_url, presented_fingerprint
from .recording.probe import ProbeError, StreamInfo, ffprobe_binary, probe_stream
from .requests.agencies import SUBENTRY_AGENCY
from .requests.secret import generate_secret, secret_is_set, strong_enough, write_secret
from .selectors import number_box
from .texts import async_text

if TYPE_CHECKING:
    # Types only: loading the hub would load evidence/ (cryptography) on every discovery match.
    from .hub import DoorbellVaultConfigEntry
from .store import FolderError, prepare_folder

GIB = 1024**3
STREAM_SCHEMES = ("rtsp", "rtsps")
DEFAULT_RTSP_PORT = 554
MAIL_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
AUTHSERV_ID = re.compile(r"^[A-Za-z0-9.\-]{0,253}$")


CONF_ONVIF_ENDPOINT = "onvif_endpoint"


async def _same_onvif_device(host: str, endpoint: str | None) -> bool:
    """Whether the camera at `host` answers with the ONVIF endpoint it was added with (True without one).

    Checked before the stored credentials are sent to a new address.
    """
    if not endpoint:
        return True
    found = await discovery.scan(target=(host, discovery.WSD_TARGET[1]))
    return any(device.endpoint == endpoint for device in found)


def _certificate_text(data: Mapping[str, Any]) -> dict[str, str]:
    """The placeholders of a step that shows a camera's certificate fingerprint."""
    return {
        "camera": str(data[CONF_NAME]),
        "url": str(data[CONF_URL]),
        "fingerprint": str(data[CONF_TLS_FINGERPRINT]),
    }


def format_gib(free_bytes: int) -> str:
    """Free space as the owner reads it."""
    return f"{free_bytes / GIB:.1f} GiB"


def url_unique_id(url: str) -> str:
    """A stable id for a camera known only by its stream URL (host, port and path)."""
    parts = urlsplit(url)
    key = f"{parts.hostname}:{parts.port or DEFAULT_RTSP_PORT}{parts.path}"
    return "url-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def validate_stream_url(url: str) -> str | None:
    """The translation key of what is wrong with a stream URL, or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return "invalid_url"
    if parts.scheme not in STREAM_SCHEMES or not parts.hostname or len(url) > 2048:
        return "invalid_url"
    return None


def _tsa_url_ok(url: str) -> bool:
    """Empty (no timestamps), or an http(s) URL with a host."""
    if not url.strip():
        return True
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 500


async def async_probe(
    hass: HomeAssistant, url: str, *, allow_http: bool = False, pin: str | None = None
) -> StreamInfo:
    """Test-before-configure with the ffprobe beside Home Assistant's ffmpeg.

    An rtsps:// camera with a `pin` must present that certificate before ffprobe (and the credentials)
    go to it.
    """
    binary = await hass.async_add_executor_job(ffprobe_binary, get_ffmpeg_manager(hass).binary)
    return await probe_stream(binary, url, allow_http=allow_http, pin=pin)


def same_endpoint(url: str, other: str | None) -> bool:
    """Whether two stream URLs reach the same host and port (so the same TLS certificate is expected)."""
    if not other:
        return False
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def camera_data(
    *,
    name: str,
    url: str | None,
    username: str | None,
    password: str | None,
    source: str,
    info: StreamInfo,
    mac: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    """The subentry data of a new camera."""
    return {
        CONF_NAME: name,
        CONF_URL: url,
        CONF_USERNAME: username or None,
        CONF_PASSWORD: password or None,
        CONF_SOURCE: source,
        CONF_ENTITY_ID: entity_id,
        CONF_MAC: mac,
        CONF_VIDEO_CODEC: info.video_codec,
        CONF_AUDIO_CODEC: info.audio_codec,
        CONF_WIDTH: info.width,
        CONF_HEIGHT: info.height,
        CONF_RECORD_AUDIO: True,
        CONF_MODE: MODE_CONTINUOUS,
        CONF_RING_ENTITIES: [],
        CONF_MOTION_ENTITIES: [],
        CONF_PRE_ROLL: DEFAULT_PRE_ROLL,
        CONF_POST_ROLL: DEFAULT_POST_ROLL,
    }


def stream_schema(url: str, username: str = "", name: str = "") -> probatio.Schema:
    """Name, URL and optional credentials of a camera's stream."""
    return probatio.Schema(
        {
            probatio.Required(CONF_NAME, default=name): selector.TextSelector(),
            probatio.Required(CONF_URL, default=url): selector.TextSelector(
                selector.TextSelectorConfig(type=selector.TextSelectorType.URL)
            ),
            probatio.Optional(CONF_USERNAME, default=username): selector.TextSelector(),
            probatio.Optional(CONF_PASSWORD, default=""): selector.TextSelector(
                selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
            ),
        }
    )


type CheckedStream = tuple[str, str | None, str | None, StreamInfo, str | None]


async def async_check_stream(
    hass: HomeAssistant, user_input: dict[str, Any], *, pinned: str | None = None
) -> tuple[dict[str, str], CheckedStream | None]:
    """Validate and probe a stream form; return errors, or the clean URL, credentials, info and pin.

    For an rtsps:// URL the certificate's fingerprint is read first (trust on first use) and the probe
    only goes to a server presenting that same certificate; with `pinned` (a camera's stored pin for
    this address) a different certificate is refused before any credential is sent.
    """
    raw = str(user_input[CONF_URL]).strip()
    if (error := validate_stream_url(raw)) is not None:
        return {CONF_URL: error}, None
    url, url_user, url_password = strip_credentials(raw)
    username = str(user_input.get(CONF_USERNAME) or url_user or "").strip() or None
    password = str(user_input.get(CONF_PASSWORD) or url_password or "") or None
    fingerprint: str | None = None
    if is_tls_url(url):
        try:
            fingerprint = await presented_fingerprint(url)
        except CertificateError as err:
            return {"base": err.reason}, None
        if pinned and fingerprint != pinned:
            return {"base": "certificate_changed"}, None
    try:
        info = await async_probe(hass, with_credentials(url, username, password), pin=fingerprint)
    except ProbeError as err:
        return {"base": err.reason}, None
    return {}, (url, username, password, info, fingerprint)


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


def existing_camera(entry: ConfigEntry, unique_id: str) -> ConfigSubentry | None:
    """The hub's camera with this unique id."""
    return next(
        (
            sub
            for sub in entry.subentries.values()
            if sub.subentry_type == SUBENTRY_CAMERA and sub.unique_id == unique_id
        ),
        None,
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
                if not await _same_onvif_device(moved["new"], known.data.get(CONF_ONVIF_ENDPOINT)):
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
            description_placeholders=_certificate_text(data),
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


class CameraSubentryFlow(ConfigSubentryFlow):
    """Add a camera to the hub (manual RTSP URL, a Home Assistant camera, or an ONVIF scan) or edit it."""

    def __init__(self) -> None:
        """Nothing found yet."""
        self._found: list[discovery.OnvifDevice] = []
        self._prefill: dict[str, str] = {}
        self._source = SOURCE_MANUAL
        self._mac: str | None = None
        self._endpoint: str | None = None
        # A camera's data waiting for the owner to look at its TLS certificate (and its unique id).
        self._pending: tuple[dict[str, Any], str | None] = ({}, None)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Choose how to add the camera."""
        return self.async_show_menu(step_id="user", menu_options=["manual", "entity", "onvif"])

    def _create(self, data: dict[str, Any], unique_id: str) -> SubentryFlowResult:
        entry = self._get_entry()
        if existing_camera(entry, unique_id) is not None:
            return self.async_abort(reason="already_configured")
        return self.async_create_entry(title=data[CONF_NAME], data=data, unique_id=unique_id)

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """An RTSP URL with optional credentials, probed before it is accepted."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, checked = await async_check_stream(self.hass, user_input)
            if checked is not None:
                url, username, password, info, fingerprint = checked
                name = str(user_input[CONF_NAME]).strip()[:64] or urlsplit(url).hostname or "Camera"
                unique_id = f"mac-{self._mac}" if self._mac else url_unique_id(url)
                data = camera_data(
                    name=name,
                    url=url,
                    username=username,
                    password=password,
                    source=self._source,
                    info=info,
                    mac=self._mac,
                )
                if self._endpoint:
                    # The camera's ONVIF identity, checked before it may ever move to a new address.
                    data[CONF_ONVIF_ENDPOINT] = self._endpoint
                if fingerprint:
                    # Trust on first use: the owner sees the certificate before it is pinned.
                    data[CONF_TLS_FINGERPRINT] = fingerprint
                    self._pending = (data, unique_id)
                    return await self.async_step_certificate()
                return self._create(data, unique_id)
        prefill = {**self._prefill, **(user_input or {})}
        return self.async_show_form(
            step_id="manual",
            data_schema=stream_schema(
                str(prefill.get(CONF_URL, "rtsp://")),
                str(prefill.get(CONF_USERNAME, "")),
                str(prefill.get(CONF_NAME, "")),
            ),
            errors=errors,
        )

    async def async_step_certificate(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Show a new rtsps:// camera's certificate fingerprint; confirmed, it is pinned with the camera."""
        data, unique_id = self._pending
        if user_input is not None:
            return self._create(data, str(unique_id))
        return self.async_show_form(step_id="certificate", description_placeholders=_certificate_text(data))

    async def async_step_entity(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Record the stream source of an existing Home Assistant camera."""
        errors: dict[str, str] = {}
        if user_input is not None:
            from homeassistant.components.camera import async_get_stream_source

            entity_id = str(user_input[CONF_ENTITY_ID])
            source: str | None = None
            try:
                source = await async_get_stream_source(self.hass, entity_id)
            except Exception:
                source = None
            if not source:
                errors[CONF_ENTITY_ID] = "no_stream_source"
            else:
                try:
                    info = await async_probe(self.hass, source, allow_http=True)
                except ProbeError as err:
                    errors["base"] = err.reason
                else:
                    state = self.hass.states.get(entity_id)
                    name = state.name if state else entity_id
                    data = camera_data(
                        name=str(name)[:64],
                        url=None,
                        username=None,
                        password=None,
                        source=SOURCE_ENTITY,
                        info=info,
                        entity_id=entity_id,
                    )
                    return self._create(data, f"entity-{entity_id}")
        return self.async_show_form(
            step_id="entity",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_ENTITY_ID): selector.EntitySelector(
                        selector.EntitySelectorConfig(domain="camera")
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_onvif(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Scan for ONVIF cameras (a few seconds), then pick one."""
        if user_input is None:
            self._found = await discovery.scan()
            if not self._found:
                return self.async_abort(reason="no_devices_found")
            return self.async_show_form(
                step_id="onvif",
                data_schema=probatio.Schema(
                    {
                        probatio.Required("device"): selector.SelectSelector(
                            selector.SelectSelectorConfig(
                                options=[
                                    selector.SelectOptionDict(value=str(i), label=f"{d.name} ({d.host})")
                                    for i, d in enumerate(self._found)
                                ]
                            )
                        )
                    }
                ),
            )
        device = self._found[int(user_input["device"])]
        self._source = SOURCE_ONVIF
        self._mac = format_mac(device.mac) if device.mac else None
        self._endpoint = device.endpoint or None
        self._prefill = {CONF_NAME: device.name, CONF_URL: f"rtsp://{device.host}:{DEFAULT_RTSP_PORT}/"}
        return await self.async_step_manual()

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Stream URL and credentials (probed when they change), recording mode, audio, linked entities."""
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        has_url = subentry.data.get(CONF_URL) is not None
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                **subentry.data,
                CONF_MODE: user_input[CONF_MODE],
                CONF_RECORD_AUDIO: bool(user_input[CONF_RECORD_AUDIO]),
                CONF_RING_ENTITIES: list(user_input.get(CONF_RING_ENTITIES, [])),
                CONF_MOTION_ENTITIES: list(user_input.get(CONF_MOTION_ENTITIES, [])),
                CONF_PRE_ROLL: int(user_input[CONF_PRE_ROLL]),
                CONF_POST_ROLL: int(user_input[CONF_POST_ROLL]),
            }
            unique_id = subentry.unique_id
            if has_url and (stream := self._stream_change(subentry, user_input)) is not None:
                # At the same address the pinned certificate must answer (a new one is accepted in its
                # repair); a new address is trusted on first use, shown before it is saved.
                pinned = subentry.data.get(CONF_TLS_FINGERPRINT)
                same = same_endpoint(str(stream[CONF_URL]), subentry.data[CONF_URL])
                errors, checked = await async_check_stream(self.hass, stream, pinned=pinned if same else None)
                if checked is not None:
                    url, username, password, info, fingerprint = checked
                    data |= {
                        CONF_URL: url,
                        CONF_USERNAME: username,
                        CONF_PASSWORD: password,
                        CONF_TLS_FINGERPRINT: fingerprint,
                        CONF_VIDEO_CODEC: info.video_codec,
                        CONF_AUDIO_CODEC: info.audio_codec,
                        CONF_WIDTH: info.width,
                        CONF_HEIGHT: info.height,
                    }
                    if unique_id is not None and unique_id.startswith("url-"):
                        # A camera known only by its URL is now known by the new one.
                        unique_id = url_unique_id(url)
                        other = existing_camera(entry, unique_id)
                        if other is not None and other.subentry_id != subentry.subentry_id:
                            return self.async_abort(reason="already_configured")
            if not errors and is_tls_url(data.get(CONF_URL)) and not data.get(CONF_TLS_FINGERPRINT):
                # An rtsps:// camera added before pinning existed is pinned here, shown first.
                try:
                    data[CONF_TLS_FINGERPRINT] = await presented_fingerprint(str(data[CONF_URL]))
                except CertificateError as err:
                    errors["base"] = err.reason
            if not errors and data.get(CONF_TLS_FINGERPRINT) not in (
                None,
                subentry.data.get(CONF_TLS_FINGERPRINT),
            ):
                self._pending = (data, unique_id)
                return await self.async_step_reconfigure_certificate()
            if not errors:
                return self.async_update_and_abort(entry, subentry, data=data, unique_id=unique_id)
        fields: dict[Any, Any] = {}
        if has_url:
            fields = {
                probatio.Optional(CONF_URL): selector.TextSelector(
                    selector.TextSelectorConfig(type=selector.TextSelectorType.URL)
                ),
                probatio.Optional(CONF_USERNAME): selector.TextSelector(),
                probatio.Optional(CONF_PASSWORD): selector.TextSelector(
                    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
                ),
            }
        schema = probatio.Schema(
            {
                **fields,
                probatio.Required(CONF_MODE): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[MODE_CONTINUOUS, MODE_EVENTS], translation_key=CONF_MODE
                    )
                ),
                probatio.Required(CONF_RECORD_AUDIO): selector.BooleanSelector(),
                probatio.Optional(CONF_RING_ENTITIES): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain=["event", "binary_sensor"], multiple=True)
                ),
                probatio.Optional(CONF_MOTION_ENTITIES): selector.EntitySelector(
                    selector.EntitySelectorConfig(domain="binary_sensor", multiple=True)
                ),
                probatio.Required(CONF_PRE_ROLL): number_box(0, 120, 1, "s"),
                probatio.Required(CONF_POST_ROLL): number_box(0, 600, 1, "s"),
            }
        )
        # The password is never sent back to the browser: left empty, it stays as it is.
        suggested = {k: v for k, v in {**subentry.data, **(user_input or {})}.items() if k != CONF_PASSWORD}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    async def async_step_reconfigure_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the certificate the camera's new address presents; confirmed, it is pinned instead."""
        data, unique_id = self._pending
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            return self.async_update_and_abort(self._get_entry(), subentry, data=data, unique_id=unique_id)
        return self.async_show_form(
            step_id="reconfigure_certificate",
            description_placeholders={
                **_certificate_text(data),
                "old": str(subentry.data.get(CONF_TLS_FINGERPRINT) or "none"),
            },
        )

    @staticmethod
    def _stream_change(subentry: ConfigSubentry, user_input: dict[str, Any]) -> dict[str, Any] | None:
        """The stream form to probe when the URL or the credentials changed, else None."""
        url = str(user_input.get(CONF_URL) or subentry.data[CONF_URL]).strip()
        old_username = str(subentry.data.get(CONF_USERNAME) or "")
        username = str(user_input.get(CONF_USERNAME, old_username) or "").strip()
        password = str(user_input.get(CONF_PASSWORD) or "")
        if url == subentry.data[CONF_URL] and username == old_username and not password:
            return None
        if username == old_username and not password:
            password = str(subentry.data.get(CONF_PASSWORD) or "")
        return {CONF_URL: url, CONF_USERNAME: username, CONF_PASSWORD: password}
