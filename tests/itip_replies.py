"""Replies to invites as the calendar programs send them, for the tests of reading them back.

Each builds the whole e-mail in the shape its vendor documents and sends:

* :func:`imip`: RFC 6047 section 4 (iMIP) at its plainest, one ``text/calendar; method=REPLY`` body.
* :func:`outlook`: Exchange and Outlook ([MS-OXCICAL], [MS-OXCMAIL]): ``multipart/alternative``
  with a quoted-printable text and a base64 ``text/calendar; charset="utf-8"; method=REPLY``;
  the event in a Windows time zone (``W. Europe Standard Time``) with its VTIMEZONE and the
  ``X-MICROSOFT-CDO-*`` fields; "Propose new time" is ``METHOD:COUNTER`` with the proposed DTSTART
  and DTEND and the original time in ``X-MS-OLK-ORIGINALSTART``/``END``.
* :func:`google`: Google Calendar: ``multipart/mixed`` around a ``multipart/alternative`` (text,
  HTML, ``text/calendar; method=REPLY``) plus the same calendar as an ``application/ics``
  attachment ``invite.ics`` in base64; the attendee with ``X-NUM-GUESTS``.
* :func:`apple`: Apple Calendar on macOS and iOS: a ``multipart/mixed`` from Apple Mail with a
  quoted-printable ``text/calendar`` attachment ``iCal-….ics``; ATTENDEE with ``EMAIL=`` and
  quoted CN, ``REQUEST-STATUS:2.0;Success`` and ``X-APPLE-*`` fields.
"""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import format_datetime

ORGANIZER = "mentoring@wadloo.example"
SENT = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
WORDS = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}

WINDOWS_ZONE = """BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


def _z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: dt.datetime) -> str:
    """Amsterdam's wall-clock time, as Outlook writes it with its Windows zone (winter: UTC+1)."""
    return (moment.astimezone(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%S")


def _head(message: EmailMessage, sender: str, name: str, subject: str, ident: str) -> None:
    message["From"] = f"{name} <{sender}>"
    message["To"] = ORGANIZER
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = f"<{ident}@mail.example>"


def imip(
    uid: str, attendee: str, answer: str, start: dt.datetime, *, sequence: int = 0, more: str = ""
) -> bytes:
    """RFC 6047's own example shape: the calendar is the whole body; ``more``: lines of the VEVENT."""
    calendar = (
        "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{_z(SENT)}\r\nDTSTART:{_z(start)}\r\nSEQUENCE:{sequence}\r\n"
        f"ORGANIZER:mailto:{ORGANIZER}\r\nATTENDEE;PARTSTAT={answer}:mailto:{attendee}\r\n{more}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message = EmailMessage()
    _head(message, attendee, attendee, f"{WORDS.get(answer, answer)}: invite", f"imip-{uid}-{answer}")
    message.set_content(calendar.encode(), "text", "calendar", params={"method": "REPLY", "charset": "utf-8"})
    return message.as_bytes()


def outlook(
    uid: str,
    attendee: str,
    name: str,
    answer: str,
    start: dt.datetime,
    *,
    sequence: int = 0,
    comment: str = "",
    proposed: dt.datetime | None = None,
) -> bytes:
    """Outlook's reply, or with ``proposed`` its "Propose new time" (METHOD:COUNTER)."""
    method = "COUNTER" if proposed else "REPLY"
    begin = proposed or start
    partstat = "TENTATIVE" if proposed else answer
    lines = [
        "BEGIN:VCALENDAR",
        f"METHOD:{method}",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        WINDOWS_ZONE.rstrip("\r\n").replace("\r\n", "\n"),
        "BEGIN:VEVENT",
        f"ORGANIZER;CN=meeloop:mailto:{ORGANIZER}",
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={name}:mailto:{attendee}",
        *([f"COMMENT;LANGUAGE=nl-NL:{comment}"] if comment else []),
        f"SUMMARY;LANGUAGE=nl-NL:{WORDS.get(answer, 'Nieuwe tijd voorgesteld')}: Mentorgesprek",
        f"DTSTART;TZID=W. Europe Standard Time:{_local(begin)}",
        f"DTEND;TZID=W. Europe Standard Time:{_local(begin + dt.timedelta(hours=1))}",
        f"UID:{uid}",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        f"DTSTAMP:{_z(SENT)}",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        f"SEQUENCE:{sequence}",
        "LOCATION;LANGUAGE=nl-NL:Stadhuis",
        *(
            [
                f"X-MS-OLK-ORIGINALSTART:{_z(start)}",
                f"X-MS-OLK-ORIGINALEND:{_z(start + dt.timedelta(hours=1))}",
            ]
            if proposed
            else []
        ),
        f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
        "X-MICROSOFT-CDO-OWNERAPPTID:-1951366211",
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-CDO-INSTTYPE:0",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    calendar = "\r\n".join("\r\n".join(line.split("\n")) for line in lines) + "\r\n"
    message = EmailMessage()
    subject = "Nieuwe tijd voorgesteld: Mentorgesprek" if proposed else f"{WORDS[answer]}: Mentorgesprek"
    _head(message, attendee, name, subject, f"outlook-{uid}-{method}-{answer}")
    message["Thread-Topic"] = "Mentorgesprek"
    message["X-MS-Has-Attach"] = ""
    message["X-MS-TNEF-Correlator"] = ""
    message.set_content(f"{WORDS.get(answer, 'Voorstel')}\r\n", cte="quoted-printable")
    message.make_alternative()
    message.add_alternative(
        calendar.encode(), "text", "calendar", params={"method": method, "charset": "utf-8"}, cte="base64"
    )
    return message.as_bytes()


def google(
    uid: str, attendee: str, name: str, answer: str, start: dt.datetime, *, sequence: int = 0
) -> bytes:
    calendar = (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"DTSTART:{_z(start)}\r\nDTEND:{_z(start + dt.timedelta(hours=1))}\r\nDTSTAMP:{_z(SENT)}\r\n"
        f"ORGANIZER;CN=meeloop:mailto:{ORGANIZER}\r\nUID:{uid}\r\n"
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={answer};CN={name};X-NUM-GUESTS=0:\r\n"
        f" mailto:{attendee}\r\n"
        f"CREATED:{_z(SENT)}\r\nDESCRIPTION:\r\nLAST-MODIFIED:{_z(SENT)}\r\nLOCATION:Stadhuis\r\n"
        f"SEQUENCE:{sequence}\r\nSTATUS:CONFIRMED\r\nSUMMARY:Mentorgesprek\r\nTRANSP:OPAQUE\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message = EmailMessage()
    subject = f"{WORDS[answer]}: Mentorgesprek @ Thu 10 Dec 2026 11am - 12pm (CET) ({ORGANIZER})"
    _head(message, attendee, name, subject, f"google-{uid}-{answer}")
    message.set_content(f"{name} has {WORDS[answer].lower()} this invitation.\n")
    message.add_alternative(f"<p>{name} has {WORDS[answer].lower()} this invitation.</p>", subtype="html")
    message.add_alternative(
        calendar.encode(),
        "text",
        "calendar",
        params={"method": "REPLY", "charset": "UTF-8"},
        cte="quoted-printable",
    )
    message.make_mixed()
    message.add_attachment(calendar.encode(), "application", "ics", filename="invite.ics", cte="base64")
    return message.as_bytes()


def apple(
    uid: str,
    attendee: str,
    name: str,
    answer: str,
    start: dt.datetime,
    *,
    sequence: int = 0,
    occurrence: dt.datetime | None = None,
) -> bytes:
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 14.1//EN\r\nMETHOD:REPLY\r\n"
        "CALSCALE:GREGORIAN\r\nBEGIN:VEVENT\r\n"
        f'ATTENDEE;CN="{name}";CUTYPE=INDIVIDUAL;EMAIL="{attendee}";PARTSTAT={answer};\r\n'
        f" ROLE=REQ-PARTICIPANT:mailto:{attendee}\r\n"
        f"DTEND:{_z(start + dt.timedelta(hours=1))}\r\nDTSTAMP:{_z(SENT)}\r\nDTSTART:{_z(start)}\r\n"
        f'ORGANIZER;CN="meeloop";EMAIL="{ORGANIZER}":mailto:{ORGANIZER}\r\n'
        + (f"RECURRENCE-ID:{_z(occurrence)}\r\n" if occurrence else "")
        + f"REQUEST-STATUS:2.0;Success\r\nSEQUENCE:{sequence}\r\nSUMMARY:Mentorgesprek\r\nUID:{uid}\r\n"
        "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\nX-CALENDARSERVER-ACCESS:PUBLIC\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message = EmailMessage()
    _head(message, attendee, name, f"{WORDS[answer]}: Mentorgesprek", f"apple-{uid}-{answer}")
    message["Mime-Version"] = "1.0 (Mac OS X Mail 16.0 \\(3774.200.91.1.1\\))"
    message.set_content("\n", cte="7bit")
    message.add_attachment(
        calendar.encode(),
        "text",
        "calendar",
        filename="iCal-20261203-093000.ics",
        params={"method": "REPLY", "charset": "utf-8"},
        cte="quoted-printable",
    )
    return message.as_bytes()


def plain_mail(sender: str, subject: str, text: str) -> bytes:
    """An ordinary message in the organiser's mailbox: an out-of-office, a question."""
    message = EmailMessage()
    _head(message, sender, sender, subject, f"plain-{subject}")
    message.set_content(text)
    return message.as_bytes()


def broken_calendar(uid: str, attendee: str) -> bytes:
    """A REPLY whose calendar part is cut off in the middle of a property."""
    message = EmailMessage()
    _head(message, attendee, attendee, "Accepted: Mentorgesprek", f"broken-{uid}")
    text = f"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nATTENDEE;PARTSTAT=ACC"
    message.set_content(text.encode(), "text", "calendar", params={"method": "REPLY"})
    return message.as_bytes()


def with_header(raw: bytes, name: str, value: str) -> bytes:
    """The message with the header ``name`` (any it had taken out) as its first line, as written:
    a mail server adds its own headers on top, and a sender can write anything."""
    found = re.search(rb"\r?\n\r?\n", raw)
    assert found is not None
    head, body = raw[: found.start()], raw[found.start() :]
    newline = b"\r\n" if head.count(b"\r\n") else b"\n"
    fields = re.split(rb"\r?\n(?![ \t])", head)
    kept = [f for f in fields if not f.lower().startswith(name.lower().encode() + b":")]
    return newline.join([f"{name}: {value}".encode(), *kept]) + body


def oversized(sender: str, size: int) -> bytes:
    """An ordinary message with an attachment that makes it ``size`` bytes or more."""
    message = EmailMessage()
    _head(message, sender, sender, "Photos", "oversized")
    message.set_content("The photos of the outing.\n")
    message.add_attachment(b"\0" * size, "application", "octet-stream", filename="photos.zip")
    return message.as_bytes()
