"""The cameras' recorder processes are forked from one recorder server (PyAV imported once, its pages
shared), and each is still a process of its own: killing one camera's leaves the others recording.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant

from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.recording import recorder, recorder_process, recorder_server
from custom_components.doorbell_vault.recording.recorder_server import ForkedRecorder
from devkit import simulator

from .conftest import camera_subentry, make_hub, wait_for


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def test_one_cameras_killed_recorder_leaves_the_others_recording_a_killed_server_ends_all(
    hass: HomeAssistant, storage: Path, monkeypatch: Any
) -> None:
    """One story, one hub: a camera's recorder killed, the others go on; the server killed, its recorder
    processes end with it (each finishing its segment) and a new server forks new ones."""
    monkeypatch.setattr(recorder, "BACKOFF_MAX", 1.0)
    monkeypatch.setattr(recorder_process, "SEGMENT_SECONDS", 2)
    doorbells = [simulator.start(cheap=True, fps=15, width=320, height=240, audio="none") for _ in range(3)]
    try:
        cameras = [
            camera_subentry(d, name, audio_codec=None)
            for d, name in zip(doorbells, ("Front door", "Garage", "Gate"), strict=True)
        ]
        entry = make_hub(hass, storage, cameras)
        assert await hass.config_entries.async_setup(entry.entry_id)
        vault: DoorbellVault = entry.runtime_data
        everyone = list(vault.recording.recorders.values())
        await wait_for(lambda: all(r.last_segment is not None for r in everyone), timeout=60)
        server = await _kill_one_recorder(everyone)
        await _kill_the_server(everyone, server)

        last = [r.pid for r in everyone]
        (forked_by,) = {_parent(pid or 0) for pid in last}
        assert await hass.config_entries.async_unload(entry.entry_id)
        # Stopped: no recorder process and no server left.
        assert not any(pid and _alive(pid) for pid in last)
        await wait_for(lambda: not _alive(forked_by), timeout=10)
    finally:
        for doorbell in doorbells:
            doorbell.stop()


async def _kill_one_recorder(everyone: list[recorder.Recorder]) -> int:
    """Kill the first camera's recorder process: the others go on, it is forked anew; the server's id."""
    victim, *others = everyone
    pids = {r.camera.id: r.pid for r in everyone}
    assert all(pids.values())

    # One server forked them all: neither Home Assistant nor one another is their parent.
    parents = {_parent(pid) for pid in pids.values() if pid}
    assert len(parents) == 1, parents
    (server,) = parents
    assert server != os.getpid()

    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    reached = {r.camera.id: r.last_segment.end_us for r in others if r.last_segment}
    # The others go on in the same processes; the victim's camera records again, forked anew.
    await wait_for(
        lambda: all(r.last_segment and r.last_segment.end_us > reached[r.camera.id] for r in others),
        timeout=40,
    )
    assert {r.camera.id: r.pid for r in others} == {r.camera.id: pids[r.camera.id] for r in others}
    await wait_for(lambda: victim.pid is not None and victim.pid != pids[victim.camera.id], timeout=30)
    assert victim.pid is not None
    assert _parent(victim.pid) == server
    assert not _alive(pids[victim.camera.id])
    return server


async def _kill_the_server(everyone: list[recorder.Recorder], server: int) -> None:
    """SIGKILL the server: its recorder processes end with it; a new server forks new ones."""
    pids = [r.pid for r in everyone]
    assert all(pids)
    os.kill(server, signal.SIGKILL)
    killed_at = time.time()
    await wait_for(lambda: not any(_alive(pid or 0) for pid in pids), timeout=15)
    # Each camera records again: footage that began after the kill, from a new server's processes.
    await wait_for(
        lambda: all(r.last_segment and r.last_segment.start_us / 1e6 > killed_at for r in everyone),
        timeout=60,
    )
    (forked_by,) = {_parent(r.pid or 0) for r in everyone}
    assert forked_by not in {server, os.getpid()}


async def test_the_stale_recorder_sweep_knows_a_forked_recorder_by_its_folder(tmp_path: Path) -> None:
    """A forked recorder process has the server's command line: the sweep knows it by the folder it works
    in, and ends that camera's recorder only."""
    doorbell = simulator.start(cheap=True, fps=15, width=320, height=240, audio="none")
    started: list[ForkedRecorder] = []
    try:
        for camera in ("front", "garage"):
            incoming = tmp_path / camera / recorder_process.INCOMING
            incoming.mkdir(parents=True)
            command = recorder_process.build_command(sys.executable, doorbell.url, incoming, None, False)
            command[command.index("--segment-seconds") + 1] = "1"
            process = await ForkedRecorder.start(command, doorbell.url)
            started.append(process)
            assert json.loads(await asyncio.wait_for(process.stdout.readline(), 30))  # recording
            pid_file = tmp_path / camera / recorder_process.PID_FILE
            await asyncio.to_thread(recorder_process.write_pid, pid_file, process.pid, process.pidfd)
        front, garage = started
        # As at a start after a killed Home Assistant: the front door's recorder is ended, the garage's not.
        ended = await asyncio.to_thread(recorder_process.end_stale_recorders, tmp_path, "front")
        assert ended == [front.pid]
        await wait_for(lambda: not front.running, timeout=10)
        assert garage.running
        assert _alive(garage.pid)
    finally:
        for process in started:
            await process.stop()
        doorbell.stop()


async def test_a_server_start_given_up_leaves_no_error_unheard(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The start is given up before the server says it is ready (a stop, a timeout): the server is closed,
    # and its answer to a start no one waits for any more is not logged as an error nobody retrieved.
    monkeypatch.setattr(recorder_server, "START_TIMEOUT", 0.001)
    with pytest.raises(TimeoutError):
        await recorder_server.RecorderServer.start()
    gc.collect()
    await hass.async_block_till_done()
    assert "exception was never retrieved" not in caplog.text
