"""A real IMAP server for tests: Debian's dovecot serving IMAPS on 127.0.0.1 from a maildir.

Everything lives in a folder of its own (configuration, a self-signed certificate made with
`openssl req -x509`, the maildir, the logs); `deliver()` drops a message into the mailbox the way a mail
delivery agent would (written under `tmp/`, renamed into `new/`). dovecot runs in the foreground
(`dovecot -F -c <config>`) and is stopped with SIGTERM.

As root, dovecot's own unprivileged users do the work (`imap-login` refuses to run as root): logins as
`dovenull`, internal services and mail access as `dovecot`, which owns the maildir. As another user,
everything runs as that user.

    with imap_server.start() as server:
        server.deliver(message_bytes)
        # IMAPS on 127.0.0.1:server.port, user server.username, password server.password
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "dovecot"
USERNAME = "vault@example.test"
PASSWORD = "doorbell-vault-imap"


class ImapServerUnavailable(Exception):
    """dovecot is not installed (Debian package `dovecot-imapd`)."""


def dovecot_binary() -> str | None:
    """dovecot's path, if installed (it lives in /usr/sbin, often not on a user's PATH)."""
    return shutil.which(DOVECOT) or shutil.which(DOVECOT, path="/usr/sbin:/usr/local/sbin")


@dataclass
class ImapServer:
    """A running dovecot; `maildir` is the test user's mailbox (INBOX)."""

    process: subprocess.Popen[bytes]
    root: Path
    port: int
    maildir: Path
    owner: tuple[int, int]
    username: str = USERNAME
    password: str = PASSWORD
    host: str = "127.0.0.1"

    def deliver(self, message: bytes) -> Path:
        """Put one message into INBOX (as a delivery agent does: tmp/, then an atomic rename into new/)."""
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.doorbell-vault-test"
        temporary = self.maildir / "tmp" / name
        temporary.write_bytes(message)
        os.chown(temporary, *self.owner)
        final = self.maildir / "new" / name
        temporary.rename(final)
        return final

    def log(self) -> str:
        """dovecot's log so far (for failure messages)."""
        try:
            return (self.root / "dovecot.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10) -> None:
        """Stop dovecot and remove its folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ImapServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child: be sent SIGTERM when the test process dies, even by SIGKILL (Linux)."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _certificate(folder: Path) -> None:
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _config(
    root: Path, port: int, login_user: str, internal_user: str, owner: tuple[int, int], group: str
) -> str:
    # Without chroot the login processes work as any user; as root they are chrooted (the default).
    chroot = "" if os.geteuid() == 0 else "\n  chroot ="
    return f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = doorbell-vault-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
first_valid_uid = 1
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
mail_home = {root}/home/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={owner[0]} gid={owner[1]}
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}{chroot}
}}
service anvil {{{chroot}
}}
service stats {{
  unix_listener stats-reader {{
    user = {internal_user}
  }}
  unix_listener stats-writer {{
    user = {internal_user}
  }}
}}
protocol imap {{
  imap_idle_notify_interval = 1 mins
}}
"""


def _wait_ready(server: ImapServer, timeout: float) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {server.process.returncode}:\n{server.log()}")
        try:
            with (
                socket.create_connection((server.host, server.port), timeout=2) as raw,
                context.wrap_socket(raw) as tls,
            ):
                if tls.recv(200).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"dovecot did not answer on port {server.port}:\n{server.log()}")
        time.sleep(0.1)


def start(*, timeout: float = 30) -> ImapServer:
    """Start dovecot with a fresh mailbox; ImapServerUnavailable when it is not installed."""
    binary = dovecot_binary()
    if binary is None:
        raise ImapServerUnavailable("dovecot is not installed (Debian package dovecot-imapd)")
    if os.geteuid() == 0:
        login_user, internal_user = "dovenull", "dovecot"
    else:
        login_user = internal_user = pwd.getpwuid(os.geteuid()).pw_name
    owner_entry = pwd.getpwnam(internal_user)
    owner = (owner_entry.pw_uid, owner_entry.pw_gid)
    # Not under pytest's folders: those are private to root, and dovecot's users must reach this one.
    root = Path(tempfile.mkdtemp(prefix="doorbell-vault-imap-"))
    try:
        root.chmod(0o755)
        port = _free_port()
        _certificate(root)
        (root / "users").write_text(f"{USERNAME}:{{PLAIN}}{PASSWORD}\n")
        maildir = root / "mail" / USERNAME.split("@", 1)[0]
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True)
        (root / "home").mkdir()
        for path in (root / "mail", maildir, *(maildir / s for s in ("cur", "new", "tmp")), root / "home"):
            os.chown(path, *owner)
        group = grp.getgrgid(owner_entry.pw_gid).gr_name
        (root / "dovecot.conf").write_text(_config(root, port, login_user, internal_user, owner, group))
        process = subprocess.Popen(
            [binary, "-F", "-c", str(root / "dovecot.conf")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - a test helper, started before threads matter
        )
        server = ImapServer(process, root, port, maildir, owner)
        try:
            _wait_ready(server, timeout)
        except BaseException:
            server.stop()
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(root)
        raise
    return server


if __name__ == "__main__":
    with start() as running:
        print(f"IMAPS on {running.host}:{running.port}, {running.username} / {running.password}")
        print(f"maildir: {running.maildir}  (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            running.process.wait()
