"""The recorder server, seen from the supervisor: one process that imported PyAV forks each recorder process.

A recorder process exec'd per camera starts Python and imports PyAV on its own: sixteen cameras cost
some 1.3 times the proportional memory (PSS) of sixteen bare `ffmpeg` processes. Forked from one server
that imported PyAV once, they share those pages (stream_copy/fork_server.py; `scripts/bench recording`).
Each camera keeps a process of its own: a crash in FFmpeg ends one camera's recording, never another's.

The server is started with the first recorder process (from the event loop's thread, so its parent-death
signal follows Home Assistant) and closed when the last one has ended. The supervisor is not the recorder
processes' parent: it holds each one by a pidfd (signals go through it, so never to a reused id), the
server reports each exit, and the recorder's stdout and stderr are pipes of the supervisor's own, handed
to the server with the request (SCM_RIGHTS).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import weakref
from collections import deque
from typing import Any, Final

from ..store import PRIVATE_UMASK
from .probe import CAPTURE
from .recorder_process import STOP_GRACE

_LOGGER = logging.getLogger(__name__)

# How long the server may take to import PyAV (a slow SD card, compiling bytecode) and to fork.
START_TIMEOUT: Final = 60.0
MAX_MESSAGE: Final = 1 << 16


class ServerError(Exception):
    """The recorder server did not start or did not start a recorder process (its words)."""


class RecorderServer:
    """One running recorder server: forks recorder processes on request, reports their ends."""

    def __init__(self, process: asyncio.subprocess.Process, control: socket.socket) -> None:
        """Hold a started server (see start())."""
        self.process = process
        self._control = control
        self.users = 0
        self._count = 0
        self._waiting: dict[int, asyncio.Future[tuple[int, int]]] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        # Resolved when the server ended (or was closed): its recorder processes' ends come by their pidfds.
        self.gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.stderr_tail: deque[str] = deque(maxlen=10)
        self._stderr: asyncio.BaseTransport | None = None

    @property
    def closed(self) -> bool:
        """True once the server ended or was told to (see gone)."""
        return self.gone.done()

    @classmethod
    async def start(cls) -> RecorderServer:
        """Start the server and wait until it has imported PyAV."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # Its stderr, read by a protocol (no task that would outlive a stop cut short).
        stderr, stderr_end = os.pipe()
        try:
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-P", str(CAPTURE), "--serve", "--control-fd", str(theirs.fileno())),
                *("--parent-pid", str(os.getpid())),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr_end,
                pass_fds=(theirs.fileno(),),
                # Home Assistant's own import path (its `deps` folder included), for PyAV.
                env={**os.environ, "TZ": "UTC", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
                # Every segment is born owner-only (0600): the recorder processes inherit it.
                umask=PRIVATE_UMASK,
                # Its own process group: a Ctrl-C or a signal to Home Assistant's group never cuts a segment.
                process_group=0,
            )
        except BaseException:
            ours.close()
            os.close(stderr)
            raise
        finally:
            theirs.close()
            os.close(stderr_end)
        server = cls(process, ours)
        loop = asyncio.get_running_loop()
        loop.add_reader(ours.fileno(), server._receive)
        try:
            reading = os.fdopen(stderr, "rb", buffering=0)
            server._stderr, _ = await loop.connect_read_pipe(lambda: _Stderr(server.stderr_tail), reading)
            await asyncio.wait_for(asyncio.shield(server._ready), START_TIMEOUT)
        except BaseException:
            await server.close()
            raise
        return server

    async def fork(self, argv: list[str], url: str, stdout: int, stderr: int) -> tuple[int, int]:
        """Start a recorder process with capture.py's `argv`, the URL, its stdout and stderr: (pid, pidfd).

        The descriptors are the server's to pass on (closed here once sent).
        """
        self._count += 1
        number = self._count
        future = self._waiting[number] = asyncio.get_running_loop().create_future()
        try:
            message = json.dumps({"start": number, "argv": argv, "url": url}).encode()
            socket.send_fds(self._control, [message], [stdout, stderr])
        except OSError as err:
            raise ServerError(f"the recorder server is gone ({err.strerror})") from err
        finally:
            os.close(stdout)
            os.close(stderr)
        try:
            return await asyncio.wait_for(future, START_TIMEOUT)
        except BaseException:
            # Given up (a timeout, a cancel) just as its answer came: not left recording for nobody.
            if future.done() and not future.cancelled() and future.exception() is None:
                _kill(future.result()[1])
            raise
        finally:
            self._waiting.pop(number, None)

    def exit_of(self, pid: int) -> asyncio.Future[int]:
        """Resolved with the recorder process's exit code once the server reaped it."""
        future = self._exits.get(pid)
        if future is None:
            future = self._exits[pid] = asyncio.get_running_loop().create_future()
        return future

    def forget(self, pid: int) -> None:
        """The recorder process `pid` is done with (its id may be another's next)."""
        self._exits.pop(pid, None)

    async def close(self) -> None:
        """Close the control socket: the server ends (it has no recorder process left)."""
        self._gone()
        try:
            await asyncio.wait_for(self.process.wait(), START_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        if self._stderr is not None:
            # Its stderr pipe closed now, not whenever its end of file is read (closed on the next turn).
            self._stderr.close()
            self._stderr = None
            await asyncio.sleep(0)

    def _receive(self) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(self._control, MAX_MESSAGE, 1)
        except OSError:
            message, fds = b"", []
        if not message:
            self._gone()
            return
        try:
            report: dict[str, Any] = json.loads(message)
        except ValueError:
            report = {}
        if "ready" in report and not self._ready.done():
            self._ready.set_result(int(report["ready"]))
        elif "started" in report and fds:
            future = self._waiting.get(int(report["started"]))
            pidfd = fds.pop()
            if future is not None and not future.done():
                future.set_result((int(report["pid"]), pidfd))
            else:
                _kill(pidfd)  # its start was given up (cancelled, timed out): not left recording for nobody
        elif "failed" in report:
            future = self._waiting.get(int(report["failed"]))
            if future is not None and not future.done():
                _fail(future, ServerError(str(report.get("error"))))
        elif "exited" in report:
            exit_ = self.exit_of(int(report["exited"]))
            if not exit_.done():
                exit_.set_result(int(report["code"]))
        for fd in fds:
            os.close(fd)  # a pidfd nobody waits for any more

    def _gone(self) -> None:
        """The server ended, or is told to: what waits on it is answered."""
        if self.closed:
            return
        self.gone.set_result(None)
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self._control.fileno())
        self._control.close()
        words = self.stderr_tail[-1] if self.stderr_tail else "the recorder server ended"
        if not self._ready.done():
            _fail(self._ready, ServerError(words))
        for future in self._waiting.values():
            if not future.done():
                _fail(future, ServerError(words))


def _kill(pidfd: int) -> None:
    """Kill a recorder process whose start was given up (by its pidfd, then closed)."""
    with contextlib.suppress(ProcessLookupError):
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    os.close(pidfd)


def _fail(future: asyncio.Future[Any], err: ServerError) -> None:
    """Answer a waiting start with the server's end; a start already given up has no one left to tell."""
    future.set_exception(err)
    future.exception()  # marks it retrieved: an awaiting start still gets the error, no one else logs it


class _Stderr(asyncio.Protocol):
    """The server's stderr, line by line: logged, and its last lines kept (a failed start's words)."""

    def __init__(self, tail: deque[str]) -> None:
        self._tail = tail
        self._partial = b""

    def data_received(self, data: bytes) -> None:
        *lines, self._partial = (self._partial + data).split(b"\n")
        for raw in lines:
            if text := raw.decode(errors="replace").strip():
                self._tail.append(text)
                _LOGGER.warning("recorder server: %s", text)


class _Current:
    """The running loop's recorder server, if any, and the lock that starts one at a time."""

    def __init__(self) -> None:
        self.server: RecorderServer | None = None
        self.lock = asyncio.Lock()


_CURRENT: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Current] = weakref.WeakKeyDictionary()


async def acquire() -> RecorderServer:
    """The running recorder server (started if there is none), held until release()."""
    current = _CURRENT.setdefault(asyncio.get_running_loop(), _Current())
    async with current.lock:
        server = current.server
        if server is None or server.closed:
            server = current.server = await RecorderServer.start()
        server.users += 1
        return server


async def release(server: RecorderServer) -> None:
    """A recorder process of `server` has ended: the last one closes it."""
    server.users -= 1
    if server.users > 0:
        return
    current = _CURRENT.get(asyncio.get_running_loop())
    if current is not None and current.server is server:
        current.server = None
    await server.close()


def server_pid() -> int | None:
    """The running loop's recorder server's process id (`scripts/bench recording` counts its memory)."""
    current = _CURRENT.get(asyncio.get_running_loop())
    if current is None or current.server is None or current.server.closed:
        return None
    return current.server.process.pid


class ForkedRecorder:
    """One recorder process the server forked: its id, its stdout and stderr, its end (by its pidfd)."""

    def __init__(self, server: RecorderServer, pid: int, pidfd: int) -> None:
        """Hold a forked recorder process (see start())."""
        loop = asyncio.get_running_loop()
        self._server = server
        self.pid = pid
        self.pidfd = pidfd
        self._exit = server.exit_of(pid)
        # Readable once it exited (reaped or not): its end when the server is gone and cannot report it.
        self._exited: asyncio.Future[None] = loop.create_future()
        loop.add_reader(pidfd, self._pidfd_readable)
        self._released = False
        self.stdout = asyncio.StreamReader()
        self.stderr = asyncio.StreamReader()

    @classmethod
    async def start(cls, arguments: list[str], url: str) -> ForkedRecorder:
        """Fork a recorder process with capture.py's `arguments` (capture_arguments) for the URL."""
        server = await acquire()
        out, err = os.pipe(), os.pipe()
        try:
            pid, pidfd = await server.fork(arguments, url, out[1], err[1])
        except BaseException:
            for fd in (out[0], err[0]):
                os.close(fd)
            await release(server)
            raise
        recorder = cls(server, pid, pidfd)
        loop = asyncio.get_running_loop()
        unwired = [out[0], err[0]]
        try:
            for fd, reader in ((out[0], recorder.stdout), (err[0], recorder.stderr)):
                unwired.remove(fd)
                await loop.connect_read_pipe(
                    lambda r=reader: asyncio.StreamReaderProtocol(r),  # type: ignore[misc]
                    os.fdopen(fd, "rb", buffering=0),
                )
        except BaseException:
            # Given up while its pipes were wired (a cancel, a failure): ended and let go, not left
            # recording for nobody with the server held.
            for fd in unwired:
                os.close(fd)
            await recorder.stop(at_once=True)
            raise
        return recorder

    @property
    def running(self) -> bool:
        """True until the server reported its end (or, the server gone, until it exited)."""
        return not (self._exit.done() or (self._server.closed and self._exited.done()))

    @property
    def returncode(self) -> int | None:
        """Its exit code as the server reported it (None while it runs, or when the server ended first)."""
        return self._exit.result() if self._exit.done() else None

    async def stop(self, *, at_once: bool = False) -> None:
        """SIGINT (the open segment is finished), SIGKILL after STOP_GRACE seconds; then let it go.

        `at_once`: SIGKILL only (a start given up has no segment worth finishing).
        """
        for sig in (signal.SIGKILL,) if at_once else (signal.SIGINT, signal.SIGKILL):
            if not self.running:
                break
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, sig)
            await self._ended(STOP_GRACE)
        if self._released:
            return
        self._released = True
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self.pidfd)
        os.close(self.pidfd)
        self._server.forget(self.pid)
        await release(self._server)

    async def _ended(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for its end (see running)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.running and (left := deadline - loop.time()) > 0:
            waits = [f for f in (self._exit, self._server.gone, self._exited) if not f.done()]
            await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)

    def _pidfd_readable(self) -> None:
        asyncio.get_running_loop().remove_reader(self.pidfd)
        if not self._exited.done():
            self._exited.set_result(None)
