"""Calendar invites by e-mail: settings from the environment, the message, and one SMTP connection per batch.

The message has the shape Outlook, Gmail and Thunderbird all accept::

    multipart/mixed
        multipart/alternative
            text/plain; charset=utf-8
            text/calendar; method=REQUEST; charset=utf-8
        application/ics; name=invite.ics   (attachment, the same calendar)

Both calendar parts are base64-encoded, so the iCalendar text arrives byte for byte, CRLF line endings
included.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from types import TracebackType

from matcher.domain.problems import Location, Problems

SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
METHODS = ("REQUEST", "CANCEL", "PUBLISH")
ENVIRONMENT = "environment"

# Deliberately plain: a mailbox such as mentoring@example.org, not a display name or a list.
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)*")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")


def is_address(text: str) -> bool:
    """Whether ``text`` is a bare e-mail address such as ``eva@example.org``."""
    return _ADDRESS.fullmatch(text) is not None


def one_line(text: str) -> str:
    """``text`` as one line: line breaks and tabs become a space, other control characters go.

    A name typed with Alt+Enter in an Excel cell must not split a mail header or a calendar line.

    >>> one_line("Pim\\r\\nde\\x07 Wit")
    'Pim de Wit'
    """
    spaced = "".join(" " if c in "\r\n\t\v\f\x85\u2028\u2029" else c for c in text)
    kept = "".join(c for c in spaced if ord(c) >= 32 and not 0x7F <= ord(c) < 0xA0)
    return " ".join(kept.split())


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server and whom the invites come from.

    ``security`` is ``starttls`` (plain connection upgraded to TLS), ``ssl`` (TLS from the start)
    or ``none``. ``sender`` is the programme's mailbox, used as From and as the envelope sender.
    """

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender_name: str = "meeloop"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_PORTS:
            raise ValueError(f"security must be one of {', '.join(SECURITY_PORTS)}, not {self.security!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings | None:
        """Read ``MEELOOP_SMTP_*`` variables; None when ``MEELOOP_SMTP_HOST`` is unset (no e-mail).

        Raises :class:`~matcher.domain.problems.InvalidInput` listing every bad variable.

        >>> SmtpSettings.from_env({"MEELOOP_SMTP_HOST": "smtp.example.org",
        ...                        "MEELOOP_SMTP_FROM": "mentoring@example.org"}).port
        587
        """
        host = environ.get("MEELOOP_SMTP_HOST", "").strip()
        if not host:
            return None
        problems = Problems()

        def complain(variable: str, message: str) -> None:
            problems.add(Location(ENVIRONMENT, field=variable), message)

        security = environ.get("MEELOOP_SMTP_SECURITY", "").strip().lower() or "starttls"
        if security not in SECURITY_PORTS:
            complain("MEELOOP_SMTP_SECURITY", f"'{security}' is not one of {', '.join(SECURITY_PORTS)}")
        port = _port(environ.get("MEELOOP_SMTP_PORT", "").strip(), complain)
        if port is None:
            port = SECURITY_PORTS.get(security, 587)

        username = environ.get("MEELOOP_SMTP_USER", "").strip() or None
        password = environ.get("MEELOOP_SMTP_PASSWORD") or None
        if username and password is None:
            complain("MEELOOP_SMTP_USER", "is set but MEELOOP_SMTP_PASSWORD is not; set both or neither")
        if password is not None and not username:
            complain("MEELOOP_SMTP_PASSWORD", "is set but MEELOOP_SMTP_USER is not; set both or neither")

        sender = environ.get("MEELOOP_SMTP_FROM", "").strip()
        if not sender:
            complain(
                "MEELOOP_SMTP_FROM", "is required when MEELOOP_SMTP_HOST is set (the programme's mailbox)"
            )
        elif not is_address(sender):
            complain(
                "MEELOOP_SMTP_FROM", f"'{sender}' is not an e-mail address such as mentoring@example.org"
            )
        sender_name = environ.get("MEELOOP_SMTP_FROM_NAME", "").strip() or "meeloop"
        if any(ord(c) < 32 for c in sender_name):
            complain("MEELOOP_SMTP_FROM_NAME", "contains control characters such as line breaks")

        problems.raise_if_any()
        return cls(
            host=host,
            sender=sender,
            port=port,
            security=security,
            username=username,
            password=password,
            sender_name=sender_name,
        )


def _port(text: str, complain: Callable[[str, str], None]) -> int | None:
    if not text:
        return None
    try:
        port = int(text)
    except ValueError:
        complain("MEELOOP_SMTP_PORT", f"'{text}' is not a number")
        return None
    if not 1 <= port <= 65535:
        complain("MEELOOP_SMTP_PORT", f"{port} is outside 1-65535")
        return None
    return port


@dataclass(frozen=True)
class Letter:
    """One invite to one person. ``message_id`` (``<outbox-12@example.org>``) is given by the caller
    and stays the same on a resend, so a letter sent twice after a crash is recognisable."""

    to_email: str
    to_name: str
    subject: str
    text: str
    calendar: bytes
    method: str
    message_id: str

    def __post_init__(self) -> None:
        if not is_address(self.to_email):
            raise ValueError(f"'{self.to_email}' is not an e-mail address")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if not _MESSAGE_ID.fullmatch(self.message_id):
            raise ValueError(f"message_id must look like <id@domain>, not {self.message_id!r}")
        stated = _calendar_method(self.calendar)
        # Clients act on the MIME method parameter; a calendar saying otherwise is a bug upstream.
        if stated is not None and stated != self.method:
            raise ValueError(f"the calendar says METHOD:{stated} but the letter is a {self.method}")


def _calendar_method(calendar: bytes) -> str | None:
    for line in calendar.splitlines():
        if line[:7].upper() == b"METHOD:":
            return line[7:].strip().decode("ascii", "replace").upper()
    return None


def build_message(letter: Letter, settings: SmtpSettings, *, now: datetime | None = None) -> EmailMessage:
    """The e-mail for ``letter``, dated ``now`` (default: the current time)."""
    message = EmailMessage()
    message["From"] = Address(one_line(settings.sender_name), addr_spec=settings.sender)
    message["To"] = Address(one_line(letter.to_name), addr_spec=letter.to_email)
    message["Subject"] = one_line(letter.subject)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = letter.message_id
    message.set_content(letter.text, cte="quoted-printable")
    message.add_alternative(
        letter.calendar,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": letter.method, "charset": "utf-8"},
    )
    message.add_attachment(
        letter.calendar,
        maintype="application",
        subtype="ics",
        cte="base64",
        filename="invite.ics",
        params={"name": "invite.ics"},
    )
    return message


class DeliveryError(Exception):
    """The mail server could not be reached or did not accept a letter.

    ``recipient`` is set when one letter was refused; ``code`` is the server's reply code, if any
    (4xx: try again later, 5xx: permanent). ``unsendable`` is set for a letter that cannot be
    written at all (a stored address that is not one): permanent too, and the connection is fine.
    """

    def __init__(
        self, message: str, *, recipient: str | None = None, code: int | None = None, unsendable: bool = False
    ) -> None:
        super().__init__(message)
        self.recipient = recipient
        self.code = code
        self.unsendable = unsendable

    @property
    def permanent(self) -> bool:
        return self.unsendable or (self.code is not None and 500 <= self.code < 600)

    @property
    def connection_lost(self) -> bool:
        """Whether the connection is gone, so that no further letter can go out in this run."""
        return self.code is None and not self.unsendable


class Postman:
    """Sends letters over one SMTP connection, opened on enter and closed on exit.

    >>> with Postman(settings) as postman:  # doctest: +SKIP
    ...     for letter in letters:
    ...         postman.send(letter)
    """

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    @property
    def server(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def __enter__(self) -> Postman:
        self._smtp = self._connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except OSError:  # smtplib's errors are OSErrors too
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = self.ssl_context or ssl.create_default_context()
        try:
            # The constructors connect, and close their socket again if that fails.
            if settings.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        except OSError as error:
            raise DeliveryError(f"mail server {self.server}: cannot connect: {_reason(error)}") from error
        step = "STARTTLS"
        try:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.username:
                step = f"login as '{settings.username}'"
                smtp.login(settings.username, settings.password or "")
        except OSError as error:
            smtp.close()
            raise DeliveryError(
                f"mail server {self.server}: {step} failed: {_reason(error)}",
                code=getattr(error, "smtp_code", None),
            ) from error
        return smtp

    def send(self, letter: Letter) -> None:
        """Hand ``letter`` to the server; raises :class:`DeliveryError` when it is not accepted."""
        if self._smtp is None:
            raise RuntimeError("a Postman sends only inside its with block")
        try:
            message = build_message(letter, self.settings)
        except ValueError as error:
            raise DeliveryError(
                f"the letter to {letter.to_email} cannot be written: {error}",
                recipient=letter.to_email,
                unsendable=True,
            ) from error
        try:
            self._smtp.send_message(message, from_addr=self.settings.sender, to_addrs=[letter.to_email])
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = next(iter(error.recipients.values()))
            raise DeliveryError(
                f"mail server {self.server} refused the recipient {letter.to_email}: {code} {_text(answer)}",
                recipient=letter.to_email,
                code=code,
            ) from error
        except OSError as error:
            raise DeliveryError(
                f"mail server {self.server} did not take the letter to {letter.to_email}: {_reason(error)}",
                recipient=letter.to_email,
                code=getattr(error, "smtp_code", None),
            ) from error

    def send_note(
        self,
        to_email: str,
        subject: str,
        text: str,
        *,
        to_name: str = "",
        message_id: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Hand a plain e-mail (no invite: a test of the settings, a reminder) to the server; raises
        :class:`DeliveryError` when it is not accepted, with the server's answer. ``message_id``
        (``<notice-12@example.org>``) stays the same on a resend, as a :class:`Letter`'s does."""
        if self._smtp is None:
            raise RuntimeError("a Postman sends only inside its with block")
        if not is_address(to_email):
            raise DeliveryError(f"'{to_email}' is not an e-mail address", recipient=to_email, unsendable=True)
        if message_id is not None and not _MESSAGE_ID.fullmatch(message_id):
            raise ValueError(f"message_id must look like <id@domain>, not {message_id!r}")
        message = EmailMessage()
        message["From"] = Address(one_line(self.settings.sender_name), addr_spec=self.settings.sender)
        try:
            message["To"] = Address(one_line(to_name), addr_spec=to_email) if to_name else to_email
        except ValueError as error:
            raise DeliveryError(
                f"the e-mail to {to_email} cannot be written: {error}", recipient=to_email, unsendable=True
            ) from error
        message["Subject"] = one_line(subject)
        message["Date"] = format_datetime(now or datetime.now(UTC))
        message["Message-ID"] = message_id or make_msgid(
            domain=self.settings.sender.rpartition("@")[2] or None
        )
        message.set_content(text, cte="quoted-printable")
        try:
            self._smtp.send_message(message, from_addr=self.settings.sender, to_addrs=[to_email])
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = next(iter(error.recipients.values()))
            raise DeliveryError(
                f"mail server {self.server} refused the recipient {to_email}: {code} {_text(answer)}",
                recipient=to_email,
                code=code,
            ) from error
        except OSError as error:
            raise DeliveryError(
                f"mail server {self.server} did not take the e-mail to {to_email}: {_reason(error)}",
                recipient=to_email,
                code=getattr(error, "smtp_code", None),
            ) from error


def _reason(error: OSError) -> str:
    """The server's answer or the network's complaint, without the exception's class name."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"the connection was closed ({error})"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the TLS certificate is not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    return error.strerror or str(error) or type(error).__name__


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
