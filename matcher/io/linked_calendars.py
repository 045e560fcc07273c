"""Reading a linked calendar: a published iCalendar address, or a CalDAV calendar (RFC 4791).

Only the reading: what the peer sent, as iCalendar texts, or a :class:`PeerError` whose message
says in words what went wrong (the address does not answer, the server refused the password, the
answer is no calendar). What counts as busy is read from those texts by
:func:`matcher.domain.availability.read_busy`; nothing here stores anything.

A published address is read with a conditional GET (``If-None-Match`` with the ETag of the last
read), so an unchanged calendar costs the peer a 304 and meeloop no parsing. Every read has a time
limit per step and one for the whole read, a limit on redirects and the calendar upload's size
limit, also while the answer streams in (an answer that says it is larger is refused unread).

The peer's address is the employee's to choose, so meeloop guards against being made to knock on
its own or an internal network's services: the host is looked up and refused when any of its
addresses is not public (also an IPv6 address that carries an internal IPv4 address, 6to4 and
NAT64), a published address's every redirect is looked up again, and a CalDAV server is not
followed anywhere it redirects to (its client cannot look the next host up first). The address is
looked up again when connecting, so a host whose name is made to point elsewhere in between (DNS
rebinding) is not caught here: run meeloop behind an egress proxy for that.

The full address of a published calendar is a secret (whoever has it reads the calendar): the
HTTP clients' own request logs, which name it, are kept to warnings.

A CalDAV password is kept encrypted (:class:`SecretBox`, Fernet from ``cryptography``) with a key
from the settings; without a key meeloop refuses to keep one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import niquests
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error
from cryptography.fernet import Fernet, InvalidToken

from matcher.domain.availability import MAX_FILE_BYTES
from matcher.domain.phrases import phrase

# Their INFO lines name each request's full address, which for a published calendar is its secret.
for _name in ("httpx", "httpcore", "niquests", "urllib3", "urllib3_future"):
    logging.getLogger(_name).setLevel(logging.WARNING)

#: The two kinds of link: a published iCalendar address, and a CalDAV calendar with an account.
ICS_URL = "ics-url"
CALDAV = "caldav"
KINDS = (ICS_URL, CALDAV)


class PeerError(Exception):
    """The peer could not be read; ``message`` (a phrase) says why, for the person who linked it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How long one read may take (seconds, per step and in all), how many redirects it follows
    and how many bytes it accepts."""

    timeout: float = 20.0
    #: A peer that sends a little just within each step's time would otherwise keep a read going.
    total: float = 60.0
    redirects: int = 5
    max_bytes: int = MAX_FILE_BYTES
    #: Whether addresses on this machine or the internal network may be read. Off, an employee
    #: cannot make meeloop knock on internal services (the answer would tell them what is there).
    private_ok: bool = False


@dataclass(frozen=True)
class Fetched:
    """What a read gave: the calendar texts (empty for an unchanged published calendar, with
    ``unchanged`` set) and the ETag to send next time."""

    texts: tuple[bytes, ...]
    etag: str = ""
    unchanged: bool = False


def check_address(url: str) -> str | None:
    """Why ``url`` cannot be a calendar address (a phrase), or None. ``webcal://`` is the published
    calendar's own scheme for ``https://``."""
    parsed = httpx.URL(url) if _parsable(url) else None
    if parsed is None or parsed.scheme not in ("http", "https", "webcal") or not parsed.host:
        return phrase("give an address that starts with https:// (or http:// or webcal://)")
    return None


def _parsable(url: str) -> bool:
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return True


def _check_host(url: str, limits: Limits) -> None:
    """Refuse an address whose host is this machine or on an internal network, unless allowed."""
    if limits.private_ok:
        return
    host = httpx.URL(url).host
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise PeerError(phrase("the address cannot be reached; is it right, and is the server up?")) from None
    for *_, address in found:
        if _internal(ipaddress.ip_address(address[0])):
            raise PeerError(phrase("meeloop does not read calendars on its own or an internal network"))


#: NAT64 prefixes (RFC 6052, RFC 8215): the last 32 bits are the IPv4 address reached.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``ip`` reaches this machine or an internal network, also through an IPv6 address
    that carries an IPv4 one (6to4, NAT64, IPv4-mapped), which ``is_global`` counts as public."""
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.sixtofour or ip.ipv4_mapped
        if carried is None and any(ip in net for net in _NAT64):
            carried = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if carried is not None and not carried.is_global:
            return True
    return not ip.is_global


def without_secret(text: str, url: str) -> str:
    """``text`` (an error's trace) with the address's path and query, its secret, left out."""
    if not url or not _parsable(url):
        return text
    parsed = httpx.URL(_http_address(url))
    for secret in (url, str(parsed), parsed.raw_path.decode("ascii", "replace")):
        if len(secret) > 1:
            text = text.replace(secret, parsed.host + "/…" if "://" in secret else "/…")
    return text


def host_of(url: str) -> str:
    """The address's host, to name it in a problem without the rest (which may hold a secret)."""
    return httpx.URL(_http_address(url)).host if _parsable(url) else ""


def _http_address(url: str) -> str:
    return "https://" + url.removeprefix("webcal://") if url.startswith("webcal://") else url


# -- a published calendar ---------------------------------------------------------------------------


def fetch_ics(url: str, *, etag: str = "", limits: Limits = Limits()) -> Fetched:
    """The calendar at a published address, or ``unchanged`` when its ETag is still ``etag``."""
    url = _http_address(url)
    deadline = time.monotonic() + limits.total
    _check_host(url, limits)
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with (
            httpx.Client(
                timeout=limits.timeout,
                follow_redirects=True,
                max_redirects=limits.redirects,
                event_hooks={"request": [lambda request: _check_host(str(request.url), limits)]},
            ) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return Fetched((), etag, unchanged=True)
            _check_status(response.status_code)
            body = _read_capped(response.headers, response.iter_bytes(), limits, deadline)
            return Fetched((body,), response.headers.get("ETag", ""))
    except httpx.TooManyRedirects:
        raise PeerError(
            phrase(
                "the address sends on more than {n} times; give the calendar's own address",
                n=limits.redirects,
            )
        ) from None
    except httpx.TimeoutException:
        raise PeerError(
            phrase("the address did not answer within {s} seconds", s=round(limits.timeout))
        ) from None
    except httpx.HTTPError:
        raise PeerError(phrase("the address cannot be reached; is it right, and is the server up?")) from None


def _check_status(status: int) -> None:
    if status in (401, 403):
        raise PeerError(phrase("the address asks for a login; give the calendar's public (secret) address"))
    if status == 404 or status == 410:
        raise PeerError(phrase("there is no calendar at this address (any more)"))
    if status >= 400:
        raise PeerError(phrase("the calendar server answered with error {status}", status=status))


def _read_capped(
    headers: Mapping[str, str], chunks: Iterable[bytes], limits: Limits, deadline: float
) -> bytes:
    """The answer's body, read while it stays within the size limit and the read's deadline; an
    answer that says beforehand that it is larger is not read at all."""
    length = headers.get("Content-Length", "")
    if length.strip().isdigit() and int(length) > limits.max_bytes:
        raise _too_large(limits)
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > limits.max_bytes:
            raise _too_large(limits)
        if time.monotonic() > deadline:
            raise PeerError(phrase("the address did not answer within {s} seconds", s=round(limits.total)))
    return bytes(data)


def _too_large(limits: Limits) -> PeerError:
    return PeerError(phrase("the calendar is larger than {mib} MiB", mib=limits.max_bytes // 2**20))


# -- a CalDAV calendar ------------------------------------------------------------------------------


def fetch_caldav(
    url: str,
    username: str,
    password: str,
    window: tuple[dt.datetime, dt.datetime],
    *,
    limits: Limits = Limits(),
) -> Fetched:
    """The events of the CalDAV calendar at ``url`` that meet ``window`` (a calendar-query REPORT
    with a time range), each as its iCalendar text; repeating events come whole, to be expanded
    by the reader."""
    _check_host(url, limits)
    with _dav_errors(limits), _client(url, username, password, limits) as client:
        calendar = client.calendar(url=url)
        found = calendar.search(start=window[0], end=window[1], event=True, expand=False)
        texts = tuple(_text(item.data) for item in found)
    if sum(len(t) for t in texts) > limits.max_bytes:
        raise _too_large(limits)
    return Fetched(texts)


def put_events(
    url: str, username: str, password: str, items: Sequence[tuple[str, bytes]], *, limits: Limits = Limits()
) -> None:
    """Put each ``(uid, iCalendar text)`` into the CalDAV calendar at ``url``: a PUT of one object
    resource per UID, named by the UID's hash, so that putting it again replaces it."""
    _check_host(url, limits)
    base = url if url.endswith("/") else url + "/"
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    with _dav_errors(limits), _client(url, username, password, limits) as client:
        for uid, text in items:
            name = hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32] + ".ics"
            response = client.put(base + name, text.decode("utf-8"), headers)
            if response.status not in (200, 201, 204):
                raise PeerError(
                    phrase("the calendar server answered with error {status}", status=response.status)
                )


@contextmanager
def _dav_errors(limits: Limits) -> Iterator[None]:
    """What the CalDAV client raises, as a PeerError that says it in words."""
    try:
        yield
    except dav_error.AuthorizationError:
        raise PeerError(phrase("the calendar server did not accept the user name or password")) from None
    except dav_error.NotFoundError:
        raise PeerError(phrase("there is no calendar at this address (any more)")) from None
    except niquests.exceptions.TooManyRedirects:
        raise PeerError(
            phrase("the CalDAV server answered with a redirect; link the address it redirects to")
        ) from None
    except niquests.exceptions.Timeout:
        raise PeerError(
            phrase("the address did not answer within {s} seconds", s=round(limits.timeout))
        ) from None
    except (niquests.exceptions.RequestException, OSError):
        raise PeerError(phrase("the address cannot be reached; is it right, and is the server up?")) from None
    except dav_error.DAVError as failure:
        raise PeerError(_dav_failure(failure)) from None


def _client(url: str, username: str, password: str, limits: Limits) -> DAVClient:
    # The address is the calendar's own: no discovery (RFC 6764), which would look elsewhere.
    client = DAVClient(
        url=url,
        username=username or None,
        password=password or None,
        timeout=round(limits.timeout),
        enable_rfc6764=False,
    )
    # A redirect could lead to an internal address that was never checked: none is followed.
    client.session.max_redirects = 0
    deadline = time.monotonic() + limits.total

    def read_capped(
        response: niquests.PreparedRequest | niquests.Response, **_: object
    ) -> niquests.PreparedRequest | niquests.Response:
        # The hook runs before the client reads the body, which it would read whole into memory.
        if not isinstance(response, niquests.Response):
            return response
        try:
            response._content = _read_capped(response.headers, response.iter_content(2**16), limits, deadline)
        except PeerError:
            response.close()
            raise
        return response

    client.session.hooks["response"].append(read_capped)
    return client


def _dav_failure(failure: dav_error.DAVError) -> str:
    status = getattr(failure, "status", None) or getattr(failure, "reason", None)
    if status:
        return phrase("the calendar server answered with error {status}", status=status)
    return phrase("the calendar server gave an answer that is not CalDAV")


def _text(data: str | bytes | None) -> bytes:
    if data is None:
        return b""
    return data.encode("utf-8") if isinstance(data, str) else data


# -- meeloop's own events ---------------------------------------------------------------------------

#: The UID of every event meeloop makes (:func:`matcher.io.ics.uid`).
OWN_UID = "meeloop-event-"
_UID_LINE = re.compile(rb"^UID[;:][^\r\n]*" + re.escape(OWN_UID.encode()), re.MULTILINE | re.IGNORECASE)


def is_own_event(text: bytes) -> bool:
    """Whether a CalDAV object is one of meeloop's own events (put there by meeloop, or an invite
    the person accepted): meeloop counts those from its own records, not from the calendar."""
    return bool(_UID_LINE.search(text))


# -- the CalDAV password ----------------------------------------------------------------------------


class SecretBox:
    """Encrypts the CalDAV password with the key of ``MEELOOP_CALENDAR_KEY`` (a Fernet key)."""

    def __init__(self, key: str) -> None:
        self.fernet = Fernet(key.encode("ascii"))

    @staticmethod
    def check_key(key: str) -> str | None:
        """Why ``key`` is not a usable key (a phrase), or None."""
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return phrase("is not a Fernet key (32 bytes in URL-safe base64)")
        return None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def seal(self, secret: str) -> str:
        return self.fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The password; PeerError when it was sealed with another key (the key was changed)."""
        try:
            return self.fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise PeerError(
                phrase("the stored password cannot be read with the current key; link the calendar again")
            ) from None
