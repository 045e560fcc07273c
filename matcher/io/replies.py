"""Replies to e-mailed invites: reading the organiser's mailbox over IMAP, and the iTIP answer in
each message (RFC 6047 iMIP, RFC 5546 iTIP). Nothing here is stored.

What the calendar programs send, and what this reads of it:

* Outlook (Exchange, [MS-OXCICAL]): a ``text/calendar; method=REPLY`` part, often base64; a
  proposal of another time is ``METHOD:COUNTER`` with the proposed DTSTART and DTEND.
* Google Calendar: ``multipart/mixed`` holding a ``multipart/alternative`` (text, HTML and
  ``text/calendar; method=REPLY``) and the same calendar again as an ``application/ics`` file.
* Apple Calendar: ``METHOD:REPLY`` with PARTSTAT on the ATTENDEE and ``X-`` properties besides,
  in a quoted-printable ``text/calendar`` attachment.

A message is read to a list of :class:`Reply` (one per VEVENT: a series' reply and replies for
single occurrences with their RECURRENCE-ID), or :class:`NotAReply` with the reason as a message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import imaplib
import re
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from icalendar import Calendar, Component

from matcher.domain.phrases import phrase

ACCEPTED, DECLINED, TENTATIVE, COUNTER = "ACCEPTED", "DECLINED", "TENTATIVE", "COUNTER"
#: The answers an attendee can give in a REPLY (RFC 5546 3.2.3); DELEGATED is taken as no answer.
ANSWERS = (ACCEPTED, DECLINED, TENTATIVE)
_CALENDAR_TYPES = ("text/calendar", "application/ics")
#: Hosts where plain IMAP (no TLS) is allowed: this machine only.
_LOCAL = ("127.0.0.1", "::1", "localhost")
#: The most of one message that is read: an invite reply is a few kilobytes.
MAX_BYTES = 2_000_000


class NotAReply(Exception):
    """A message that is not a usable reply to an invite; ``message`` says why (a phrase)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MailboxError(Exception):
    """The mailbox could not be read (refused login, no answer, no such folder): a phrase."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reply:
    """One attendee's answer to one event (or one occurrence of a series)."""

    method: str
    uid: str
    attendee: str
    #: ACCEPTED, DECLINED, TENTATIVE; for a COUNTER: COUNTER
    answer: str
    sequence: int = 0
    recurrence_id: dt.datetime | None = None
    comment: str = ""
    #: The time a COUNTER proposes.
    proposed_start: dt.datetime | None = None
    proposed_end: dt.datetime | None = None


@dataclass(frozen=True)
class ImapSettings:
    """Where the organiser's mailbox is: ``MEELOOP_IMAP_URL``, such as
    ``imaps://user:password@imap.example.org:993/INBOX`` (TLS from the start),
    ``imap+starttls://user:password@imap.example.org:143/INBOX`` (STARTTLS), or ``imap://`` (no
    TLS, for this machine only).

    >>> ImapSettings.parse("imaps://rsvp%40example.org:s3cret@imap.example.org/Replies").port
    993
    >>> ImapSettings.parse("imaps://rsvp%40example.org:s3cret@imap.example.org/Replies").user
    'rsvp@example.org'
    """

    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    timeout: float = 30.0
    #: A file of CA certificates to trust besides the system's (an internal CA): MEELOOP_IMAP_CA_FILE.
    ca_file: str = ""
    #: Apply only replies the organiser's own mail server found DMARC-aligned: MEELOOP_IMAP_REQUIRE_DMARC=1.
    require_dmarc: bool = False

    @classmethod
    def parse(cls, url: str) -> ImapSettings:
        """The settings of the address; ValueError (a phrase) says what is wrong with it."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("imaps", "imap+starttls", "imap"):
            raise ValueError(
                phrase(
                    "{setting} must start with imaps://, imap+starttls:// or (on this machine only) imap://",
                    setting="MEELOOP_IMAP_URL",
                )
            )
        host = parts.hostname or ""
        if not host or not parts.username or parts.password is None:
            raise ValueError(
                phrase(
                    "{setting} needs the account, its password and the server, such as {example}",
                    setting="MEELOOP_IMAP_URL",
                    example="imaps://user:password@imap.example.org/INBOX",
                )
            )
        if scheme == "imap" and host not in _LOCAL:
            raise ValueError(
                phrase(
                    "{setting}: the password would go unencrypted to {host}; use imaps:// or imap+starttls://",
                    setting="MEELOOP_IMAP_URL",
                    host=host,
                )
            )
        try:
            port = parts.port or (993 if scheme == "imaps" else 143)
        except ValueError:
            raise ValueError(
                phrase("{setting} has a port that is not a number", setting="MEELOOP_IMAP_URL")
            ) from None
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(scheme, host, port, unquote(parts.username), unquote(parts.password), folder)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ImapSettings | None:
        """The mailbox of ``MEELOOP_IMAP_URL``; None when it is not set (replies are not read)."""
        url = environ.get("MEELOOP_IMAP_URL", "").strip()
        if not url:
            return None
        found = cls.parse(url)
        ca_file = environ.get("MEELOOP_IMAP_CA_FILE", "").strip()
        if ca_file and not Path(ca_file).is_file():
            raise ValueError(
                phrase("{setting}: there is no file {path}", setting="MEELOOP_IMAP_CA_FILE", path=ca_file)
            )
        require_dmarc = environ.get("MEELOOP_IMAP_REQUIRE_DMARC", "").strip().lower() in ("1", "true", "yes")
        return dataclasses.replace(found, ca_file=ca_file, require_dmarc=require_dmarc)

    @property
    def where(self) -> str:
        """The mailbox for the logs and HR's page, without the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass(frozen=True)
class Mail:
    """An unread message: its key in the mailbox (UIDVALIDITY and UID) and its bytes; a message over
    :data:`MAX_BYTES` is not downloaded (``raw`` is empty), only its ``size`` is known."""

    key: str
    uid: str
    raw: bytes
    size: int = 0

    @property
    def too_large(self) -> bool:
        return self.size > MAX_BYTES


class Mailbox:
    """An open IMAP folder: the unread messages, and marking one read once it is handled."""

    def __init__(self, client: imaplib.IMAP4, validity: str) -> None:
        self._client = client
        self.validity = validity

    def unread(self, limit: int = 200) -> Iterator[Mail]:
        status, found = self._client.uid("SEARCH", "UNSEEN")
        if status != "OK":
            raise MailboxError(phrase("the mail server did not list the unread messages"))
        for uid in (found[0] or b"").decode().split()[:limit]:
            key = f"{self.validity}:{uid}"
            # The size first: a message over the cap is never downloaded.
            size = self._size(uid)
            if size > MAX_BYTES:
                yield Mail(key, uid, b"", size)
                continue
            # BODY.PEEK: reading does not mark it read; that waits until it is handled.
            status, data = self._client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"") if status == "OK" else b""
            yield Mail(key, uid, raw[:MAX_BYTES], size)

    def _size(self, uid: str) -> int:
        """The message's RFC822.SIZE; a server that does not say is taken as over the cap."""
        status, data = self._client.uid("FETCH", uid, "(RFC822.SIZE)")
        for part in data if status == "OK" else []:
            line = part[0] if isinstance(part, tuple) else part
            found = re.search(rb"RFC822\.SIZE (\d+)", line or b"")
            if found:
                return int(found.group(1))
        return MAX_BYTES + 1

    def mark_read(self, mail: Mail) -> None:
        self._client.uid("STORE", mail.uid, "+FLAGS.SILENT", r"(\Seen)")


@contextmanager
def open_mailbox(settings: ImapSettings) -> Iterator[Mailbox]:
    """Log in and open the folder; :class:`MailboxError` says why that failed."""
    try:
        context = ssl.create_default_context(cafile=settings.ca_file or None)
        if settings.scheme == "imaps":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host,
                settings.port,
                ssl_context=context,
                timeout=settings.timeout,
            )
        else:
            client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.scheme == "imap+starttls":
                client.starttls(context)
    except (OSError, imaplib.IMAP4.error) as failure:
        raise MailboxError(
            phrase("the mail server {host} did not answer: {reason}", host=settings.host, reason=str(failure))
        ) from None
    try:
        try:
            client.login(settings.user, settings.password)
        except imaplib.IMAP4.error:
            raise MailboxError(
                phrase("the mail server refused the account {user}", user=settings.user)
            ) from None
        status, _ = client.select(_quoted(settings.folder))
        if status != "OK":
            raise MailboxError(phrase("the mail server has no folder {folder}", folder=settings.folder))
        _, validity = client.response("UIDVALIDITY")
        yield Mailbox(client, (validity[0] or b"0").decode() if validity else "0")
    except (OSError, imaplib.IMAP4.abort) as failure:
        raise MailboxError(
            phrase("the mail server {host} broke off: {reason}", host=settings.host, reason=str(failure))
        ) from None
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- reading one message ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """Who sent the message and about what: for the log of replies that matched nothing."""

    sender: str
    subject: str


def envelope(raw: bytes) -> Envelope:
    """Sender and subject; a header that cannot be parsed (``From: a@[``) is taken as empty."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    sender = parseaddr(_header(message, "From"))[1]
    return Envelope(sender.strip()[:320], " ".join(_header(message, "Subject").split())[:300])


def _header(message: Message, name: str) -> str:
    """The header's text; empty when it is missing or cannot be parsed."""
    try:
        return str(message.get(name, ""))
    except Exception:  # any broken header is no header: the e-mail can come from anyone
        return ""


def authenticated(raw: bytes) -> bool:
    """Whether the topmost ``Authentication-Results`` header (RFC 8601), the one the receiving
    server added last, says ``dmarc=pass``. Headers further down may come from the sender."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    results = message.get_all("Authentication-Results") or []
    if not results:
        return False
    return re.search(r"(?:^|[;\s])dmarc\s*=\s*pass\b", str(results[0]), flags=re.IGNORECASE) is not None


def calendar_text(raw: bytes) -> str:
    """The iCalendar text of a message: its ``text/calendar`` part, else an ``application/ics`` file
    (Google sends both, the same). Base64 and quoted-printable are undone, the charset applied."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    found: dict[str, Message] = {}
    for each in message.walk():
        kind = each.get_content_type()
        if kind in _CALENDAR_TYPES and kind not in found:
            found[kind] = each
    part = found.get("text/calendar") or found.get("application/ics")
    if part is None:
        raise NotAReply(phrase("the message holds no calendar reply"))
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise NotAReply(phrase("the calendar part of the message is empty"))
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return payload.decode("utf-8", errors="replace")


def read_replies(raw: bytes) -> list[Reply]:
    """The answers in a message; :class:`NotAReply` says why there are none."""
    text = calendar_text(raw)
    try:
        cal = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as failure:
        raise NotAReply(
            phrase(
                "the calendar in the message cannot be read: {reason}",
                reason=" ".join(str(failure).split())[:160],
            )
        ) from None
    method = str(cal.get("method", "")).upper()
    if method not in ("REPLY", COUNTER):
        raise NotAReply(
            phrase("the calendar in the message is a {method}, not a reply", method=method or "PUBLISH")
        )
    replies = [_reply(method, item) for item in cal.walk("VEVENT")]
    if not replies:
        raise NotAReply(phrase("the reply holds no event"))
    return replies


def _reply(method: str, item: Component) -> Reply:
    uid = str(item.get("uid", "")).strip()
    if not uid:
        raise NotAReply(phrase("the reply has no UID"))
    attendees = item.get("attendee")
    if attendees is None:
        raise NotAReply(phrase("the reply names no attendee"))
    attendee = attendees[0] if isinstance(attendees, list) else attendees
    address = str(attendee)
    if not address.lower().startswith("mailto:"):
        raise NotAReply(phrase("the attendee {attendee} is not an e-mail address", attendee=address))
    partstat = str(attendee.params.get("PARTSTAT", "")).upper()
    if method == COUNTER:
        answer = COUNTER
    elif partstat in ANSWERS:
        answer = partstat
    else:
        raise NotAReply(phrase("the reply gives no answer (PARTSTAT is '{partstat}')", partstat=partstat))
    try:
        sequence = int(item.get("sequence", 0))
    except (TypeError, ValueError):
        raise NotAReply(phrase("the reply's SEQUENCE is not a number")) from None
    start, end = (_moment(item, "dtstart"), _moment(item, "dtend")) if method == COUNTER else (None, None)
    if method == COUNTER and start is None:
        raise NotAReply(phrase("the proposal of another time has no start"))
    comment = item.get("comment")
    return Reply(
        method=method,
        uid=uid,
        attendee=address[len("mailto:") :].strip().lower(),
        answer=answer,
        sequence=sequence,
        recurrence_id=_moment(item, "recurrence-id"),
        comment=" ".join(str(comment[0] if isinstance(comment, list) else comment).split())[:1000]
        if comment
        else "",
        proposed_start=start,
        proposed_end=end,
    )


def _moment(item: Component, name: str) -> dt.datetime | None:
    """A date-time property in UTC; a floating time is taken as UTC, a date as its midnight."""
    prop = item.get(name)
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    if not isinstance(value, dt.date):  # a duration, a period, a list: not a moment
        raise NotAReply(phrase("the reply's {property} is not a date and time", property=name.upper()))
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
