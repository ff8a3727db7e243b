"""A camera as the hub knows it: one config subentry as a typed record, its stream URL and unique id."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlsplit, urlunsplit

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

SUBENTRY_CAMERA: Final = "camera"
REAUTH_CAMERA: Final = "reauth_camera"  # the reauth flow's data: which camera refused its credentials

CONF_NAME: Final = "name"
CONF_URL: Final = "url"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"  # noqa: S105 - the key's name, not a secret
CONF_SOURCE: Final = "source"
CONF_ENTITY_ID: Final = "entity_id"
CONF_VIDEO_CODEC: Final = "video_codec"
CONF_AUDIO_CODEC: Final = "audio_codec"
CONF_WIDTH: Final = "width"
CONF_HEIGHT: Final = "height"
CONF_RECORD_AUDIO: Final = "record_audio"
CONF_MODE: Final = "mode"
CONF_RING_ENTITIES: Final = "ring_entities"
CONF_MOTION_ENTITIES: Final = "motion_entities"
CONF_PRE_ROLL: Final = "pre_roll"
CONF_POST_ROLL: Final = "post_roll"
CONF_MAC: Final = "mac"
# SHA-256 of the certificate an rtsps:// camera presented when it was added (or the owner last accepted).
CONF_TLS_FINGERPRINT: Final = "tls_fingerprint"
# The ONVIF endpoint of a camera found by a scan: checked before its credentials go to a new address.
CONF_ONVIF_ENDPOINT: Final = "onvif_endpoint"

MODE_CONTINUOUS: Final = "continuous"
MODE_EVENTS: Final = "events"
DEFAULT_PRE_ROLL: Final = 10
DEFAULT_POST_ROLL: Final = 20

SOURCE_MANUAL: Final = "manual"
SOURCE_ENTITY: Final = "entity"
SOURCE_ZEROCONF: Final = "zeroconf"
SOURCE_DHCP: Final = "dhcp"
SOURCE_ONVIF: Final = "onvif"

STREAM_SCHEMES: Final = ("rtsp", "rtsps")
DEFAULT_RTSP_PORT: Final = 554


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


def same_endpoint(url: str, other: str | None) -> bool:
    """Whether two stream URLs reach the same host and port (so the same TLS certificate is expected)."""
    if not other:
        return False
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


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


def strip_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Split `rtsp://user:pass@host/path` into a URL without credentials, user and password."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc)), parts.username, parts.password


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """Put credentials into a stream URL (only ever handed to the recorder and ffprobe, never logged)."""
    if not username:
        return url
    parts = urlsplit(url)
    auth = quote(username, safe="")
    if password:
        auth += ":" + quote(password, safe="")
    return urlunsplit(parts._replace(netloc=f"{auth}@{parts.netloc}"))


# A URL's user information: from the scheme's `//` to the last `@` before a space or a quote (a raw
# password may itself hold `@ : / #`).
_USERINFO: Final = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s'\"]*@")


def redact(text: str, *secrets: str | None) -> str:
    """Text that may quote a stream URL, with any `scheme://user:pass@` (and the given secrets) removed.

    Applied to everything that leaves the process: log lines, repairs, diagnostics,
    the recorder's and ffprobe's stderr.
    """
    text = _USERINFO.sub(r"\1***@", text)
    for secret in secrets:
        for form in (secret, quote(secret or "", safe="")):
            if form and len(form) > 2:
                text = text.replace(form, "***")
    return text


def redact_url(text: str, username: str | None, password: str | None) -> str:
    """Remove credentials from text that may quote a stream URL (the recorder's or ffprobe's stderr)."""
    return redact(text, password, username)


# Protocols FFmpeg (the recorder's or ffprobe's) may open for a camera's stream;
# http/https only for a camera entity's HLS source.
RECORDING_PROTOCOLS: Final = ("rtsp", "rtsps", "rtp", "srtp", "tcp", "udp", "tls")
HTTP_PROTOCOLS: Final = ("http", "https")


class SourceRefused(ValueError):
    """A stream source whose protocol is not a camera's (`file:`, `concat:`, ...)."""

    def __init__(self, scheme: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            f"stream source refused: protocol '{scheme or 'none'}' is not one of {', '.join(allowed)}"
        )
        self.scheme = scheme


def checked_source(url: str, *, allow_http: bool = False) -> str:
    """FFmpeg's protocol whitelist for reading `url`; SourceRefused for any other protocol."""
    allowed = RECORDING_PROTOCOLS + (HTTP_PROTOCOLS if allow_http else ())
    scheme = url.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", url) else ""
    if scheme not in allowed or not url[len(scheme) :].startswith("://"):
        raise SourceRefused(scheme, allowed)
    return ",".join(allowed)


@dataclass(frozen=True, slots=True)
class CameraConfig:
    """What the recorder and the entities need to know about one camera."""

    id: str  # the subentry id: also the camera's folder name and its key in the index
    name: str
    url: str | None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    source: str = SOURCE_MANUAL
    entity_id: str | None = None
    unique_id: str | None = None
    video_codec: str = "h264"
    audio_codec: str | None = None
    record_audio: bool = True
    mode: str = MODE_CONTINUOUS
    ring_entities: tuple[str, ...] = ()
    motion_entities: tuple[str, ...] = ()
    pre_roll: int = DEFAULT_PRE_ROLL
    post_roll: int = DEFAULT_POST_ROLL
    mac: str | None = None
    tls_fingerprint: str | None = None

    @property
    def stream_url(self) -> str | None:
        """The URL with credentials, for the recorder process and ffprobe."""
        return with_credentials(self.url, self.username, self.password) if self.url else None

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> CameraConfig:
        """Read a camera subentry."""
        data: dict[str, Any] = dict(subentry.data)
        return cls(
            id=subentry.subentry_id,
            name=data.get(CONF_NAME) or subentry.title,
            url=data.get(CONF_URL),
            username=data.get(CONF_USERNAME) or None,
            password=data.get(CONF_PASSWORD) or None,
            source=data.get(CONF_SOURCE, SOURCE_MANUAL),
            entity_id=data.get(CONF_ENTITY_ID),
            unique_id=subentry.unique_id,
            video_codec=data.get(CONF_VIDEO_CODEC) or "h264",
            audio_codec=data.get(CONF_AUDIO_CODEC),
            record_audio=data.get(CONF_RECORD_AUDIO, True),
            mode=data.get(CONF_MODE, MODE_CONTINUOUS),
            ring_entities=tuple(data.get(CONF_RING_ENTITIES, ())),
            motion_entities=tuple(data.get(CONF_MOTION_ENTITIES, ())),
            pre_roll=int(data.get(CONF_PRE_ROLL, DEFAULT_PRE_ROLL)),
            post_roll=int(data.get(CONF_POST_ROLL, DEFAULT_POST_ROLL)),
            mac=data.get(CONF_MAC),
            tls_fingerprint=data.get(CONF_TLS_FINGERPRINT) or None,
        )
