"""Invites by e-mail, sent to a real SMTP server (aiosmtpd) on 127.0.0.1 and read back with the
standard library's parser and icalendar. TLS uses a throwaway self-signed certificate made with the
``openssl`` command."""

from __future__ import annotations

import email
import email.policy
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from icalendar import Calendar, Event

from matcher.domain.problems import InvalidInput
from matcher.io.mail import DeliveryError, Letter, Postman, SmtpSettings, build_message
from tests.mailtools import free_port

PROGRAMME = "mentoring@meeloop.test"
EVA = "eva@meeloop.test"
LOGIN, PASSWORD = "mentoring", "correct horse battery"


def invite_calendar(method: str = "REQUEST") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//meeloop//tests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", "round-3-pair-7@meeloop.test")
    event.add("dtstamp", datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    event.add("dtstart", datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    event.add("dtend", datetime(2025, 3, 10, 13, 0, tzinfo=UTC))
    event.add("summary", "Schaduwdag: Eva Öztürk bij Jan de Vries")
    # Long enough to be folded, so the continuation lines must survive too.
    event.add("description", "Je loopt een dag mee met het team dat de dienstregeling maakt. " * 4)
    event.add("organizer", f"mailto:{PROGRAMME}")
    event.add("attendee", f"mailto:{EVA}", parameters={"CN": "Eva Öztürk", "RSVP": "TRUE"})
    calendar.add_component(event)
    return calendar.to_ical()


def make_letter(to: str = EVA, name: str = "Eva Öztürk", method: str = "REQUEST", number: int = 1) -> Letter:
    return Letter(
        to_email=to,
        to_name=name,
        subject="Uitnodiging: schaduwdag op 10 maart",
        text="Hallo Eva,\n\nJe schaduwdag staat in de agenda. Tot dan!\n",
        calendar=invite_calendar(method),
        method=method,
        message_id=f"<outbox-{number}@meeloop.test>",
    )


@dataclass
class Received:
    sender: str
    recipients: list[str]
    content: bytes
    authenticated: bool
    tls: bool

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class Mailbag:
    """An aiosmtpd handler that keeps every envelope and refuses the recipients it is told to."""

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self.refuse = set(refuse)
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.content,
                bool(session.authenticated),
                server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    right = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == LOGIN.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=right, handled=False, auth_data=auth_data)


@dataclass
class Server:
    port: int
    mailbag: Mailbag

    def settings(self, **changes) -> SmtpSettings:
        values = {"host": "127.0.0.1", "sender": PROGRAMME, "port": self.port, "security": "none"}
        return SmtpSettings(**{**values, "timeout": 5.0, **changes})


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Starts aiosmtpd servers on free ports; ``options`` go to aiosmtpd's SMTP class."""
    controllers: list[Controller] = []

    def start(mailbag: Mailbag | None = None, **options) -> Server:
        server = Server(free_port(), mailbag or Mailbag())
        controller = Controller(
            server.mailbag, hostname="127.0.0.1", port=server.port, server_hostname="localhost", **options
        )
        controller.start()
        controllers.append(controller)
        return server

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def server(start_server) -> Server:
    return start_server()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate for localhost and 127.0.0.1; the key sits next to it as key.pem."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the TLS tests need the openssl command (Debian package 'openssl')")
    folder = tmp_path_factory.mktemp("tls")
    command = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost"]
    command += ["-days", "1", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    command += ["-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")]
    subprocess.run(command, check=True, capture_output=True)
    return folder / "cert.pem"


@pytest.fixture
def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, certificate.parent / "key.pem")
    return context


@pytest.fixture
def trusting(certificate) -> ssl.SSLContext:
    """A client context that trusts the test certificate and nothing else."""
    return ssl.create_default_context(cafile=str(certificate))


def parts_of(message: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_content_type(): part for part in message.walk()}


# Sending


def test_a_request_arrives_with_the_programme_as_envelope_sender(server):
    with Postman(server.settings()) as postman:
        postman.send(make_letter())

    [received] = server.mailbag.received
    assert received.sender == PROGRAMME
    assert received.recipients == [EVA]
    message = received.message()
    assert message["Message-ID"] == "<outbox-1@meeloop.test>"
    assert message["Subject"] == "Uitnodiging: schaduwdag op 10 maart"
    assert message["From"].addresses[0].addr_spec == PROGRAMME
    assert message["From"].addresses[0].display_name == "meeloop"


def test_the_message_is_mixed_with_text_and_calendar_alternatives_and_an_attachment(server):
    with Postman(server.settings()) as postman:
        postman.send(make_letter())

    message = server.mailbag.received[0].message()
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/calendar"]
    assert attachment.get_content_type() == "application/ics"
    text = parts_of(message)["text/plain"]
    assert text.get_content_charset() == "utf-8"
    assert text.get_content().replace("\r\n", "\n") == make_letter().text


def test_the_calendar_arrives_byte_for_byte_in_both_parts(server):
    original = invite_calendar()
    assert b"\r\n " in original  # folded lines, CRLF endings: both must survive

    with Postman(server.settings()) as postman:
        postman.send(make_letter())

    parts = parts_of(server.mailbag.received[0].message())
    calendar, attachment = parts["text/calendar"], parts["application/ics"]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert attachment.is_attachment()
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    for part in (calendar, attachment):
        payload = part.get_payload(decode=True)
        assert payload == original
        assert Calendar.from_ical(payload) == Calendar.from_ical(original)
        assert str(Calendar.from_ical(payload).walk("VEVENT")[0]["SUMMARY"]) == (
            "Schaduwdag: Eva Öztürk bij Jan de Vries"
        )


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "PUBLISH"])
def test_the_calendar_part_states_the_letters_method(method):
    settings = SmtpSettings(host="localhost", sender=PROGRAMME)
    message = build_message(make_letter(method=method), settings)

    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parts_of(parsed)["text/calendar"].get_param("method") == method


def test_a_non_ascii_name_is_encoded_and_the_message_is_seven_bit(server):
    with Postman(server.settings(sender_name="Mentorprogramma Café")) as postman:
        postman.send(make_letter())

    received = server.mailbag.received[0]
    assert received.content.isascii()
    headers = received.content.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in headers
    message = received.message()
    assert message["To"].addresses[0].display_name == "Eva Öztürk"
    assert message["To"].addresses[0].addr_spec == EVA
    assert message["From"].addresses[0].display_name == "Mentorprogramma Café"


def test_the_date_is_the_given_moment():
    now = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    message = build_message(make_letter(), SmtpSettings(host="localhost", sender=PROGRAMME), now=now)

    assert message["Date"].datetime == now


def test_several_letters_travel_over_one_connection(server):
    with Postman(server.settings()) as postman:
        postman.send(make_letter(number=1))
        postman.send(make_letter("jan@meeloop.test", "Jan de Vries", number=2))

    assert [r.recipients for r in server.mailbag.received] == [[EVA], ["jan@meeloop.test"]]
    assert [r.message()["Message-ID"] for r in server.mailbag.received] == [
        "<outbox-1@meeloop.test>",
        "<outbox-2@meeloop.test>",
    ]


# Logging in and TLS


def test_login_with_the_right_password(start_server):
    server = start_server(authenticator=authenticator, auth_require_tls=False)

    with Postman(server.settings(username=LOGIN, password=PASSWORD)) as postman:
        postman.send(make_letter())

    assert server.mailbag.received[0].authenticated


def test_a_wrong_password_is_a_delivery_error_that_keeps_the_password_out(start_server):
    server = start_server(authenticator=authenticator, auth_require_tls=False)
    settings = server.settings(username=LOGIN, password="wrong horse")

    with pytest.raises(DeliveryError) as caught, Postman(settings):
        pass

    message = str(caught.value)
    assert f"127.0.0.1:{server.port}" in message
    assert f"login as '{LOGIN}'" in message
    assert "535" in message
    assert "wrong horse" not in message
    assert "wrong horse" not in repr(settings)
    assert caught.value.permanent


def test_starttls_with_a_trusted_certificate_then_login(start_server, server_tls, trusting):
    # require_starttls: the server refuses mail before TLS; auth_require_tls (the default) the login.
    server = start_server(tls_context=server_tls, require_starttls=True, authenticator=authenticator)
    settings = server.settings(security="starttls", username=LOGIN, password=PASSWORD)

    with Postman(settings, ssl_context=trusting) as postman:
        postman.send(make_letter())

    [received] = server.mailbag.received
    assert received.tls
    assert received.authenticated


def test_starttls_refuses_an_untrusted_certificate(start_server, server_tls):
    server = start_server(tls_context=server_tls, require_starttls=True)

    with pytest.raises(DeliveryError) as caught, Postman(server.settings(security="starttls")):
        pass

    assert f"127.0.0.1:{server.port}: STARTTLS failed" in str(caught.value)
    assert "not trusted" in str(caught.value)
    assert server.mailbag.received == []


def test_starttls_against_a_server_without_tls_is_a_delivery_error(server, trusting):
    with (
        pytest.raises(DeliveryError, match="STARTTLS failed"),
        Postman(server.settings(security="starttls"), ssl_context=trusting),
    ):
        pass


def test_tls_from_the_first_byte(start_server, server_tls, trusting):
    server = start_server(ssl_context=server_tls)

    with Postman(server.settings(security="ssl"), ssl_context=trusting) as postman:
        postman.send(make_letter())

    assert server.mailbag.received[0].tls


# Failures


def test_a_closed_port_is_a_delivery_error_naming_host_and_port():
    port = free_port()
    settings = SmtpSettings(host="127.0.0.1", sender=PROGRAMME, port=port, security="none", timeout=5.0)

    with pytest.raises(DeliveryError) as caught, Postman(settings):
        pass

    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "cannot connect" in str(caught.value)


def test_a_refused_recipient_is_named_and_the_next_letter_still_goes(start_server):
    server = start_server(Mailbag(refuse={"gone@meeloop.test"}))

    with Postman(server.settings()) as postman:
        with pytest.raises(DeliveryError) as caught:
            postman.send(make_letter("gone@meeloop.test", "Vertrokken Collega", number=1))
        postman.send(make_letter(number=2))

    assert "gone@meeloop.test" in str(caught.value)
    assert "550 5.1.1 No such mailbox here" in str(caught.value)
    assert caught.value.recipient == "gone@meeloop.test"
    assert caught.value.permanent
    assert [r.recipients for r in server.mailbag.received] == [[EVA]]


def test_a_postman_sends_only_inside_its_with_block(server):
    with pytest.raises(RuntimeError):
        Postman(server.settings()).send(make_letter())


def test_a_letter_whose_calendar_states_another_method_is_refused():
    with pytest.raises(ValueError, match="METHOD:REQUEST"):
        Letter(
            EVA, "Eva", "Afgezegd", "Helaas.", invite_calendar("REQUEST"), "CANCEL", "<outbox-9@meeloop.test>"
        )


# Settings from the environment

GOOD = {"MEELOOP_SMTP_HOST": "smtp.example.org", "MEELOOP_SMTP_FROM": "mentoring@example.org"}


def test_no_host_means_no_e_mail():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"MEELOOP_SMTP_HOST": "  ", "MEELOOP_SMTP_PORT": "nonsense"}) is None


def test_settings_are_read_from_the_environment():
    environ = {
        **GOOD,
        "MEELOOP_SMTP_PORT": "2525",
        "MEELOOP_SMTP_SECURITY": "SSL",
        "MEELOOP_SMTP_USER": "mentoring",
        "MEELOOP_SMTP_PASSWORD": "s3cret",
        "MEELOOP_SMTP_FROM_NAME": "Mentorprogramma",
    }

    settings = SmtpSettings.from_env(environ)

    assert settings == SmtpSettings(
        host="smtp.example.org",
        sender="mentoring@example.org",
        port=2525,
        security="ssl",
        username="mentoring",
        password="s3cret",
        sender_name="Mentorprogramma",
    )
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25), ("", 587)])
def test_the_default_port_follows_the_security(security, port):
    settings = SmtpSettings.from_env({**GOOD, "MEELOOP_SMTP_SECURITY": security})

    assert settings is not None
    assert settings.port == port
    assert settings.username is None
    assert settings.sender_name == "meeloop"


@pytest.mark.parametrize(
    ("changes", "variable", "why"),
    [
        ({"MEELOOP_SMTP_PORT": "smtp"}, "MEELOOP_SMTP_PORT", "not a number"),
        ({"MEELOOP_SMTP_PORT": "-1"}, "MEELOOP_SMTP_PORT", "outside 1-65535"),
        ({"MEELOOP_SMTP_PORT": "0"}, "MEELOOP_SMTP_PORT", "outside 1-65535"),
        ({"MEELOOP_SMTP_PORT": "70000"}, "MEELOOP_SMTP_PORT", "outside 1-65535"),
        ({"MEELOOP_SMTP_SECURITY": "tls"}, "MEELOOP_SMTP_SECURITY", "not one of starttls, ssl, none"),
        ({"MEELOOP_SMTP_USER": "mentoring"}, "MEELOOP_SMTP_USER", "MEELOOP_SMTP_PASSWORD is not"),
        ({"MEELOOP_SMTP_PASSWORD": "s3cret"}, "MEELOOP_SMTP_PASSWORD", "MEELOOP_SMTP_USER is not"),
        ({"MEELOOP_SMTP_FROM": ""}, "MEELOOP_SMTP_FROM", "is required"),
        ({"MEELOOP_SMTP_FROM": "mentoring"}, "MEELOOP_SMTP_FROM", "not an e-mail address"),
        ({"MEELOOP_SMTP_FROM": "Mentoring <m@example.org>"}, "MEELOOP_SMTP_FROM", "not an e-mail address"),
        ({"MEELOOP_SMTP_FROM_NAME": "meeloop\r\nBcc: x@y"}, "MEELOOP_SMTP_FROM_NAME", "control characters"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_variable(changes, variable, why):
    with pytest.raises(InvalidInput) as caught:
        SmtpSettings.from_env({**GOOD, **changes})

    [problem] = caught.value.problems
    assert problem.where.field == variable
    assert why in problem.message
    assert variable in caught.value.report()


def test_every_bad_setting_is_reported_at_once_without_the_password():
    environ = {
        "MEELOOP_SMTP_HOST": "smtp.example.org",
        "MEELOOP_SMTP_PORT": "many",
        "MEELOOP_SMTP_SECURITY": "maybe",
        "MEELOOP_SMTP_PASSWORD": "s3cret",
    }

    with pytest.raises(InvalidInput) as caught:
        SmtpSettings.from_env(environ)

    assert [p.where.field for p in caught.value.problems] == [
        "MEELOOP_SMTP_SECURITY",
        "MEELOOP_SMTP_PORT",
        "MEELOOP_SMTP_PASSWORD",
        "MEELOOP_SMTP_FROM",
    ]
    assert "s3cret" not in caught.value.report()
