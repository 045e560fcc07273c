"""iCalendar files for what meeloop scheduled (RFC 5545), with the iTIP methods of RFC 5546.

* ``PUBLISH`` (downloads and feeds): ORGANIZER and no ATTENDEE.
* ``REQUEST`` (e-mailed invites and their updates): ORGANIZER and an ATTENDEE per participant,
  ``PARTSTAT=NEEDS-ACTION`` and ``RSVP=TRUE``.
* ``CANCEL``: the same UID with a higher SEQUENCE and ``STATUS:CANCELLED``, to the people it
  no longer includes.

Every event has one UID for its whole life (its stored id and the configured domain) and the
SEQUENCE stored with it. A single event is written in UTC; a series keeps its wall-clock time
in its time zone, so it carries a TZID and a VTIMEZONE. DTSTAMP is the ``now`` passed in.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vRecur, vText

from matcher.domain.model import Person
from matcher.domain.phrases import Translator, say, term
from matcher.domain.problems import Location, Problems
from matcher.io import catalogs, invite_text
from matcher.io.mail import ENVIRONMENT, is_address, one_line
from matcher.io.vtimezone import vtimezone

if TYPE_CHECKING:
    from matcher.domain.schedule import ScheduledEvent

PRODID = "-//meeloop//invites 1.0//EN"
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


@dataclass(frozen=True)
class InviteSettings:
    """Who the invites come from and where they point.

    ``domain`` makes UIDs unique (``meeloop-event-12@example.org``); ``base_url`` is the web UI that
    invites link back to; ``reminder_minutes`` adds a reminder that long before (0: none);
    ``online_link`` is the meeting place when the people in an event work at different sites.
    """

    organizer: str = "meeloop@localhost"
    organizer_name: str = "meeloop"
    domain: str = "localhost"
    base_url: str = "http://localhost:5000"
    reminder_minutes: int = 15
    online_link: str = ""
    #: The organisation's language: what invites and e-mails speak to someone whose account has none.
    language: str = "nl"

    @property
    def plans_url(self) -> str:
        """The "My plans" page of the web UI, where each invite links to."""
        return f"{self.base_url}/me/plans"

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, served_at: str = "") -> InviteSettings:
        """Read ``MEELOOP_ORGANIZER`` (else ``MEELOOP_SMTP_FROM``), ``MEELOOP_ORGANIZER_NAME``,
        ``MEELOOP_DOMAIN`` (else the organizer's domain), ``MEELOOP_BASE_URL`` (else ``served_at``,
        the address the server was started on: see :func:`served_url`), ``MEELOOP_REMINDER_MINUTES``
        and ``MEELOOP_ONLINE_LINK``; bad values raise
        :class:`~matcher.domain.problems.InvalidInput` naming the variable.

        >>> InviteSettings.from_env({}, served_at="http://127.0.0.1:8080").plans_url
        'http://127.0.0.1:8080/me/plans'
        >>> InviteSettings.from_env({"MEELOOP_BASE_URL": "https://meeloop.example.org/"},
        ...                         served_at="http://127.0.0.1:8080").plans_url
        'https://meeloop.example.org/me/plans'
        """
        problems = Problems()

        def get(name: str) -> str:
            return environ.get(name, "").strip()

        organizer = get("MEELOOP_ORGANIZER") or get("MEELOOP_SMTP_FROM") or cls.organizer
        if not is_address(organizer):
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_ORGANIZER"), f"'{organizer}' is not an e-mail address"
            )
        domain = get("MEELOOP_DOMAIN") or organizer.rpartition("@")[2] or cls.domain
        if not domain or any(c in domain for c in "@/ "):
            problems.add(Location(ENVIRONMENT, field="MEELOOP_DOMAIN"), f"'{domain}' is not a domain name")
        base_url = (get("MEELOOP_BASE_URL") or served_at).rstrip("/") or cls.base_url
        if not base_url.startswith(("http://", "https://")):
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_BASE_URL"), f"'{base_url}' does not start with https://"
            )
        reminder = get("MEELOOP_REMINDER_MINUTES") or str(cls.reminder_minutes)
        if not reminder.isdigit() or int(reminder) > 7 * 24 * 60:
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_REMINDER_MINUTES"),
                f"'{reminder}' is not a number of minutes from 0 (no reminder) to 10080 (a week)",
            )
        online = get("MEELOOP_ONLINE_LINK")
        if online and not online.startswith(("http://", "https://")):
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_ONLINE_LINK"), f"'{online}' is not a web address"
            )
        problems.raise_if_any()
        return cls(
            organizer=organizer,
            organizer_name=get("MEELOOP_ORGANIZER_NAME") or cls.organizer_name,
            domain=domain,
            base_url=base_url,
            reminder_minutes=int(reminder),
            online_link=online,
            language=catalogs.language_of(get("MEELOOP_LANGUAGE") or cls.language),
        )


#: The variables :meth:`InviteSettings.from_env` reads: also configuration keys of the web app.
VARIABLES = (
    "MEELOOP_ORGANIZER",
    "MEELOOP_SMTP_FROM",
    "MEELOOP_ORGANIZER_NAME",
    "MEELOOP_DOMAIN",
    "MEELOOP_BASE_URL",
    "MEELOOP_REMINDER_MINUTES",
    "MEELOOP_ONLINE_LINK",
    "MEELOOP_LANGUAGE",
)
#: Hosts that mean "every address of this machine" to a server, and no address to a browser.
EVERY_ADDRESS = ("", "0.0.0.0", "::", "[::]")


def served_url(host: str, port: int) -> str:
    """The address of a server started on ``host`` and ``port``, as links to it are written. A
    server listening on every address is named by this machine's name.

    >>> served_url("127.0.0.1", 8080)
    'http://127.0.0.1:8080'
    >>> served_url("::1", 5000)
    'http://[::1]:5000'
    """
    if host in EVERY_ADDRESS:
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def uid(event: ScheduledEvent, settings: InviteSettings) -> str:
    return f"meeloop-event-{event.id}@{settings.domain}"


def participants(event: ScheduledEvent) -> dict[str, str]:
    """Person id -> role for everyone the event is for: its members, and for a lunch & learn
    session the colleagues who asked for the topic (optional attendees)."""
    found = {m: event.roles.get(m, "member") for m in event.members}
    for person_id in event.details.get("audience", ()):
        found.setdefault(person_id, "audience")
    return found


def location(
    event: ScheduledEvent,
    people: Mapping[str, Person],
    settings: InviteSettings,
    words: Translator | None = None,
) -> str:
    """The site when everyone works there (a shadowing slot: the host's), else the online link (else
    "online", in the reader's language)."""
    hosts = [m for m, role in event.roles.items() if role in ("host", "presenter")]
    sites = {people[m].site for m in (hosts or event.members) if m in people}
    if len(sites) == 1 and "" not in sites:
        return sites.pop()
    return settings.online_link or say(term("online"), words or catalogs.translator(settings.language))


def description(
    event: ScheduledEvent,
    people: Mapping[str, Person],
    settings: InviteSettings,
    person_id: str | None,
    words: Translator | None = None,
) -> str:
    """Why this was proposed, who is in it, what to prepare, and the way back to meeloop, in the
    reader's language (``words``; the organisation's language when not given)."""
    words = words or catalogs.translator(settings.language)
    return invite_text.description(event, people, settings, person_id, words, participants(event))


def vevent(
    event: ScheduledEvent,
    people: Mapping[str, Person],
    settings: InviteSettings,
    *,
    now: dt.datetime,
    method: str,
    person_id: str | None = None,
    attendees: Iterable[str] = (),
    words: Translator | None = None,
) -> Event:
    """The VEVENT for one scheduled event: as published, as an invite to ``attendees``, or as
    their cancellation. ``person_id`` is whom the file is for (their role decides the tip)."""
    cancelled = method == CANCEL or event.status == "cancelled"
    item = Event()
    item.add("uid", uid(event, settings))
    item.add("dtstamp", now.astimezone(dt.UTC))
    item.add("sequence", event.sequence)
    words = words or catalogs.translator(settings.language)
    item.add("summary", say(event.title, words))
    if event.rrule:
        zone = ZoneInfo(event.timezone)
        item.add("dtstart", event.start.astimezone(zone))
        item.add("dtend", event.end.astimezone(zone))
        item.add("rrule", vRecur.from_ical(event.rrule))
    else:
        item.add("dtstart", event.start.astimezone(dt.UTC))
        item.add("dtend", event.end.astimezone(dt.UTC))
    if event.updated is not None:
        item.add("last-modified", event.updated.astimezone(dt.UTC))
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    item.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    item.add("location", location(event, people, settings, words))
    item.add("description", description(event, people, settings, person_id, words))
    item.add("url", settings.plans_url)
    item.add("categories", [say(invite_text.kind_word(event), words)])
    item.add("organizer", _address(settings.organizer, settings.organizer_name))
    if method != PUBLISH:
        roles = participants(event)
        for attendee_id in attendees:
            person = people.get(attendee_id)
            if person is None:
                continue
            attendee = _address(person.email, person.name)
            attendee.params["CUTYPE"] = "INDIVIDUAL"
            attendee.params["ROLE"] = (
                "OPT-PARTICIPANT" if roles.get(attendee_id) == "audience" else "REQ-PARTICIPANT"
            )
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "FALSE" if method == CANCEL else "TRUE"
            item.add("attendee", attendee, encode=False)
    if settings.reminder_minutes and not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(say(event.title, words)))
        alarm.add("trigger", dt.timedelta(minutes=-settings.reminder_minutes))
        item.add_component(alarm)
    return item


def calendar(
    method: str,
    events: Sequence[ScheduledEvent],
    people: Mapping[str, Person],
    settings: InviteSettings,
    *,
    now: dt.datetime,
    person_id: str | None = None,
    attendees: Mapping[int | None, Sequence[str]] | None = None,
    name: str | None = None,
    words: Translator | None = None,
) -> Calendar:
    """A VCALENDAR holding ``events`` with this method, and a VTIMEZONE for each zone a series uses.

    ``attendees`` maps an event id to the people listed on it (REQUEST and CANCEL only).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", vText(one_line(name)))
    spans: dict[str, list[dt.datetime]] = {}
    for event in events:
        if event.rrule:
            times = event.times()
            spans.setdefault(event.timezone, []).extend([times[0].start, times[-1].end])
    for zone, moments in sorted(spans.items()):
        cal.add_component(vtimezone(zone, min(moments), max(moments)))
    for event in events:
        listed = (attendees or {}).get(event.id, ())
        cal.add_component(
            vevent(
                event,
                people,
                settings,
                now=now,
                method=method,
                person_id=person_id,
                attendees=listed,
                words=words,
            )
        )
    return cal


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(one_line(name))
    return address
