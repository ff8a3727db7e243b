"""The recorder server: one process that imported PyAV forks each camera's recorder process.

Started by the supervisor (recording/recorder_server.py) as `capture.py --serve`. The interpreter's,
PyAV's and FFmpeg's pages are shared with every recorder process forked from it until one writes them
(`gc.freeze()` keeps the collector from writing them), so sixteen cameras cost far less memory than
sixteen processes that each start Python and import PyAV. Each camera is still a process of its own: a
crash in FFmpeg ends one camera's recording, never another's.

The control socket (SOCK_SEQPACKET, one JSON message a packet) carries:
  to the server:   {"start": n, "argv": [...], "url": "..."} with the recorder's stdout and stderr
                   (SCM_RIGHTS): capture.py's arguments, and the URL that would come on its stdin;
  from the server: {"ready": pid} once PyAV is imported;
                   {"started": n, "pid": pid} with a pidfd of it (SCM_RIGHTS),
                   or {"failed": n, "error": "..."};
                   {"exited": pid, "code": code} once it ended and was reaped (the server is its parent,
                   not the supervisor).
The server ends when the control socket closes, and with the supervisor (its own parent-death signal);
its recorder processes end with it (theirs), each finishing its open segment.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import socket
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

# A recorder process's life: (capture.py's arguments, the URL, the server's pid) → its exit code.
type Run = Callable[[list[str], str, int], int]

MAX_MESSAGE = 1 << 16


def serve(control_fd: int, run: Run) -> int:
    """Fork a recorder process for each request, report its end; return once the control socket closes."""
    control = socket.socket(fileno=control_fd)
    children: dict[int, int] = {}  # pidfd -> pid
    gc.freeze()
    try:
        _send(control, {"ready": os.getpid()})
        while True:
            readable, _, _ = select.select([control.fileno(), *children], [], [])
            for ready in readable:
                if ready == control.fileno():
                    message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 2)
                    if not message:
                        return 0  # the supervisor closed it (or is gone)
                    _start(control, json.loads(message), fds, run, children)
                else:
                    pid = children.pop(ready)
                    os.close(ready)
                    _, status = os.waitpid(pid, 0)
                    _send(control, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})
    except BrokenPipeError, ConnectionError:
        return 0  # the supervisor is gone: the recorder processes' own parent-death signal ends them


def _start(
    control: socket.socket, request: dict[str, Any], fds: list[int], run: Run, children: dict[int, int]
) -> None:
    number = request.get("start")
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        _send(control, {"failed": number, "error": "no stdout and stderr came with the request"})
        return
    server = os.getpid()
    try:
        pid = os.fork()
    except OSError as err:
        for fd in fds:
            os.close(fd)
        _send(control, {"failed": number, "error": f"fork: {err.strerror}"})
        return
    if pid == 0:
        _child(control, children, fds, request, run, server)
    for fd in fds:
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    children[pidfd] = pid
    socket.send_fds(control, [json.dumps({"started": number, "pid": pid}).encode()], [pidfd])


def _child(
    control: socket.socket,
    children: dict[int, int],
    fds: list[int],
    request: dict[str, Any],
    run: Run,
    server: int,
) -> NoReturn:
    """The forked recorder process: the server's descriptors closed, its own stdout and stderr, its group."""
    code = 1
    try:
        control.close()
        for pidfd in children:
            os.close(pidfd)
        out, err = fds
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.close(out)
        os.close(err)
        # Its own process group, as the exec'd recorder process had: signals to the server's spare it.
        os.setpgid(0, 0)
        code = run(list(request["argv"]), str(request["url"]), server)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # whatever it is, it is said on the camera's stderr
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
    os._exit(code)


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    control.send(json.dumps(message).encode())
