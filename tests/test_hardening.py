"""The pin holds on the connection that carries the credentials: a machine in the middle that passes the pin
check through to the real camera gets nothing on its own TLS session, and the recorder checks the pinned
certificate itself (or records nothing).

The rest of the certificate pin is in test_certificate_pin.py; these tests join it once the recorder work on
them has landed (kept here so that it merges cleanly).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.doorbell_vault.const import DOMAIN

from .conftest import camera_subentry, make_hub, self_signed_certificate, wait_for

# Issue 20, finding 5: the pin holds on the connection that carries the credentials.


class _MachineInTheMiddle:
    """Splices its first connection to the real camera; answers later ones itself, keeping their bytes."""

    def __init__(self, camera_port: int, own: Any) -> None:
        self.camera_port, self.own = camera_port, own
        self.connections = 0
        self.received: list[bytes] = []  # per terminated connection

    async def serve(self, reader: Any, writer: Any) -> None:
        import asyncio
        import contextlib

        self.connections += 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                if self.connections == 1:
                    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.camera_port)
                    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
                    return
                self.received.append(b"")
                await writer.start_tls(self.own)
                while data := await reader.read(4096):
                    self.received[-1] += data
                    # Plays the camera: options, then a login asked for (a client sends its credentials).
                    cseq = data.split(b"CSeq: ", 1)[-1].split(b"\r\n", 1)[0]
                    answer = (
                        b"200 OK"
                        if data.startswith(b"OPTIONS")
                        else b'401 Unauthorized\r\nWWW-Authenticate: Basic realm="cam"'
                    )
                    writer.write(b"RTSP/1.0 " + answer + b"\r\nCSeq: " + cseq + b"\r\n\r\n")
        writer.close()


async def _pipe(reader: Any, writer: Any) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


@pytest.mark.usefixtures("socket_enabled")
async def test_a_machine_in_the_middle_passing_the_pin_check_through_gets_no_credentials(
    hass: HomeAssistant, storage: Path, tmp_path: Path
) -> None:
    import asyncio
    import ssl

    from custom_components.doorbell_vault.issues import CERTIFICATE_CHANGED, issue_about
    from custom_components.doorbell_vault.store import segments
    from devkit import simulator

    cert_a, key_a, pinned = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "camera")
    cert_b, key_b, forged = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "forged")
    own = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    await hass.async_add_executor_job(own.load_cert_chain, cert_b, key_b)
    camera = await hass.async_add_executor_job(
        lambda: simulator.start(
            cheap=True, audio="none", tls_cert=cert_a, tls_key=key_a, username="door", password="s3cret"
        )
    )
    middle = _MachineInTheMiddle(camera.port, own)
    server = await asyncio.start_server(middle.serve, "127.0.0.1", 0)
    try:
        at = SimpleNamespace(
            url=camera.url.replace(f":{camera.port}/", f":{server.sockets[0].getsockname()[1]}/"),
            username="door",
            password="s3cret",
        )
        entry = make_hub(hass, storage, [camera_subentry(at, tls_fingerprint=pinned)])
        camera_id = next(iter(entry.subentries))
        assert await hass.config_entries.async_setup(entry.entry_id)
        issues = ir.async_get(hass)
        issue_id = issue_about(CERTIFICATE_CHANGED, camera_id)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, issue_id) is not None, timeout=30, step=0.05)
        await wait_for(lambda: middle.connections >= 3, timeout=15)
        # The recorder's own TLS session met the forged certificate and sent nothing on it.
        assert len(middle.received) >= 2
        assert [data for data in middle.received if b"DESCRIBE" in data or b"Authorization" in data] == []
        issue = issues.async_get_issue(DOMAIN, issue_id)
        assert issue is not None
        assert (issue.translation_placeholders["old"], issue.translation_placeholders["new"]) == (
            pinned,
            forged,
        )
        recorder = entry.runtime_data.recording.recorders[camera_id]
        assert recorder.problem == "certificate_changed"
        assert not recorder.online
        assert await entry.runtime_data.store.async_call(segments.in_window, camera_id, 0, 2**62) == []
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.close()
        await hass.async_add_executor_job(camera.stop)


@pytest.mark.usefixtures("socket_enabled")
async def test_a_pinned_cameras_probe_sends_no_credentials_to_a_machine_in_the_middle(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Issue 20, finding 5: the probe of a reconfigure, a reauth or a move checks the pin on its own
    connection (ffprobe 5.1 ignores the TLS options on RTSP): the machine in the middle gets nothing."""
    import asyncio
    import ssl

    from custom_components.doorbell_vault.recording.probe import ProbeError, probe_stream
    from devkit import simulator

    cert_a, key_a, pinned = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "camera")
    cert_b, key_b, _ = await hass.async_add_executor_job(self_signed_certificate, tmp_path, "forged")
    own = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    await hass.async_add_executor_job(own.load_cert_chain, cert_b, key_b)
    camera = await hass.async_add_executor_job(
        lambda: simulator.start(
            cheap=True, audio="none", tls_cert=cert_a, tls_key=key_a, username="door", password="s3cret"
        )
    )
    middle = _MachineInTheMiddle(camera.port, own)
    server = await asyncio.start_server(middle.serve, "127.0.0.1", 0)
    try:
        # The camera itself passes the probe on the pinned connection.
        info = await probe_stream("ffprobe", camera.authenticated_url, pin=pinned)
        assert (info.video_codec, info.audio_codec) == ("h264", None)
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(ProbeError) as refused:
            await probe_stream(
                "ffprobe", camera.authenticated_url.replace(f":{camera.port}/", f":{port}/"), pin=pinned
            )
        assert refused.value.reason == "certificate_changed"
        # The pin check went through to the camera; the probe's own connection met the forged certificate.
        assert middle.connections == 2
        assert [data for data in middle.received if b"DESCRIBE" in data or b"Authorization" in data] == []
    finally:
        server.close()
        await hass.async_add_executor_job(camera.stop)


def test_the_recorder_checks_the_pinned_certificate_itself_or_records_nothing(tmp_path: Path) -> None:
    import ssl

    from custom_components.doorbell_vault.recording.pinning import CertificateUnverifiable, recorder_tls

    cert, _, _ = self_signed_certificate(tmp_path, "doorbell.local")
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    now = datetime.now(UTC)
    # Reached at an address its certificate does not name: checked against the name it does.
    tls = recorder_tls(der, "rtsps://192.0.2.7:322/live", now)
    assert (tls.host, ssl.PEM_cert_to_DER_cert(tls.pem)) == ("doorbell.local", der)
    assert recorder_tls(der, "rtsps://Doorbell.local/live", now).host is None
    # GnuTLS checks a trust anchor's dates: out of them, the camera is refused, never left unchecked.
    for moment, reason in ((now + timedelta(days=3), "expired"), (now - timedelta(days=1), "not_yet_valid")):
        with pytest.raises(CertificateUnverifiable) as refused:
            recorder_tls(der, "rtsps://192.0.2.7/live", moment)
        assert refused.value.reason == reason
