"""The camera subentry flow: add a camera (stream URL, Home Assistant camera or ONVIF scan), edit it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import probatio
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers import selector
from homeassistant.helpers.device_registry import format_mac

from .recording import discovery
from .recording.camera_config import (
    CONF_AUDIO_CODEC,
    CONF_ENTITY_ID,
    CONF_HEIGHT,
    CONF_MODE,
    CONF_MOTION_ENTITIES,
    CONF_NAME,
    CONF_ONVIF_ENDPOINT,
    CONF_PASSWORD,
    CONF_POST_ROLL,
    CONF_PRE_ROLL,
    CONF_RECORD_AUDIO,
    CONF_RING_ENTITIES,
    CONF_TLS_FINGERPRINT,
    CONF_URL,
    CONF_USERNAME,
    CONF_VIDEO_CODEC,
    CONF_WIDTH,
    DEFAULT_RTSP_PORT,
    MODE_CONTINUOUS,
    MODE_EVENTS,
    SOURCE_ENTITY,
    SOURCE_MANUAL,
    SOURCE_ONVIF,
    existing_camera,
    same_endpoint,
    url_unique_id,
)
from .recording.pinning import CertificateError, is_tls_url, presented_fingerprint
from .recording.probe import ProbeError
from .recording.stream_check import async_check_stream, async_probe, camera_data
from .selectors import number_box


def certificate_text(data: Mapping[str, Any]) -> dict[str, str]:
    """The placeholders of a step that shows a camera's certificate fingerprint."""
    return {
        "camera": str(data[CONF_NAME]),
        "url": str(data[CONF_URL]),
        "fingerprint": str(data[CONF_TLS_FINGERPRINT]),
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
        return self.async_show_form(step_id="certificate", description_placeholders=certificate_text(data))

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
                **certificate_text(data),
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
