"""The cameras' recorder processes are forked from one recorder server (PyAV imported once, its pages
shared), and each is still a process of its own: killing one camera's leaves the others recording.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant

from custom_components.doorbell_vault.hub import DoorbellVault
from custom_components.doorbell_vault.recording import probe, recorder, recorder_process, recorder_server
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
    assert not _alive(pids[victim.camera.id] or 0)
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
            arguments = recorder_process.capture_arguments(doorbell.url, incoming, None, False)
            arguments[arguments.index("--segment-seconds") + 1] = "1"
            process = await ForkedRecorder.start(arguments, doorbell.url)
            started.append(process)
            pid_file = tmp_path / camera / recorder_process.PID_FILE
            await asyncio.to_thread(recorder_process.write_pid, pid_file, process.pid, process.pidfd)
        # Both recording (waited for together).
        lines = [asyncio.wait_for(p.stdout.readline(), 30) for p in started]
        assert all(json.loads(line) for line in await asyncio.gather(*lines))
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


# The server's and the forks' error paths, each with its words -----------------------------------------

_GONE_SUPERVISOR = """
import runpy, subprocess, sys
# A child that keeps the server's stderr open for a while: its end of file comes late.
subprocess.Popen(["sleep", "2"])
# The real server, told its supervisor is a process long gone (pid 1 is never its parent).
sys.argv[sys.argv.index("--parent-pid") + 1] = "1"
runpy.run_path({capture!r}, run_name="__main__")
"""


def _open_fds() -> set[str]:
    return {fd.name for fd in Path("/proc/self/fd").iterdir()}


async def test_a_server_that_cannot_start_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "capture.py"
    script.write_text(_GONE_SUPERVISOR.format(capture=str(probe.CAPTURE)))
    monkeypatch.setattr(recorder_server, "CAPTURE", script)
    before = _open_fds()
    with pytest.raises(recorder_server.ServerError, match="the supervisor is gone"):
        await ForkedRecorder.start([], "rtsp://127.0.0.1:9/x")
    assert recorder_server.server_pid() is None
    # No Python to run: the error as it is, and no descriptor left open.
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(FileNotFoundError):
        await recorder_server.RecorderServer.start()
    assert _open_fds() <= before


def _command(incoming: Path, url: str) -> list[str]:
    incoming.mkdir(parents=True, exist_ok=True)
    return recorder_process.capture_arguments(url, incoming, None, False)


async def test_a_refused_fork_says_why_and_a_failed_recorder_reports_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = await recorder_server.acquire()  # held: the server outlives each recorder below
    try:
        assert recorder_server.server_pid() == server.process.pid
        # A camera refusing the connection: its recorder ends by itself, with its code and its words.
        failing = await ForkedRecorder.start(
            _command(tmp_path / "a", "rtsp://127.0.0.1:9/x"), "rtsp://127.0.0.1:9/x"
        )
        code_while_running = failing.returncode
        assert code_while_running is None
        await wait_for(lambda: not failing.running, timeout=20)
        assert failing.returncode == 1
        assert await failing.stderr.read()
        await failing.stop()  # ended already: only let go

        # A request that came without the recorder's stdout and stderr is refused, with the server's words.
        real_send = socket.send_fds

        def without_fds(sock: Any, buffers: list[bytes], fds: list[int]) -> int:
            return real_send(sock, buffers, [])

        monkeypatch.setattr(socket, "send_fds", without_fds)
        with pytest.raises(recorder_server.ServerError, match="no stdout and stderr came with the request"):
            await ForkedRecorder.start(
                _command(tmp_path / "b", "rtsp://127.0.0.1:9/x"), "rtsp://127.0.0.1:9/x"
            )
        assert server.users == 1
        assert not server.closed
    finally:
        await recorder_server.release(server)
    assert server.process.returncode == 0  # ended by itself once let go
    assert recorder_server.server_pid() is None


@pytest.mark.usefixtures("socket_enabled")
async def test_a_start_given_up_while_its_pipes_are_wired_ends_the_recorder_and_lets_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    wire = loop.connect_read_pipe
    forked: list[int] = []

    async def cancelled_at_stderr(factory: Any, pipe: Any) -> Any:
        if forked:
            pipe.close()
            raise asyncio.CancelledError  # Home Assistant stopping just then
        forked.append(1)
        return await wire(factory, pipe)

    monkeypatch.setattr(loop, "connect_read_pipe", cancelled_at_stderr)
    seen: list[ForkedRecorder] = []
    monkeypatch.setattr(ForkedRecorder, "__init__", _recording_into(seen))
    # A camera that takes the connection and never answers: its recorder would wait on, not end by itself.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"rtsp://127.0.0.1:{silent.getsockname()[1]}/x"
        with pytest.raises(asyncio.CancelledError):
            await ForkedRecorder.start(_command(tmp_path / "a", url), url)
    (recorder,) = seen
    assert not _alive(recorder.pid)
    assert recorder_server.server_pid() is None  # the server let go: nothing holds it


def _recording_into(seen: list[ForkedRecorder]) -> Any:
    init = ForkedRecorder.__init__

    def recorded(self: ForkedRecorder, *args: Any) -> None:
        init(self, *args)
        seen.append(self)

    return recorded


def _wait_dead(pid: int) -> None:
    """Block (the loop not told yet) until `pid` has exited."""
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)


async def test_a_start_meets_a_dead_server_with_its_words(tmp_path: Path) -> None:
    url = "rtsp://127.0.0.1:9/x"
    # Killed while a start waits (stopped first, so the request is not answered): the start hears of it.
    first = await recorder_server.acquire()
    try:
        os.kill(first.process.pid, signal.SIGSTOP)
        waiting = asyncio.create_task(ForkedRecorder.start(_command(tmp_path / "a", url), url))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        os.kill(first.process.pid, signal.SIGKILL)
        with pytest.raises(recorder_server.ServerError, match="the recorder server ended"):
            await waiting
    finally:
        await recorder_server.release(first)
    # Dead before the loop noticed: the request cannot be sent.
    second = await recorder_server.acquire()
    try:
        assert second is not first
        os.kill(second.process.pid, signal.SIGKILL)
        _wait_dead(second.process.pid)
        with pytest.raises(recorder_server.ServerError, match=r"the recorder server is gone \("):
            await ForkedRecorder.start(_command(tmp_path / "b", url), url)
    finally:
        await recorder_server.release(second)
    assert second.closed


async def _one_was_killed(server: recorder_server.RecorderServer) -> None:
    """Wait until the server reported a recorder process of its ended by SIGKILL."""
    await wait_for(
        lambda: any(f.done() and f.result() == -signal.SIGKILL for f in server._exits.values()),
        timeout=10,
        step=0.02,
    )


@pytest.mark.usefixtures("socket_enabled")
async def test_a_hung_server_is_killed_and_a_start_given_up_kills_its_recorder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server that does not end when told (stopped here) is killed after START_TIMEOUT.
    hung = await recorder_server.acquire()
    os.kill(hung.process.pid, signal.SIGSTOP)
    monkeypatch.setattr(recorder_server, "START_TIMEOUT", 0.2)
    await recorder_server.release(hung)
    assert hung.process.returncode == -signal.SIGKILL

    # A camera that accepts the connection and never answers: its recorder would wait on.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"rtsp://127.0.0.1:{silent.getsockname()[1]}/x"
        monkeypatch.setattr(recorder_server, "START_TIMEOUT", 60.0)
        server = await recorder_server.acquire()
        try:
            # Not answered in time (the server stopped meanwhile), then answered.
            monkeypatch.setattr(recorder_server, "START_TIMEOUT", 0.2)
            os.kill(server.process.pid, signal.SIGSTOP)
            with pytest.raises(TimeoutError):
                await ForkedRecorder.start(_command(tmp_path / "a", url), url)
            os.kill(server.process.pid, signal.SIGCONT)
            # Forked after its start was given up: killed, not left recording for nobody.
            await _one_was_killed(server)
        finally:
            await recorder_server.release(server)


@pytest.mark.usefixtures("socket_enabled")
async def test_a_start_given_up_as_its_answer_comes_kills_its_recorder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of a timeout (or a cancel) with the server's answer: the answer lost, the recorder not."""

    async def answered_then_given_up(future: asyncio.Future[Any], timeout: float) -> Any:
        await future
        raise TimeoutError

    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"rtsp://127.0.0.1:{silent.getsockname()[1]}/x"
        server = await recorder_server.acquire()
        try:
            with monkeypatch.context() as patch:
                patch.setattr(asyncio, "wait_for", answered_then_given_up)
                with pytest.raises(TimeoutError):
                    await ForkedRecorder.start(_command(tmp_path / "a", url), url)
            await _one_was_killed(server)
        finally:
            await recorder_server.release(server)
