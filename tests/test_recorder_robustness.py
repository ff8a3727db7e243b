"""Never dead while showing alive; a pause that holds across restarts; no credential ever printed.

A real Home Assistant, the simulated doorbell (pre-encoded, so cheap), Debian's ffmpeg, and for the full
disk a real small tmpfs as the storage folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from custom_components.doorbell_vault import backup
from custom_components.doorbell_vault.const import DOMAIN
from custom_components.doorbell_vault.diagnostics import async_get_config_entry_diagnostics
from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.issues import CAMERA_OFFLINE, STORAGE_FULL, issue_about
from custom_components.doorbell_vault.recording import desk, recorder, recorder_process, segment_filing
from custom_components.doorbell_vault.recording.probe import ProbeError, probe_duration, probe_stream
from custom_components.doorbell_vault.store import holds, segments
from custom_components.doorbell_vault.store.segments import Segment
from devkit import simulator

from .conftest import camera_subentry, make_hub, wait_for

PASSWORD = "p@ss:/#w"


def _entity(hass: HomeAssistant, domain: str, key: str) -> str:
    registry = er.async_get(hass)
    return next(
        e.entity_id
        for e in registry.entities.values()
        if e.domain == domain and e.unique_id.endswith(f"_{key}") and e.platform == DOMAIN
    )


async def _segments(vault: DoorbellVault, camera: str) -> list[Segment]:
    return await vault.store.async_call(segments.in_window, camera, 0, 2**62)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fast_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline check every second (the repair comes after `offline_minutes`); 2 s segments and at
    most 1 s between attempts (an attempt whose filing fails lasts a segment)."""
    monkeypatch.setattr(desk, "OFFLINE_CHECK_INTERVAL", timedelta(seconds=1))
    monkeypatch.setattr(recorder_process, "SEGMENT_SECONDS", 2)
    monkeypatch.setattr(recorder, "BACKOFF_MAX", 1.0)


@pytest.fixture
def cheap_doorbell() -> Any:
    with simulator.start(cheap=True, fps=15, width=640, height=360, bitrate=1000, audio="none") as running:
        yield running


async def test_any_supervisor_error_shows_offline_raises_the_repair_and_recovers(
    hass: HomeAssistant,
    storage: Path,
    cheap_doorbell: simulator.SimulatedDoorbell,
    fast_checks: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(cheap_doorbell, audio_codec=None)], offline_minutes=0.05)
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    camera = next(iter(vault.cameras))
    recording = _entity(hass, "binary_sensor", "recording")
    await wait_for(lambda: hass.states.get(recording).state == STATE_ON, timeout=60)
    first = (await _segments(vault, camera))[0]
    await vault.store.async_call(holds.add, camera, first.start_us, first.start_us + 1_000_000, "test")
    held = _sha(storage / first.path)

    # The index (or the disk under it) fails: every filing raises.
    real = segment_filing.file_segment

    def failing(*args: Any) -> Any:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(segment_filing, "file_segment", failing)
    await wait_for(lambda: hass.states.get(recording).state == STATE_UNAVAILABLE, timeout=40)
    issues, offline = ir.async_get(hass), issue_about(CAMERA_OFFLINE, camera)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is not None, 20)
    supervisor = vault.recording.recorders[camera]
    assert any("Input/output error" in line for line in supervisor.stderr_tail)
    # Retried with backoff, logged once.
    await wait_for(lambda: supervisor.restarts >= 3, timeout=60)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR and "recording failed" in r.message]
    assert len(failures) == 1

    monkeypatch.setattr(segment_filing, "file_segment", real)
    await wait_for(lambda: hass.states.get(recording).state == STATE_ON, timeout=60)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is None, 10)
    assert _sha(storage / first.path) == held
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    """A real 20 MB tmpfs (needs root), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_full_disk_prunes_unheld_footage_then_repairs_and_resumes_by_itself(
    hass: HomeAssistant, small_disk: Path, fast_checks: None
) -> None:
    storage = small_disk / "vault"
    with simulator.start(cheap=True, fps=15, width=640, height=360, bitrate=2500, audio="none") as doorbell:
        entry = make_hub(hass, storage, [camera_subentry(doorbell, audio_codec=None)], offline_minutes=0.05)
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        camera = next(iter(vault.cameras))

        async def recorded(count: int) -> bool:
            return len(await _segments(vault, camera)) >= count

        await wait_for(lambda: recorded(3), timeout=90, step=1)
        found = await _segments(vault, camera)
        first = found[0]
        # A hold on the first second (a segment's indexed end may overlap the next one's start a little).
        await vault.store.async_call(holds.add, camera, first.start_us, first.start_us + 1_000_000, "test")
        held = _sha(storage / first.path)
        unheld = {s.path for s in found[1:]}

        # Something else fills the disk, to the last few hundred kilobytes.
        filler = small_disk / "filler"
        free = shutil.disk_usage(small_disk).free
        await hass.async_add_executor_job(filler.write_bytes, b"\0" * max(0, free - 300_000))
        issues = ir.async_get(hass)
        await wait_for(lambda: issues.async_get_issue(DOMAIN, STORAGE_FULL) is not None, timeout=60)
        # Unheld footage was pruned first; what is held is untouched.
        remaining = {s.path for s in await _segments(vault, camera)}
        assert not (unheld & remaining)
        assert first.path in remaining
        assert _sha(storage / first.path) == held

        # Room again: recording resumes by itself and the repair goes.
        await hass.async_add_executor_job(filler.unlink)
        newest = max(s.end_us for s in await _segments(vault, camera))

        async def resumed() -> bool:
            return any(s.start_us >= newest for s in await _segments(vault, camera))

        await wait_for(resumed, timeout=90, step=1)
        assert issues.async_get_issue(DOMAIN, STORAGE_FULL) is None
        assert _sha(storage / first.path) == held
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_paused_camera_stays_paused_across_a_restart(
    hass: HomeAssistant, storage: Path, cheap_doorbell: simulator.SimulatedDoorbell
) -> None:
    entry = make_hub(hass, storage, [camera_subentry(cheap_doorbell, audio_codec=None)])
    assert await hass.config_entries.async_setup(entry.entry_id)
    switch = _entity(hass, "switch", "record")
    supervisor = next(iter(entry.runtime_data.recording.recorders.values()))
    await wait_for(lambda: supervisor.pid is not None, timeout=20)
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    assert supervisor.pid is None
    assert await hass.config_entries.async_unload(entry.entry_id)

    # The pause is in the index: applied before the recorder starts, so no recorder process ever runs.
    started: list[list[str]] = []
    real = recorder.capture_arguments

    def watching(*args: Any, **kwargs: Any) -> list[str]:
        command: list[str] = real(*args, **kwargs)
        started.append(command)
        return command

    recorder.capture_arguments = watching  # type: ignore[assignment]
    try:
        assert await hass.config_entries.async_setup(entry.entry_id)
        supervisor = next(iter(entry.runtime_data.recording.recorders.values()))
        assert supervisor.paused
        assert hass.states.get(switch).state == "off"
        await hass.async_block_till_done()
        with pytest.raises(TimeoutError):
            await wait_for(lambda: supervisor.pid is not None or bool(started), timeout=3)
        await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
        await wait_for(lambda: supervisor.pid is not None, timeout=20)
    finally:
        recorder.capture_arguments = real
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_a_recorder_killed_during_a_backup_records_again_at_once(
    hass: HomeAssistant, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup holds the index for up to half an hour: a recorder process killed meanwhile is started
    again at once; what it left and what the new one recorded are indexed once the backup is written."""
    monkeypatch.setattr(recorder_process, "SEGMENT_SECONDS", 4)
    with simulator.start(cheap=True, fps=15, width=320, height=240, gop_seconds=0.5, audio="none") as bell:
        entry = make_hub(hass, storage, [camera_subentry(bell, audio_codec=None)])
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        camera = next(iter(vault.cameras))
        supervisor = vault.recording.recorders[camera]
        await wait_for(lambda: supervisor.last_segment is not None, timeout=60)

        async def incoming() -> list[str]:
            return sorted(await hass.async_add_executor_job(os.listdir, supervisor.incoming))

        async def open_segment_has_footage() -> bool:  # a whole fragment: footage its kill leaves behind
            return await probe_duration("ffprobe", supervisor.incoming / (await incoming())[-1]) is not None

        await backup.async_pre_backup(hass)
        await wait_for(open_segment_has_footage, timeout=20, step=0.1)
        killed = supervisor.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        left = await incoming()

        async def new_files() -> list[str]:
            return sorted(set(await incoming()) - set(left))

        async def finished_one() -> bool:  # and opened the next
            return len(await new_files()) >= 2

        # A new recorder process, which finishes a segment while the backup goes on.
        await wait_for(lambda: supervisor.pid not in (None, killed), timeout=20)
        await wait_for(finished_one, timeout=30)
        finished = (await new_files())[0]
        await backup.async_post_backup(hass)

        async def indexed() -> bool:
            names = {Path(s.path).name for s in await _segments(vault, camera)}
            return {left[-1], finished} <= names

        await wait_for(indexed, timeout=30)
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_credentials_in_an_entity_source_are_never_printed(
    hass: HomeAssistant,
    storage: Path,
    fast_checks: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Another camera entity whose stream source embeds credentials, at a port that refuses.
    source = f"rtsp://admin:{PASSWORD}@127.0.0.1:1/Streaming/Channels/101"

    async def stream_source(_hass: HomeAssistant, entity_id: str) -> str:
        return source

    monkeypatch.setattr("homeassistant.components.camera.async_get_stream_source", stream_source)
    subentry = camera_subentry(
        simulator_offline(), "Porch", source="entity", entity_id="camera.porch", url=None
    )
    entry = make_hub(hass, storage, [subentry], offline_minutes=0.05)
    assert await hass.config_entries.async_setup(entry.entry_id)
    vault: DoorbellVault = entry.runtime_data
    camera = next(iter(vault.cameras))
    issues, offline = ir.async_get(hass), issue_about(CAMERA_OFFLINE, camera)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, offline) is not None, 30)
    recorder = vault.recording.recorders[camera]
    await wait_for(lambda: recorder.restarts >= 2, timeout=30)
    issue = issues.async_get_issue(DOMAIN, offline)
    diagnostics = json.dumps(await async_get_config_entry_diagnostics(hass, entry))
    for text in (caplog.text, json.dumps(issue.translation_placeholders), diagnostics):
        assert PASSWORD not in text
        assert "admin:" not in text
    assert recorder.stderr_tail

    # A `file:` or `concat:` source is refused with a clear error; ffmpeg never starts.
    for refused in ("file:/etc/passwd", "concat:/etc/passwd|/etc/hosts"):
        source = refused
        restarts = recorder.restarts
        await wait_for(lambda r=restarts: recorder.restarts > r + 1, timeout=30)
        assert f"protocol '{refused.split(':')[0]}' is not one of rtsp" in recorder.stderr_tail[-1]
        assert recorder.pid is None
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_probe_refuses_a_file_source() -> None:
    for url in ("file:/etc/passwd", "concat:a.mp4|b.mp4", "http://127.0.0.1:1/x.m3u8"):
        with pytest.raises(ProbeError) as raised:
            await probe_stream("ffprobe", url)
        assert raised.value.reason == "source_refused"


def simulator_offline() -> Any:
    from .conftest import Offline

    return Offline()


def test_the_stale_recorder_sweep_ends_only_its_own_recorder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20, finding 9: a process merely writing under `incoming/`, or given a recorded id, survives."""
    import signal
    import sys
    import time

    monkeypatch.setattr(recorder_process, "STOP_GRACE", 1.0)
    incoming = tmp_path / "front" / recorder_process.INCOMING
    incoming.mkdir(parents=True)
    pid_file = tmp_path / "front" / recorder_process.PID_FILE
    nap = [sys.executable, "-c", "import time; time.sleep(60)"]
    stranger = subprocess.Popen([*nap, str(incoming / "x.mp4")])
    reused = subprocess.Popen(nap)
    # A recorder that ignores SIGTERM (waiting for its URL): its SIGKILL needs its identity again.
    command = recorder_process.build_command(sys.executable, "rtsp://127.0.0.1:9/x", incoming, None, False)
    stubborn = subprocess.Popen(command, stdin=subprocess.PIPE)
    try:

        def catches_sigterm() -> bool:
            status = Path(f"/proc/{stubborn.pid}/status").read_text()
            return bool(int(status.split("SigCgt:")[1].split()[0], 16) & 1 << (signal.SIGTERM - 1))

        wait = time.monotonic() + 20
        while not catches_sigterm() and time.monotonic() < wait:
            time.sleep(0.02)
        assert recorder_process.end_stale_recorders(tmp_path, "front") == []  # no pid file
        assert stranger.poll() is None
        identity = recorder_process.ProcessIdentity.of(reused.pid)
        assert identity is not None
        # The pid file of a recorder long gone whose id another process got since.
        earlier = recorder_process.ProcessIdentity(reused.pid, str(int(identity.start) - 1), identity.boot)
        pid_file.write_text(earlier.text())
        assert recorder_process.end_stale_recorders(tmp_path, "front") == []
        assert stranger.poll() is None
        assert reused.poll() is None

        recorder_process.write_pid(pid_file, stubborn.pid)
        assert recorder_process.end_stale_recorders(tmp_path, "front") == [stubborn.pid]
        assert stubborn.wait(timeout=5) == -9
        assert stranger.poll() is None
        assert reused.poll() is None
        assert not pid_file.exists()
    finally:
        for process in (stranger, reused, stubborn):
            process.kill()
            process.wait()


# The supervisor as Home Assistant runs it (an asyncio subprocess started from the event loop), with
# the PATH given. The recorder's stdout is the test's pipe, so the supervisor's death closes no pipe of
# the recorder's (a write to one would end it as well): only the parent-death signal can.
_PARENT = """
import asyncio, os, sys
from custom_components.doorbell_vault.recording import recorder_process

async def main(url, incoming):
    recorder_process.SEGMENT_SECONDS = 1
    command = recorder_process.build_command(sys.executable, url, incoming, None, False)
    child = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, process_group=0,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    print(child.pid, flush=True)
    child.stdin.write(url.encode() + b"\\n")
    child.stdin.close()
    await asyncio.sleep(3600)

asyncio.run(main(sys.argv[1], __import__("pathlib").Path(sys.argv[2])))
"""


def test_without_setpriv_a_recorder_records_and_ends_with_its_killed_supervisor(
    tmp_path: Path, cheap_doorbell: Any
) -> None:
    """Issue 22, item 6: Home Assistant's container may lack `setpriv`; the recorder needs no program."""
    import os
    import signal
    import sys
    import time

    tools = tmp_path / "bin"  # ffmpeg and ffprobe only: no setpriv
    tools.mkdir()
    for tool in ("ffmpeg", "ffprobe"):
        (tools / tool).symlink_to(shutil.which(tool) or tool)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, cheap_doorbell.url, str(incoming)],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PATH": str(tools)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    pid = parent.stdout.readline()
    try:
        segment = json.loads(parent.stdout.readline())  # from the recorder
        assert (incoming / segment["name"]).is_file()  # it records
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while recorder_process.ProcessIdentity.of(int(pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorder_process.ProcessIdentity.of(int(pid)) is None, "the recorder outlived its supervisor"
    finally:
        parent.kill()
        parent.wait()
        if recorder_process.ProcessIdentity.of(int(pid)):
            os.kill(int(pid), signal.SIGKILL)


def test_a_recorder_whose_supervisor_is_already_gone_exits_at_once(tmp_path: Path) -> None:
    """The parent-death signal asked for too late (the supervisor died first) is noticed: no orphan."""
    import sys

    command = recorder_process.build_command(
        sys.executable, "rtsp://127.0.0.1:9/x", tmp_path, None, False, parent_pid=1
    )
    done = subprocess.run(command, input="", capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "the supervisor is gone" in done.stderr
