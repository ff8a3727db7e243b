"""Each recorded camera: live stream from its source, snapshot from its newest segment."""

from __future__ import annotations

import asyncio
import contextlib

from homeassistant.components.camera import Camera
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CameraEntity, add_camera_entities
from .hub import DoorbellVault, DoorbellVaultConfigEntry
from .recording.camera_config import CameraConfig
from .recording.pinning import CertificateChanged, CertificateError, check_pin
from .store import segments

# Pushed by the recorder; snapshots are bounded by their own timeout.
PARALLEL_UPDATES = 0

SNAPSHOT_TIMEOUT = 15


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DoorbellVaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One camera entity per camera."""
    vault = entry.runtime_data
    add_camera_entities(vault, async_add_entities, lambda c: [VaultCamera(vault, c)])


class VaultCamera(CameraEntity, Camera):
    """The camera itself; credentials stay out of its attributes."""

    _attr_name = None
    _attr_supported_features = CameraEntityFeature.STREAM
    _attr_translation_key = "camera"

    def __init__(self, vault: DoorbellVault, camera: CameraConfig) -> None:
        """Build on the camera's recorder."""
        CameraEntity.__init__(self, vault, camera, "camera")
        Camera.__init__(self)

    async def stream_source(self) -> str | None:
        """The camera's own stream (with credentials, handed to HA's stream component only).

        None while an rtsps:// camera does not present its pinned certificate: the live view sends the
        credentials only where the recorder would.
        """
        url = await self.recorder.current_url()
        if url is None:
            return None
        try:
            await check_pin(url, self.camera.tls_fingerprint)
        except CertificateChanged, CertificateError:
            return None
        return url

    async def async_camera_image(self, width: int | None = None, height: int | None = None) -> bytes | None:
        """A JPEG of the last frames of the newest segment."""
        segment = await self.vault.store.async_call(segments.newest, self.camera.id)
        if segment is None:
            return None
        process = await asyncio.create_subprocess_exec(
            self.vault.recording.ffmpeg_binary,
            "-nostdin",
            "-v",
            "error",
            "-sseof",
            "-3",
            "-i",
            str(self.vault.storage / segment.path),
            "-frames:v",
            "1",
            *(["-vf", f"scale={width}:-2"] if width else []),
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            "pipe:1",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            image, _ = await asyncio.wait_for(process.communicate(), SNAPSHOT_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return None
        return image or None
