"""A real SMTP server on loopback (aiosmtpd) that keeps every message it is sent."""

from __future__ import annotations

import email
import email.message
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbag:
    """An SMTP handler that keeps every message; ``fail_from`` makes it answer 421 from then on, and
    the mailboxes in ``refuse`` are refused for good (550)."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.fail_from: int | None = None
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_from is not None and len(self.received) >= self.fail_from:
                return "421 4.3.0 try again later"
            self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbag, int]]:
    """A server on 127.0.0.1 for the length of the block: its mailbag and its port."""
    bag, port = Mailbag(), free_port()
    controller = Controller(bag, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield bag, port
    finally:
        controller.stop()
