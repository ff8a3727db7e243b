"""The e-mail intake: a mail becomes a request, or the household is told why not.

A mail is handed over by an automation (the e-mail blueprint). What it says is read by mail.py (its
fields, and what the receiving server says of its sender); here the owner's requirements are applied,
the IMAP entry checked, and the mail submitted or refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant

from .. import issues
from ..const import (
    CONF_MAIL_AUTHENTICATION,
    CONF_MAIL_AUTHSERV_ID,
    CONF_MAIL_TRUSTED_DOMAINS,
    DOMAIN,
    hub_options,
)
from ..store.inbox import Request
from ..texts import async_text, markdown_escape
from .mail import Authentication, Mail, authenticate, domain_listed
from .validation import RequestInvalid

if TYPE_CHECKING:
    from .lifecycle import Lifecycle

IMAP_DOMAIN: Final = "imap"
IMAP_MESSAGE_DATA: Final = "event_message_data"
IMAP_MAX_MESSAGE_SIZE: Final = "max_message_size"
IMAP_DEFAULT_MAX_MESSAGE_SIZE: Final = 2048
# What to raise the IMAP entry's Max message size to: long enough for a long mail's fields, short enough that
# the event with its headers stays under the 32 KB the IMAP integration sends (it drops bigger events).
IMAP_SIZE_LIMIT: Final = 20000


class MailRefused(Exception):
    """The mail submitted nothing; `translation_key` and `placeholders` say why (the owner was told)."""

    def __init__(self, translation_key: str, placeholders: dict[str, str]) -> None:
        super().__init__(f"{translation_key}: {placeholders}")
        self.translation_key = translation_key
        self.placeholders = placeholders


@dataclass(frozen=True, slots=True)
class ImapEntry:
    """What the owner set on the IMAP entry a mail came through."""

    title: str
    message_data: tuple[str, ...]
    max_message_size: int

    @property
    def headers(self) -> bool:
        """Whether its events carry the headers (its *Message headers* option; the text is fetched)."""
        return "headers" in self.message_data


def imap_entry(hass: HomeAssistant, entry_id: str | None) -> ImapEntry | None:
    """The IMAP entry's settings (kept in its data by the IMAP integration; absent: its old defaults).

    New entries pass on neither text nor headers: the e-mail blueprint fetches the text (`imap.fetch`, not
    cut), and only the headers have to be turned on, for DKIM or DMARC.
    """
    entry = hass.config_entries.async_get_entry(entry_id) if entry_id else None
    if entry is None or entry.domain != IMAP_DOMAIN:
        return None
    return ImapEntry(
        entry.title,
        tuple(entry.data.get(IMAP_MESSAGE_DATA, ("text", "headers"))),
        int(entry.data.get(IMAP_MAX_MESSAGE_SIZE, IMAP_DEFAULT_MAX_MESSAGE_SIZE)),
    )


def issue_id(entry_id: str) -> str:
    """The repair issue of an IMAP entry that withholds what the e-mail intake needs."""
    return issues.issue_about(issues.IMAP_MESSAGE_DATA, entry_id)


def _check_imap_entry(hass: HomeAssistant, mail: Mail, needs_headers: bool) -> ImapEntry | None:
    """Raise (or clear) the repair issue of an IMAP entry that withholds the headers DKIM or DMARC need."""
    entry = imap_entry(hass, mail.entry_id)
    if entry is None or mail.entry_id is None:
        return entry
    if needs_headers and not entry.headers:
        issues.async_raise(
            hass,
            issue_id(mail.entry_id),
            issues.WARNING,
            {"entry": markdown_escape(entry.title)},
            kind=issues.IMAP_MESSAGE_DATA,
        )
    else:
        issues.async_clear(hass, issue_id(mail.entry_id))
    return entry


class _Teller:
    """Tells the household about one mail that submitted nothing (a translated persistent notification).

    Everything the mail chose (sender, subject, its domain, what was wrong with its fields) and the IMAP
    entry's title reach the notification through markdown_escape only.
    """

    def __init__(self, hass: HomeAssistant, mail: Mail, sender: str, entry: ImapEntry | None) -> None:
        self.hass = hass
        self.mail = mail
        self.placeholders = {
            "sender": markdown_escape(sender),
            "subject": markdown_escape(mail.subject),
            "entry": f" ({markdown_escape(entry.title)})" if entry else "",
            "limit": str(IMAP_SIZE_LIMIT),
        }

    async def __call__(self, key: str, notification_id: str | None = None, **placeholders: str) -> None:
        if notification_id is None and self.mail.uid:
            notification_id = f"{DOMAIN}_mail_{self.mail.entry_id or ''}_{self.mail.uid}"
        values = self.placeholders | placeholders
        persistent_notification.async_create(
            self.hass,
            await async_text(self.hass, f"notify_{key}", **values),
            title=await async_text(self.hass, f"notify_{key}_title"),
            notification_id=notification_id,
        )


async def async_submit_mail(
    hass: HomeAssistant, lifecycle: Lifecycle, options: Mapping[str, Any], mail: Mail
) -> Request:
    """Submit a mail as a request (source `email`); MailRefused (the household told why) when it is not one.

    `options`: the hub's options (what the receiving server must vouch for, the trusted agency domains).
    """
    options = hub_options(options)
    required = str(options[CONF_MAIL_AUTHENTICATION])
    trusted = [str(d) for d in options[CONF_MAIL_TRUSTED_DOMAINS]]
    authserv_id = str(options[CONF_MAIL_AUTHSERV_ID])
    entry = _check_imap_entry(hass, mail, required != Authentication.OFF or bool(trusted))
    sender = mail.sender.strip().lower()
    tell = _Teller(hass, mail, sender, entry)
    if mail.text is None:
        await tell("mail_without_text", f"{DOMAIN}_mail_without_text_{mail.entry_id or ''}")
        raise MailRefused("mail_without_text", {"sender": sender})

    verdict = authenticate(sender, mail.headers, authserv_id)
    if not verdict.passes(required):
        method = required.upper()
        if not authserv_id.strip():
            await tell("mail_no_authserv_id", method=method)
        elif not mail.headers:
            await tell("mail_no_headers", method=method)
        elif not verdict.header_found:
            await tell("mail_no_verdict", method=method)
        else:
            await tell(
                "mail_not_vouched",
                method=method,
                result=f"{required}=pass",
                domain=markdown_escape(verdict.domain),
            )
        raise MailRefused("mail_not_authenticated", {"sender": sender, "method": method})

    parsed = mail.parsed()
    if parsed.problems:
        problems = ", ".join(f"{p['field']} ({p['message']})" for p in parsed.problems)
        cut = entry is not None and len(mail.text) >= entry.max_message_size
        await tell(
            "mail_cut" if cut else "mail_not_understood",
            problems=problems,
            size=str(entry.max_message_size if entry else ""),
        )
        raise MailRefused("mail_not_understood", {"sender": sender, "problems": problems})

    verified = verdict.dkim and domain_listed(verdict.domain, trusted)
    try:
        return await lifecycle.async_submit(
            parsed.fields | {"requester_email": sender},
            "email",
            naive_ok=True,
            sender=sender,
            verified=verified,
        )
    except RequestInvalid as err:
        await tell("mail_refused", errors=markdown_escape(err))
        raise MailRefused("invalid_request", {"errors": str(err)}) from err
