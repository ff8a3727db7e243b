"""Trusted timestamps (RFC 3161) from a real, local time-stamp authority made with `openssl ts`."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.doorbell_vault.const import CONF_TSA_URL
from custom_components.doorbell_vault.evidence.export import package_problems

from .conftest import audit_entries, shared_package

CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Test TSA
[ tsa_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ./serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
async def authority(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """A time-stamp authority on 127.0.0.1: a CA, a TSA certificate, and `openssl ts -reply` behind HTTP."""
    folder = tmp_path / "tsa"
    folder.mkdir()
    (folder / "tsa.cnf").write_text(CONFIG)
    (folder / "serial").write_text("01\n")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Test CA",
             "-config", "tsa.cnf", "-extensions", "ca_ext", cwd=folder)  # fmt: skip
    _openssl("req", *ec, "-keyout", "tsa.key", "-out", "tsa.csr", "-config", "tsa.cnf", cwd=folder)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.crt", "-days", "2", "-extfile", "tsa.cnf", "-extensions", "tsa_ext",
             cwd=folder)  # fmt: skip
    lock = asyncio.Lock()

    async def reply(request: web.Request) -> web.Response:
        if request.content_type != "application/timestamp-query":
            return web.Response(status=415)
        async with lock:
            (folder / "query.tsq").write_bytes(await request.read())
            process = await asyncio.create_subprocess_exec(
                "openssl", "ts", "-reply", "-queryfile", "query.tsq", "-config", "tsa.cnf",
                "-inkey", "tsa.key", "-signer", "tsa.crt", "-out", "reply.tsr",
                cwd=folder, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await process.wait()
            body = (folder / "reply.tsr").read_bytes()
        return web.Response(body=body, content_type="application/timestamp-reply")

    app = web.Application()
    app.router.add_post("/tsa", reply)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/tsa", folder
    await runner.cleanup()


def _ts_verify(data: Path, stamp: Path, tsa: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(data), "-in", str(stamp)]
        + ["-CAfile", str(tsa / "ca.crt"), "-untrusted", str(tsa / "tsa.crt")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


async def _package_stamped_by(
    hass: HomeAssistant, entry: MockConfigEntry, client: Any, url: str, folder: Path
) -> Path:
    """The hub's footage shared with `url` as its timestamp authority; the unpacked package's folder."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_TSA_URL: url})
    await hass.async_block_till_done()
    unpacked, _manifest = await shared_package(hass, entry, client, folder)
    return unpacked


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
async def test_manifest_and_audit_head_are_timestamped(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    front_door_footage: MockConfigEntry,
    tmp_path: Path,
    authority: tuple[str, Path],
) -> None:
    url, tsa = authority
    entry = front_door_footage
    folder = await _package_stamped_by(hass, entry, await hass_client_no_auth(), url, tmp_path / "package")

    stamp = folder / "manifest.json.tsr"
    assert stamp.is_file()
    result = _ts_verify(folder / "manifest.json", stamp, tsa)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verification: OK" in result.stdout
    assert package_problems(folder) == []
    assert (await audit_entries(entry.runtime_data, "manifest_timestamped"))[0]["tsa"] == url
    # A stamp of another manifest is named.
    (folder / "manifest.json.tsr").write_bytes(stamp.read_bytes().replace(b"\x04\x20", b"\x04\x21", 1))
    assert any("does not stamp" in p for p in package_problems(folder))

    # The audit log's head, stamped by the same authority (daily, and at start).
    head_stamp = await entry.runtime_data.custody.async_stamp_audit_head()
    assert head_stamp is not None
    noted = (await audit_entries(entry.runtime_data, "audit_head_timestamped"))[-1]
    (tmp_path / "head.bin").write_bytes(bytes.fromhex(noted["head"]))
    result = _ts_verify(tmp_path / "head.bin", head_stamp, tsa)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_an_unreachable_authority_does_not_stop_a_share(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    front_door_footage: MockConfigEntry,
    tmp_path: Path,
) -> None:
    client = await hass_client_no_auth()
    unreachable = "http://127.0.0.1:1/tsa"
    folder = await _package_stamped_by(hass, front_door_footage, client, unreachable, tmp_path / "package")
    assert not (folder / "manifest.json.tsr").exists()
    assert package_problems(folder) == []
    failed = await audit_entries(front_door_footage.runtime_data, "timestamp_failed")
    assert "cannot be reached" in failed[0]["error"]
