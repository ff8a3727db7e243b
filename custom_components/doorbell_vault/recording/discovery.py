"""ONVIF WS-Discovery: a bounded scan for cameras on the local network.

The scan sends one WS-Discovery Probe for NetworkVideoTransmitter devices and collects ProbeMatches until
the deadline. Answers come from the LAN, so they are size-bounded and parsed without fetching anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

WSD_TARGET: Final = ("239.255.255.250", 3702)
SCAN_SECONDS: Final = 3.0
MAX_DATAGRAM: Final = 16_384

PROBE: Final = """<?xml version="1.0" encoding="UTF-8"?>
<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"
 xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
 xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<e:Header><w:MessageID>uuid:{message_id}</w:MessageID>
<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>
<w:Action e:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>
</e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body>
</e:Envelope>"""

_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


@dataclass(frozen=True, slots=True)
class OnvifDevice:
    """A camera that answered the probe."""

    host: str
    name: str
    hardware: str | None
    mac: str | None
    endpoint: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_probe_match(data: bytes) -> list[OnvifDevice]:
    """ProbeMatches from one datagram; anything malformed yields nothing."""
    if len(data) > MAX_DATAGRAM or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return []
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTDs (refused above), no external fetches
    except ET.ParseError:
        return []
    devices = []
    for match in root.iter():
        if _local(match.tag) != "ProbeMatch":
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in match.iter()}
        xaddrs = fields.get("XAddrs", "").split()
        host = next((h for h in (urlsplit(x).hostname for x in xaddrs) if h), None)
        if not host or not _HOST.match(host):
            continue
        scopes: dict[str, str] = {}
        for scope in fields.get("Scopes", "").split():
            parts = urlsplit(scope)
            if parts.scheme == "onvif" and parts.netloc == "www.onvif.org":
                key, _, value = parts.path.strip("/").partition("/")
                scopes.setdefault(key, unquote(value)[:64])
        endpoint = fields.get("Address", "")[:128]
        mac = scopes.get("mac")
        devices.append(
            OnvifDevice(
                host=host,
                name=scopes.get("name") or host,
                hardware=scopes.get("hardware"),
                mac=mac.lower().replace("-", ":") if mac else None,
                endpoint=endpoint,
            )
        )
    return devices


class _Collector(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.devices: dict[str, OnvifDevice] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        for device in parse_probe_match(data):
            self.devices.setdefault(device.endpoint or device.host, device)


async def scan(timeout: float = SCAN_SECONDS, target: tuple[str, int] | None = None) -> list[OnvifDevice]:
    """Probe, wait `timeout` seconds, and return the cameras that answered."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(_Collector, local_addr=("0.0.0.0", 0))
    try:
        message = PROBE.format(message_id=uuid.uuid4()).encode()
        with contextlib.suppress(OSError):
            transport.sendto(message, target or WSD_TARGET)
        await asyncio.sleep(timeout)
    finally:
        transport.close()
    return sorted(protocol.devices.values(), key=lambda d: (d.name, d.host))
