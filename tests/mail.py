"""Mails as agencies send them, and the `imap_content` event that Home Assistant's IMAP integration makes."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from homeassistant.components.imap.const import DEFAULT_MAX_MESSAGE_SIZE
from homeassistant.components.imap.coordinator import ImapMessage, get_parts
from homeassistant.util import dt as dt_util

REQUEST = """Agency: Springfield PD
Case number: 2026-0099
Legal basis: Warrant
Start: {start}
End: {end}
Requester name: Det. Smith
Reason: burglary nearby

--
Springfield Police Department
"""

REQUEST_HTML = """<!DOCTYPE html>
<html><head><title>Footage request</title><style>p {{ margin: 0 }}</style></head>
<body><div style="font-family: Arial">
<p>Dear resident,</p>
<p>We ask for footage of your doorbell camera:</p>
<table>
<tr><td><b>Agency:</b></td><td>Springfield&nbsp;PD</td></tr>
<tr><td><b>Case number:</b></td><td>2026-0099</td></tr>
<tr><td><b>Legal basis:</b></td><td>Warrant</td></tr>
</table>
<p>Start: {start}<br>End:
  {end}<br/>Requester name: Det. Smith</p>
<p>Reason: burglary &amp; theft nearby</p>
<script>var Agency = "not this: x";</script>
</div></body></html>
"""


def request_mail(
    sender: str,
    subject: str,
    body: str,
    *,
    html: bool = False,
    authentication_results: list[str] | None = None,
    to: str = "vault@example.test",
) -> bytes:
    """An RFC 5322 message: plain text, or HTML only; `authentication_results` topmost first."""
    message = EmailMessage()
    message["From"] = f"Sender <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt_util.utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.test")
    message.set_content(body, subtype="html" if html else "plain")
    # Receiving servers prepend their headers (folded lines kept as written).
    added = "".join(f"Authentication-Results: {value}\r\n" for value in authentication_results or [])
    return added.encode() + message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def imap_event(
    raw: bytes,
    *,
    entry_id: str = "imap",
    message_data: tuple[str, ...] = ("text", "headers"),
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    uid: str = "1",
) -> dict[str, Any]:
    """The event data exactly as the IMAP integration's coordinator builds it (its own classes)."""
    message = ImapMessage(raw)
    data: dict[str, Any] = {
        "entry_id": entry_id,
        "server": "127.0.0.1",
        "username": "vault@example.test",
        "search": "UnSeen UnDeleted",
        "folder": "INBOX",
        "initial": True,
        "date": message.date,
        "sender": message.sender,
        "subject": message.subject,
        "uid": uid,
        "parts": get_parts(message.email_message),
    }
    data.update({key: getattr(message, key) for key in message_data})
    if "text" in data:
        data["text"] = message.text[:max_message_size]
    return data
