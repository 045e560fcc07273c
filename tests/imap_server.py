"""A real IMAP server for the tests of the replies to invites: Debian's ``dovecot``, started on a free
port with a configuration of its own in a temporary folder (one user from a password file, mail in a
Maildir there, on loopback only: plain IMAP with STARTTLS, and IMAPS, with a certificate made for the
session), stopped when the test session ends. Nothing outside
that folder is read or changed."""

from __future__ import annotations

import datetime as dt
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT_HINT = "the IMAP tests need a server: install Debian's 'dovecot-imapd' package (bash .ci/run does)"
STARTUP = 30.0
USER, PASSWORD = "organiser", "imap-test-secret"

CONFIG = """\
base_dir = {work}/run
state_dir = {work}/state
log_path = {work}/log
info_log_path = {work}/log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{work}/cert.pem
ssl_key = <{work}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {work}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={work}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class ImapServer:
    """The running server: where it listens (plain with STARTTLS, and TLS from the start), the
    certificate it shows (made for this session, for 127.0.0.1) and its one account."""

    port: int
    tls_port: int = 0
    certificate: str = ""
    user: str = USER
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    @property
    def starttls_url(self) -> str:
        return f"imap+starttls://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    @property
    def tls_url(self) -> str:
        return f"imaps://{self.user}:{self.password}@127.0.0.1:{self.tls_port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, message: bytes, folder: str = "INBOX") -> None:
        """Deliver a message into the mailbox, unread, as a mail server would."""
        client = self.connect()
        try:
            status, answer = client.append(folder, None, None, message)
            assert status == "OK", answer
        finally:
            client.logout()

    def empty(self, folder: str = "INBOX") -> None:
        client = self.connect()
        try:
            client.select(folder)
            status, found = client.uid("SEARCH", "ALL")
            uids = found[0].decode().split() if status == "OK" and found[0] else []
            if uids:
                client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()
        finally:
            client.logout()

    def unseen(self, folder: str = "INBOX") -> int:
        client = self.connect()
        try:
            client.select(folder, readonly=True)
            _, found = client.uid("SEARCH", "UNSEEN")
            return len(found[0].split()) if found[0] else 0
        finally:
            client.logout()


def _certificate(work: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 and its key, for this session only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (work / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (work / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return work / "cert.pem"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dovecot() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None)


def _mail_owner() -> tuple[int, int]:
    # dovecot refuses to keep mail as root: as root the mail belongs to 'nobody'.
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


def _service_users() -> tuple[str, str]:
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me
    return "dovenull", "dovecot"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            return s.recv(64).startswith(b"* OK")
    except OSError:
        return False


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """A throwaway dovecot for this test session, with the organiser's mailbox."""
    binary = _dovecot()
    if binary is None:
        pytest.fail(DOVECOT_HINT)
    work = Path(tempfile.mkdtemp(prefix="meeloop-imap-"))
    work.chmod(0o755)  # the mail's owner must reach its Maildir
    for folder in ("run", "state", "mail"):
        (work / folder).mkdir()
    uid, gid = _mail_owner()
    os.chown(work / "mail", uid, gid)
    (work / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    login_user, internal_user = _service_users()
    port, tls_port = _free_port(), _free_port()
    certificate = _certificate(work)
    config = work / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            work=work,
            port=port,
            tls_port=tls_port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    log = work / "log"
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace") if log.exists() else ""
                pytest.fail(f"dovecot did not start: {text}")
            time.sleep(0.05)
        yield ImapServer(port, tls_port, str(certificate))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server: ImapServer) -> ImapServer:
    """The test server with an empty inbox: nothing left from another test."""
    imap_server.empty()
    return imap_server
