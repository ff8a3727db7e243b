"""The recorder process of one camera: its arguments, and the pid file that names it.

The process (`capture.py`, FFmpeg's libraries through PyAV, run with Home Assistant's own Python) is
forked by the recorder server (recorder_server.py) with `capture_arguments` (`build_command` makes them
a command of its own, for the devkit and the tests); it runs in its own
process group and dies with its parent (a parent-death signal it sets itself: no other program is
needed). A pid file per camera names it, so that a recorder of a killed Home Assistant is found and
ended at the next start (`end_stale_recorders`), and only one proven to be that recorder.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..store import write_private
from .camera_config import checked_source
from .probe import CAPTURE
from .segment_filing import NAME_FORMAT

SEGMENT_SECONDS: Final = 10
STOP_GRACE: Final = 5.0
INCOMING: Final = "incoming"
PID_FILE: Final = "recorder.pid"
# The pinned certificate, the recorder process's only TLS trust anchor (a public certificate, no secret).
PINNED_CERTIFICATE: Final = "pinned-certificate.pem"
# A camera clock further than this from the server's is measured but neither names nor places footage
# (a camera that never set its clock would otherwise file today's footage in 1970).
MAX_CAMERA_OFFSET_S: Final = 3600


def capture_arguments(
    url: str,
    incoming: Path,
    audio_codec: str | None,
    record_audio: bool,
    *,
    allow_http: bool = False,
    tls_ca: Path | None = None,
    tls_host: str | None = None,
) -> list[str]:
    """capture.py's arguments to record `url` (which is not among them): video copied, audio copied or AAC.

    `tls_ca`: the pinned certificate, checked by FFmpeg on the recorder's own TLS session (against
    `tls_host` when the URL's host is not one of its names). The recorder server forks a recorder process
    with them (recorder_server.py); build_command makes them a command of its own.

    Raises SourceRefused for a URL whose protocol is not a camera's.
    """
    protocols = checked_source(url, allow_http=allow_http)
    audio = "none"
    if record_audio and audio_codec:
        # MP4 cannot hold G.711: convert the audio alone, never the video.
        audio = "copy" if audio_codec == "aac" else "aac"
    arguments = [
        *("--output", str(incoming / f"{NAME_FORMAT}.mp4"), "--protocols", protocols),
        *("--segment-seconds", str(SEGMENT_SECONDS), "--audio", audio),
        *("--max-offset", str(MAX_CAMERA_OFFSET_S)),
    ]
    if tls_ca is not None:
        arguments += ["--tls-ca", str(tls_ca)]
        if tls_host:
            arguments += ["--tls-host", tls_host]
    return arguments


def build_command(
    python: str,
    url: str,
    incoming: Path,
    audio_codec: str | None,
    record_audio: bool,
    *,
    allow_http: bool = False,
    tls_ca: Path | None = None,
    tls_host: str | None = None,
    parent_pid: int | None = None,
) -> list[str]:
    """The recorder process as a command of its own (the URL goes on its stdin), with capture_arguments.

    `parent_pid`: the process that starts it (this one unless said), whose death ends it (a SIGTERM,
    which lets it close the open segment).
    """
    return [
        # -P: its own folder is not put on the path (its neighbours are the integration's modules).
        *(python, "-P", str(CAPTURE)),
        *capture_arguments(
            url, incoming, audio_codec, record_audio, allow_http=allow_http, tls_ca=tls_ca, tls_host=tls_host
        ),
        *("--parent-pid", str(os.getpid() if parent_pid is None else parent_pid)),
    ]


# Recorders left by a killed Home Assistant ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """A process beyond its id (ids are reused): its start in clock ticks since boot, and that boot."""

    pid: int
    start: str
    boot: str

    @classmethod
    def of(cls, pid: int) -> ProcessIdentity | None:
        """The running process `pid`'s identity (Linux), or None when it is gone or a zombie."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        except OSError, IndexError:
            return None
        # After the command and its ")": state (field 3), ..., starttime (field 22).
        if len(fields) < 20 or fields[0] == "Z":
            return None
        return cls(pid, fields[19], boot)

    def text(self) -> str:
        """As the pid file holds it."""
        return json.dumps({"pid": self.pid, "start": self.start, "boot": self.boot})

    @classmethod
    def parse(cls, text: str) -> ProcessIdentity | None:
        """From a pid file's text; None for anything else (an old bare pid proves nothing)."""
        try:
            found = json.loads(text)
            return cls(int(found["pid"]), str(found["start"]), str(found["boot"]))
        except ValueError, TypeError, KeyError:
            return None


def _is_own_recorder(identity: ProcessIdentity, incoming: Path) -> bool:
    """The process is the one the pid file names (not a reused id) and runs capture.py into `incoming`.

    As build_command starts it (its output in the command), or forked by the recorder server (the
    server's command line, `--serve`), working in `incoming` (its current folder).
    """
    if ProcessIdentity.of(identity.pid) != identity:
        return False
    try:
        arguments = Path(f"/proc/{identity.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if arguments[:3] != [argument.encode() for argument in (sys.executable, "-P", str(CAPTURE))]:
        return False
    if arguments[3:5] == [b"--output", str(incoming / f"{NAME_FORMAT}.mp4").encode()]:
        return True
    try:
        return (
            arguments[3:4] == [b"--serve"]
            and Path(f"/proc/{identity.pid}/cwd").readlink() == incoming.resolve()
        )
    except OSError:
        return False


def end_stale_recorders(storage: Path, camera: str) -> list[int]:
    """End the recorder of this storage folder's camera that a killed Home Assistant left (blocking).

    Only a process proven to be that recorder is signalled: the one its pid file names, with the start
    time recorded when it was spawned (so not another process given the same id since), running
    capture.py into this camera's `incoming/`. It is held by a pidfd from that check on, so the SIGKILL
    that follows an ignored SIGTERM reaches the same process (its identity is checked again first).
    Runs at start-up before reconciliation, so its partial files can be salvaged afterwards.
    """
    incoming = storage / camera / INCOMING
    pid_file = storage / camera / PID_FILE
    try:
        identity = ProcessIdentity.parse(pid_file.read_text())
    except OSError:
        identity = None
    pid_file.unlink(missing_ok=True)
    if identity is None or not _is_own_recorder(identity, incoming):
        return []
    try:
        pidfd = os.pidfd_open(identity.pid)
    except OSError:
        return []
    try:
        if not _is_own_recorder(identity, incoming):
            return []  # exited (and its id reused) before the pidfd held it
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if sig == signal.SIGKILL and not _is_own_recorder(identity, incoming):
                break
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(pidfd, sig)
            if select.select([pidfd], [], [], STOP_GRACE)[0]:
                break  # readable: it exited
    finally:
        os.close(pidfd)
    return [identity.pid]


def write_pid(path: Path, pid: int, pidfd: int | None = None) -> None:
    """Write the pid file of the recorder process `pid` (blocking).

    It is this process's unreaped child, or another's held by `pidfd`: its id is not reusable meanwhile.
    """
    identity = ProcessIdentity.of(pid)
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, 0)
        except OSError:
            return  # it ended, and its id may be another's: the identity read proves nothing
    if identity is not None:
        write_private(path, identity.text() + "\n")
