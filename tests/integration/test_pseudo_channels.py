"""Everything the commands, e-mails and invites say comes through the catalog.

The commands run as real ``meeloop`` processes in the tests' pseudo-language (Dutch from catalogs in
which every entry is ``⟦áççéñtéd⟧`` English, see :mod:`tests.pseudo`), with stderr on a terminal so
that progress lines show as well. Each line they print, and the subject, text, SUMMARY, DESCRIPTION
and LOCATION of every invite and its e-mail, may hold only bracketed text, the organisation's own
words (names, ids, skills, sites, time zones, round and file names), CLDR's dates and punctuation.
A sentence written in English anywhere on the way fails here, whichever sentence it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.message
import os
import pty
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from matcher.domain.model import Organisation, Wish
from matcher.domain.schedule import ScheduledEvent
from matcher.engines import meetings
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import meeting_times, organisation, publishing, rounds, scheduling
from tests.clitools import MEELOOP
from tests.mailtools import smtp_server
from tests.optins import opt_in_at
from tests.orgs import mentoring_org
from tests.pseudo import CLOSE, OPEN, Untranslated, write_catalogs

PAIRS, GROUPS = "mentoraat najaar", "intervisie najaar"
SITES = {"Sociaal Domein": "Stadhuis", "Informatievoorziening": "Gemeentewerf", "Publiekszaken": "Stadhuis"}
ZONES = {"tom": "Europe/London", "umar": "America/New_York"}
BAD_CSV = (
    "id,name,email,department,wmo\n"
    "x1,Xander Stam,xander-at-wadloo,Sociaal Domein,7\n"
    "x1,Yara Stam,yara@wadloo.example,Sociaal Domein,2\n"
)
BAD_JSON = (
    '{"name": "Gemeente Wadloo", "people": [{"id": "zoe", "name": "Zoë Stam", "email": "zoe",'
    ' "mentor_capacity": -1}], "skills": "wmo"}'
)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    organizer_name="Mentoring Wadloo",
    domain="wadloo.example",
    base_url="https://meeloop.wadloo.example",
    language="nl",
)
ONLINE = "https://meet.wadloo.example/mentoraat"
#: A Monday two to three weeks ahead: the plans' first day.
FIRST = dt.date.today() + dt.timedelta(days=14 + (7 - dt.date.today().weekday()) % 7)


def org() -> Organisation:
    """Three mentors and five mentees (one always left out) at two sites and in three time zones;
    two presenters, three hosts, and more lunch topics than one presenter may give."""
    base = mentoring_org()
    people = tuple(
        dataclasses.replace(
            p,
            site=SITES[p.department],
            timezone=ZONES.get(p.id, p.timezone),
            function="beleidsadviseur" if p.mentor_capacity else "medewerker",
            team=f"team {p.department}",
            presenter=p.id in ("niels", "olga"),
            host_capacity={"marit": 2, "niels": 1, "olga": 2}.get(p.id, 0),
        )
        for p in base.people
    )
    return dataclasses.replace(base, people=people, wishes=(*base.wishes, Wish("umar", "archief", 2)))


def data_words(organisation: Organisation) -> list[str]:
    """What may stand outside the catalog: the organisation's own words, ours, and the bad files'
    names, fields and values."""
    words = [organisation.name, PAIRS, GROUPS, ONLINE, SETTINGS.organizer, SETTINGS.plans_url, "CP-SAT"]
    for p in organisation.people:
        words += [p.id, p.name, p.email, p.department, p.function, p.site, p.team, p.timezone]
    for s in organisation.skills:
        words += [s.id, s.name, s.category]
    words += ["org.json", "bad.csv", "bad.json", *BAD_CSV.splitlines()[0].split(",")]
    words += ["Xander Stam", "Yara Stam", "x1", "xander-at-wadloo", "yara@wadloo.example"]
    return [*words, "people", "zoe", "Zoë Stam", "mentor_capacity", "skills"]


UNTRANSLATED = Untranslated(data_words(org()))
#: A word the pseudo-language wrote: a letter it accents, and none it would have accented left plain.
CATALOG_WORD = re.compile(r"\w*[áéíóúýçñÁÉÍÓÚÝÇÑ]\w*")
PLAIN = re.compile(r"[aeiouycnAEIOUYCN]")


def escaped(text: str) -> str:
    """What of ``text`` came from outside the catalog: what stands outside its brackets, and the
    values inside them that are neither the organisation's words nor CLDR's (a sentence passed as a
    parameter is filled into a bracketed template, so the brackets alone would hide it)."""
    written = CATALOG_WORD.sub(lambda word: word[0] if PLAIN.search(word[0]) else " ", text)
    values = UNTRANSLATED(written.replace(OPEN, " ").replace(CLOSE, " "))
    # A word without a letter the pseudo-language accents ("s") may be the template's own.
    inside = " ".join(word for word in values.split() if PLAIN.search(word))
    return UNTRANSLATED(text) or inside


@dataclasses.dataclass(frozen=True)
class Said:
    """What one command printed: its exit status and its lines, stdout's then stderr's."""

    args: tuple[str, ...]
    status: int
    out: list[str]
    err: list[str]

    def escaped(self) -> list[tuple[str, str]]:
        """(line, its untranslated rest) for every line with text that escaped the catalog."""
        return [(line, rest) for line in self.out + self.err if (rest := escaped(line))]


def meeloop(*args: str, db: str, cwd: Path, catalogs: Path) -> Said:
    """``meeloop --lang nl ARGS`` in the pseudo-language, stdout piped and stderr on a terminal (so
    the progress lines show, as for a person at the keyboard)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MEELOOP_") and k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    }
    environment |= {"LANG": "C.UTF-8", "MEELOOP_CATALOGS": str(catalogs)}
    leader, follower = pty.openpty()
    err = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once the process and its children are gone
                return
            if not chunk:
                return
            err.extend(chunk)

    process = subprocess.Popen(
        [MEELOOP, "--db", db, "--lang", "nl", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=cwd,
        env=environment,
    )
    os.close(follower)
    reader = threading.Thread(target=drain)
    reader.start()
    try:
        out, _ = process.communicate(timeout=180)
    finally:
        reader.join(timeout=10)
        os.close(leader)
    said_err = err.decode("utf-8").replace("\r\n", "\n")
    return Said(args, process.returncode, out.decode("utf-8").splitlines(), said_err.splitlines())


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory) -> Iterator[Path]:
    """The pseudo-language's catalogs, also for what this process renders."""
    folder = write_catalogs(tmp_path_factory.mktemp("pseudo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEELOOP_CATALOGS", str(folder))
        yield folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("channels")


@pytest.fixture(scope="module")
def database(folder, sqlite_copy) -> str:
    return sqlite_copy(folder)


@pytest.fixture(scope="module")
def commands(database, folder, catalogs) -> dict[str, Said]:
    """Each command run once on one database, in the order a planner would: import, the rounds
    (saved), a shadow request, shadowing and lunch plans (saved), two bad files and the risks."""
    orgjson.write_json(org(), folder / "org.json")
    (folder / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    (folder / "bad.json").write_text(BAD_JSON, encoding="utf-8")
    first, last = FIRST, FIRST + dt.timedelta(weeks=6)
    window = ("--from", first.isoformat(), "--to", last.isoformat())
    said = {"import": meeloop("import", "org.json", db=database, cwd=folder, catalogs=catalogs)}
    assert said["import"].status == 0, said["import"]
    opt_in_at(database, folder / "org.json")  # an import opts nobody in: the people do it themselves
    add_shadow_requests(database, first)
    runs = {
        "pair": ("pair", "--mode", "mentor", "--round", PAIRS, "--time-limit", "2", "--save"),
        "groups": (
            "groups", "--kind", "intervision", "--round", GROUPS, "--size", "3-4", "--time-limit", "2",
            "--save",
        ),
        "shadow request": ("shadow", "request", "pim", "--skill", "sql", "--length", "hour", *window),
        "shadow plan": ("shadow", "plan", *window, "--time-limit", "2", "--save"),
        "lunch plan": ("lunch", "plan", *window, "--save"),
        "import bad.csv": ("import", "bad.csv"),
        "import bad.json": ("import", "bad.json"),
        "risks": ("risks",),
    }  # fmt: skip
    for name, args in runs.items():
        said[name] = meeloop(*args, db=database, cwd=folder, catalogs=catalogs)
    return said


def add_shadow_requests(url: str, day: dt.date) -> None:
    """Roos asks for Niels and Sara to see Python, which only Niels holds, on the same day; he hosts
    once a month, so one of them is not placed."""
    database = organisation.Database(url)
    try:
        for guest, skill, host in (("roos", None, "niels"), ("sara", "python", None)):
            scheduling.add_shadow_request(
                database,
                guest_id=guest,
                skill=skill,
                host_id=host,
                length="half-day",
                first_day=day,
                last_day=day,
                now=dt.datetime.now(dt.UTC),
            )
    finally:
        database.dispose()


def test_the_commands_did_what_was_asked(commands):
    statuses = {name: said.status for name, said in commands.items()}
    expected = {name: 2 if name.startswith("import bad") else 0 for name in commands}
    assert statuses == expected, {
        name: said.err for name, said in commands.items() if said.status != expected[name]
    }
    assert all(said.out or said.err for said in commands.values())


@pytest.mark.parametrize(
    "name",
    [
        "import",
        "pair",
        "groups",
        "shadow request",
        "shadow plan",
        "lunch plan",
        "import bad.csv",
        "import bad.json",
        "risks",
    ],
)
def test_every_line_a_command_prints_came_through_the_catalog(commands, name):
    said = commands[name]
    assert said.escaped() == [], "\n".join(said.out + said.err)


# -- e-mails and invites -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def invited(commands, database) -> tuple[list[email.message.EmailMessage], dict[str, ScheduledEvent]]:
    """The rounds the commands saved, published with their meetings (the pairs' a series, the groups'
    single), and every invite for them and for the shadowing and lunch plans sent to a real SMTP
    server in the organisation's language: the e-mails it received, and the events by UID."""
    now = dt.datetime.now(dt.UTC)
    db = organisation.Database(database)
    try:
        for name, every in ((PAIRS, 2), (GROUPS, None)):
            rounds.publish_round(db, name, today=now.date(), now=now)
            config = meetings.MeetingConfig(
                first_day=FIRST, last_day=FIRST + dt.timedelta(weeks=8), every_weeks=every
            )
            assert meeting_times.plan_round_meetings(db, name, config, now=now, save=True).meetings
        publishing.queue_invites(db, SETTINGS, source=None, now=now)
        with smtp_server() as (bag, port):
            smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SETTINGS.organizer)
            delivered = publishing.deliver(db, smtp, SETTINGS, now=now)
        assert delivered.sent and not delivered.failed
        events = {f"meeloop-event-{e.id}@{SETTINGS.domain}": e for e in scheduling.scheduled(db)}
        return bag.received, events
    finally:
        db.dispose()


def kind_of(event: ScheduledEvent) -> str:
    """What was scheduled: a pair's or a group's meeting, a shadowing slot or a lunch & learn session."""
    return f"{event.kind} of a {event.details['kind']}" if event.kind == "meeting" else event.kind


def vevent(calendar: bytes | str) -> icalendar.Event:
    (item,) = icalendar.Calendar.from_ical(calendar).walk("VEVENT")
    return item


def escaped_lines(where: str, text: str) -> list[tuple[str, str, str]]:
    """(where, line, its untranslated rest) for each line of ``text`` with text outside the catalog."""
    return [(where, line, rest) for line in text.splitlines() if (rest := escaped(line))]


def said_in_invite(where: str, item: icalendar.Event) -> list[tuple[str, str, str]]:
    found = []
    for field in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        found += escaped_lines(f"{where} {field}", str(item[field]))
    return found


def test_one_invite_of_each_kind_of_scheduled_thing_was_sent(invited):
    received, events = invited
    kinds = {kind_of(events[str(vevent(m.get_body(("calendar",)).get_content())["UID"])]) for m in received}
    assert kinds == {"meeting of a pair", "meeting of a group", "shadowing", "lunch"}


def test_every_e_mail_and_its_invite_came_through_the_catalog(invited):
    received, events = invited
    found = []
    for message in received:
        item = vevent(message.get_body(("calendar",)).get_content())
        where = f"{kind_of(events[str(item['UID'])])} to {message['To']}"
        found += escaped_lines(f"{where} Subject", str(message["Subject"]))
        found += escaped_lines(f"{where} text", message.get_body(("plain",)).get_content())
        found += said_in_invite(where, item)
    assert found == [], "\n".join(map(str, found))


def test_the_calendar_file_of_each_kind_with_an_online_meeting_place_came_through_the_catalog(
    invited, database
):
    """A download of each kind of event, as the organisation publishes it, with an online link for
    the events of people at different sites."""
    _, events = invited
    online = dataclasses.replace(SETTINGS, online_link=ONLINE)
    first_of_kind = {kind_of(e): e for e in reversed(events.values())}
    db = organisation.Database(database)
    try:
        found = []
        for kind, event in first_of_kind.items():
            item = vevent(publishing.event_calendar(db, online, event.id, now=dt.datetime.now(dt.UTC)))
            found += said_in_invite(f"{kind} file", item)
    finally:
        db.dispose()
    assert len(first_of_kind) == 4
    assert found == [], "\n".join(map(str, found))
