"""A camera's stream checked before it is stored (URL, certificate, probe, ONVIF identity), and its data."""

from __future__ import annotations

from typing import Any

from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.core import HomeAssistant

from . import discovery
from .camera_config import (
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
    CONF_URL,
    CONF_USERNAME,
    CONF_VIDEO_CODEC,
    CONF_WIDTH,
    DEFAULT_POST_ROLL,
    DEFAULT_PRE_ROLL,
    MODE_CONTINUOUS,
    strip_credentials,
    validate_stream_url,
    with_credentials,
)
from .pinning import CertificateError, is_tls_url, presented_fingerprint
from .probe import ProbeError, StreamInfo, ffprobe_binary, probe_stream


async def same_onvif_device(host: str, endpoint: str | None) -> bool:
    """Whether the camera at `host` answers with the ONVIF endpoint it was added with (True without one).

    Checked before the stored credentials are sent to a new address.
    """
    if not endpoint:
        return True
    found = await discovery.scan(target=(host, discovery.WSD_TARGET[1]))
    return any(device.endpoint == endpoint for device in found)


async def async_probe(
    hass: HomeAssistant, url: str, *, allow_http: bool = False, pin: str | None = None
) -> StreamInfo:
    """Test-before-configure with the ffprobe beside Home Assistant's ffmpeg.

    An rtsps:// camera with a `pin` must present that certificate before ffprobe (and the credentials)
    go to it.
    """
    binary = await hass.async_add_executor_job(ffprobe_binary, get_ffmpeg_manager(hass).binary)
    return await probe_stream(binary, url, allow_http=allow_http, pin=pin)


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
