"""Footage requests by e-mail: a request's fields in a mail, and what the receiving server says of its sender.

A mail arrives as Home Assistant's IMAP integration sends it on its `imap_content` event: `sender` (the
From address), `subject`, `text` (the text/plain part, else the text/html part as HTML source; absent
unless the IMAP entry includes it), `headers` ({name: (value, ...)} as in the message; absent unless
included) and `parts` ({index: {content_type, ...}}, empty for a single-part message).

The body holds one `Field: value` per line. HTML is read as text first: tags dropped, `<br>`, `<p>`,
table rows and other blocks as line breaks, scripts and styles ignored. The first line naming a field wins
(a quoted earlier message further down cannot override it); other lines are ignored.

Only the receiving server can vouch for a sender: its `Authentication-Results` header (RFC 8601, parsed by
`authentication_results.py`) says whether a DKIM signature of the sender's domain verified and whether
DMARC passed. A sender can write such headers into the message too, with any authserv-id, so only the
topmost header carrying the owner's server's authserv-id counts (RFC 8601 §5), and without that id none
does.

The intake (mail_intake.py) applies the owner's requirements and submits the mail or tells why not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any, Final

from . import authentication_results

# Field names as a person writes them (folded: lower case, punctuation as spaces) → the request's fields.
FIELD_NAMES: Final = {
    "agency": "agency",
    "case number": "case_number",
    "case no": "case_number",
    "case": "case_number",
    "legal basis": "legal_basis",
    "start": "start",
    "end": "end",
    "requester name": "requester_name",
    "requester": "requester_name",
    "reason": "reason",
    "deadline": "deadline",
    "latitude": "latitude",
    "longitude": "longitude",
    "radius m": "radius_m",
    "radius": "radius_m",
}
REQUIRED: Final = ("agency", "start", "end")
NUMBERS: Final = frozenset({"latitude", "longitude", "radius_m"})
MAX_TEXT: Final = 64 * 1024

_BLOCKS: Final = frozenset(
    {
        *("address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "form", "h1"),
        *("h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table"),
        *("tr", "ul"),
    }
)
_CELLS: Final = frozenset({"td", "th"})
_HIDDEN: Final = frozenset({"head", "script", "style", "template", "title"})
_HTML_HINT: Final = re.compile(r"<(?:!doctype\s+html|html|body|div|p|br|table|span|font)\b", re.IGNORECASE)
_SPACES: Final = re.compile(r"[ \t\r\f\v\u00a0]+")
_NOT_WORD: Final = re.compile(r"[^0-9a-z]+")


class _TextOf(HTMLParser):
    """The text a reader sees in HTML, one line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.chunks.append("\n")
        elif tag in _CELLS:
            self.chunks.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")
        elif tag in _CELLS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            # In HTML a line break in the source is just a space; only blocks break lines.
            self.chunks.append(data.replace("\n", " "))


def html_text(html: str) -> str:
    """HTML as the lines a reader sees (tags dropped, blocks and <br> as line breaks)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.chunks).split("\n"))
    return "\n".join(line for line in lines if line)


def _header(headers: Mapping[str, Any], name: str) -> list[str]:
    """Every value of one header, in the message's order (names compared without regard to case)."""
    found: list[str] = []
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            found.extend([value] if isinstance(value, str) else [str(v) for v in value])
    return found


def is_html(
    text: str, headers: Mapping[str, Any] | None = None, parts: Mapping[str, Any] | None = None
) -> bool:
    """Whether the IMAP integration's `text` is HTML source (sent when there is no plain text)."""
    types = [str(p.get("content_type", "")) for p in (parts or {}).values() if isinstance(p, Mapping)]
    if types:
        return "text/plain" not in types and "text/html" in types
    content_type = _header(headers or {}, "Content-Type")
    if content_type:
        return content_type[0].split(";", 1)[0].strip().lower() == "text/html"
    return bool(_HTML_HINT.search(text))


@dataclass(slots=True)
class ParsedMail:
    """The fields found in a mail, and what is wrong with them (`[{field, message}]`, empty when fine)."""

    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    html: bool = False

    @property
    def missing(self) -> list[str]:
        """The required fields the mail does not give."""
        return [p["field"] for p in self.problems if p["message"] == "missing"]


def _fold(name: str) -> str:
    return _NOT_WORD.sub(" ", name.lower()).strip()


def parse_fields(text: str, *, html: bool = False) -> ParsedMail:
    """The request's fields from a mail's text (`html`: the text is HTML source)."""
    parsed = ParsedMail(html=html)
    body = html_text(text[:MAX_TEXT]) if html else text[:MAX_TEXT]
    for line in body.splitlines():
        name, colon, value = line.partition(":")
        key = FIELD_NAMES.get(_fold(name.strip(" \t*>-_")))
        value = value.strip(" \t*_")
        if not colon or key is None or not value or key in parsed.fields:
            continue
        if key in NUMBERS:
            try:
                parsed.fields[key] = float(value.replace(",", "."))
            except ValueError:
                parsed.problems.append({"field": key, "message": "not a number"})
                parsed.fields[key] = value
            continue
        parsed.fields[key] = value.lower() if key == "legal_basis" else value
    parsed.problems.extend(
        {"field": name, "message": "missing"} for name in REQUIRED if name not in parsed.fields
    )
    return parsed


# Who sent it: the receiving server's Authentication-Results ------------------------------------------


class Authentication(StrEnum):
    """What the owner requires of a mail's Authentication-Results before it is submitted.

    The options flow offers const.MAIL_AUTHENTICATIONS (config_flow does not import this module).
    """

    OFF = "off"
    DKIM = "dkim"
    DMARC = "dmarc"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the receiving server found about the sender's domain."""

    domain: str
    dkim: bool
    dmarc: bool
    header_found: bool

    def passes(self, required: str) -> bool:
        """Whether the mail meets the owner's requirement."""
        if required == Authentication.DKIM:
            return self.dkim
        if required == Authentication.DMARC:
            return self.dmarc
        return True

    def as_dict(self) -> dict[str, Any]:
        """For a service response."""
        return {
            "domain": self.domain,
            "dkim": self.dkim,
            "dmarc": self.dmarc,
            "header_found": self.header_found,
        }


_FOLD: Final = re.compile(r"\r?\n(?=[ \t])")
type Results = list[authentication_results.Result]


def _results(header: str, serv_id: str) -> Results:
    """The (method, result, {ptype.property: value}) of the server's own Authentication-Results value.

    None when the value does not parse or names another authserv-id after all.
    """
    try:
        found, results = authentication_results.parse(header)
    except ValueError:
        return []
    return results if found == serv_id else []


def _aligned(domain: str, signer: str) -> bool:
    """The signer's domain is the sender's domain or a parent of it (DKIM's relaxed alignment)."""
    signer = signer.removeprefix("@").rpartition("@")[2].strip(".")
    return bool(signer) and "." in signer and (domain == signer or domain.endswith("." + signer))


def sender_domain(sender: str) -> str:
    """The domain of an address, lower case ('' when it has none)."""
    return sender.rpartition("@")[2].strip().strip(">").lower() if "@" in sender else ""


def authenticate(sender: str, headers: Mapping[str, Any] | None, authserv_id: str) -> Verdict:
    """What the receiving server's Authentication-Results says of the sender's domain.

    Only the topmost header carrying the owner's `authserv_id` counts (RFC 8601 §5: the receiving server
    adds its header on top; every header below it, and any header with another id, may be the sender's).
    Without an authserv-id nothing counts: no header can be told from a forged one.
    """
    domain = sender_domain(sender)
    wanted = authserv_id.strip().lower()
    # Only the one header that counts is parsed (a mail may carry a hundred long ones of the sender's).
    values = (_FOLD.sub("", value).strip() for value in _header(headers or {}, "Authentication-Results"))
    ours = next(
        (value for value in values if wanted and authentication_results.serv_id(value) == wanted), None
    )
    dkim = dmarc = False
    for method, result, properties in _results(ours, wanted) if ours is not None else []:
        if result != "pass" or not domain:
            continue
        if method == "dkim":
            signer = properties.get("header.d") or properties.get("header.i", "")
            dkim = dkim or _aligned(domain, signer)
        elif method == "dmarc":
            dmarc = dmarc or _aligned(domain, properties.get("header.from", ""))
    return Verdict(domain, dkim, dmarc, ours is not None)


def domain_listed(domain: str, listed: Iterable[str]) -> bool:
    """Whether a domain is one the owner listed, or below one."""
    for entry in listed:
        name = entry.strip().lower().removeprefix("@").strip(".")
        if name and (domain == name or domain.endswith("." + name)):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Mail:
    """A mail as the IMAP integration's event carries it (`text` None: the entry passes on no text)."""

    sender: str
    subject: str = ""
    text: str | None = None
    headers: Mapping[str, Any] = field(default_factory=dict)
    parts: Mapping[str, Any] = field(default_factory=dict)
    entry_id: str | None = None
    uid: str | None = None

    def parsed(self) -> ParsedMail:
        """The request's fields in the text."""
        text = self.text or ""
        return parse_fields(text, html=is_html(text, self.headers, self.parts))
