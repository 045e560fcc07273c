"""Reading the iTIP answer out of one e-mail, without a mailbox: what is not a usable reply says why."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from matcher.io.replies import NotAReply, authenticated, envelope, read_replies


def mail(calendar: str, *, kind: str = "calendar") -> bytes:
    message = EmailMessage()
    message["From"] = "anna@wadloo.example"
    message["Subject"] = "Re: invite"
    message.set_content(calendar.encode(), "text", kind, params={"method": "REPLY"})
    return message.as_bytes()


def calendar(method: str, event: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:{method}\r\n{event}END:VCALENDAR\r\n"


EVENT = (
    "BEGIN:VEVENT\r\nUID:meeloop-event-1@wadloo.example\r\nDTSTAMP:20261203T090000Z\r\n{more}END:VEVENT\r\n"
)
ANNA = "ATTENDEE;PARTSTAT={p}:mailto:anna@wadloo.example\r\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (calendar("REQUEST", EVENT.format(more=ANNA.format(p="ACCEPTED"))), "is a REQUEST, not a reply"),
        (calendar("REPLY", EVENT.format(more="")), "the reply names no attendee"),
        (calendar("REPLY", EVENT.format(more=ANNA.format(p="NEEDS-ACTION"))), "PARTSTAT is 'NEEDS-ACTION'"),
        (calendar("REPLY", ""), "the reply holds no event"),
        (
            calendar("REPLY", EVENT.format(more="ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1234\r\n")),
            "the attendee urn:uuid:1234 is not an e-mail address",
        ),
        (
            calendar("REPLY", EVENT.format(more=ANNA.format(p="ACCEPTED") + "SEQUENCE:two\r\n")),
            "the reply's SEQUENCE is not a number",
        ),
        (calendar("COUNTER", EVENT.format(more=ANNA.format(p="TENTATIVE"))), "has no start"),
        (
            calendar("REPLY", EVENT.format(more=ANNA.format(p="ACCEPTED") + "RECURRENCE-ID:PT1H\r\n")),
            "the reply's RECURRENCE-ID is not a date and time",
        ),
        (
            calendar("COUNTER", EVENT.format(more=ANNA.format(p="TENTATIVE") + "DTSTART:PT1H\r\n")),
            "the reply's DTSTART is not a date and time",
        ),
    ],
)
def test_a_reply_that_cannot_be_used_says_why(text: str, why: str) -> None:
    with pytest.raises(NotAReply) as refused:
        read_replies(mail(text))
    assert why in refused.value.message


def test_a_reply_says_who_answered_what_in_lower_case() -> None:
    (reply,) = read_replies(mail(calendar("REPLY", EVENT.format(more=ANNA.upper().format(P="DECLINED")))))
    assert (reply.uid, reply.attendee, reply.answer, reply.sequence) == (
        "meeloop-event-1@wadloo.example",
        "anna@wadloo.example",
        "DECLINED",
        0,
    )


@pytest.mark.parametrize("sender", ["a@[", "<a@[>", ""])
def test_a_from_that_cannot_be_parsed_gives_no_sender_rather_than_an_error(sender: str) -> None:
    raw = f"From: {sender}\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n\r\nHallo\r\n".encode()
    found = envelope(raw)
    assert found.subject == "Café"
    assert found.sender == ""


@pytest.mark.parametrize(
    ("headers", "passed"),
    [
        ("Authentication-Results: mx.example; dmarc=pass header.from=example.org\r\n", True),
        ("Authentication-Results: mx.example; spf=pass;\r\n DMARC = Pass header.from=example.org\r\n", True),
        ("Authentication-Results: mx.example; dmarc=fail header.from=example.org\r\n", False),
        ("Authentication-Results: mx.example; x-dmarc=pass\r\n", False),
        ("", False),
        (
            "Authentication-Results: mx.example; dmarc=none\r\n"
            "Authentication-Results: forged.example; dmarc=pass\r\n",
            False,
        ),
    ],
)
def test_only_the_topmost_authentication_results_with_dmarc_pass_counts(headers: str, passed: bool) -> None:
    assert authenticated(f"{headers}From: anna@example.org\r\n\r\nHallo\r\n".encode()) is passed
