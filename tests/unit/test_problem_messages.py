"""Import problems are messages: where (file, row, field) and why come through the catalog, so a
Dutch reader reads them in Dutch. Broken organisation JSON, a broken skills matrix and broken
calendars go through the importers; every problem is a message with an extractable template, and
with a pseudo-language every template of it, the place included, comes back changed."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from matcher.domain.availability import read_busy
from matcher.domain.merge import Changes
from matcher.domain.phrases import KEYWORDS, Message, say
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.io import catalogs, orgjson
from matcher.services import organisation, taxonomy
from tests.orgs import small_org
from tests.web.hr_people.support import HR, people_in, seed, start_app
from tests.web.test_phrases import Pseudo
from tests.webtools import csrf_token, log_in

MATCHER = Path(__file__).resolve().parents[2] / "matcher"
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
AMSTERDAM = "Europe/Amsterdam"


@cache
def extracted() -> frozenset[str | tuple[str, ...]]:
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return frozenset(m if isinstance(m, str) else tuple(m) for _, _, m, _, _ in found)


def messages_in(value: object) -> list[Message]:
    """A message and every message among its parameters."""
    if isinstance(value, Message):
        return [value, *(m for param in value.params.values() for m in messages_in(param))]
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in messages_in(item)]
    return []


def bracketed(text: str) -> bool:
    return text.startswith("«") and text.endswith("»")


def assert_said_through_the_catalog(problems: list[Problem]) -> None:
    """Every problem's reason and place are messages the extractor finds, and the pseudo-language
    changes all of them: the reason, the row's words, the field's word and the whole line."""
    assert problems
    for problem in problems:
        assert isinstance(problem.message, Message), problem
        line = str(problem)
        assert isinstance(line, Message), problem
        for message in messages_in(line):
            key = message.template if message.plural is None else (message.template, message.plural)
            assert key in extracted(), f"{key!r} of {problem} is not extractable"
        said = problem.said(Pseudo())
        assert bracketed(said), said
        assert bracketed(say(problem.message, Pseudo())), problem
        where = problem.where
        if where.row is not None or where.field:
            assert bracketed(say(where.describe(), Pseudo())), where
        row = where.row_words()
        if isinstance(row, Message):
            assert bracketed(say(row, Pseudo())) and say(row, Pseudo()) in said, where
        if where.field:
            assert f"«field '{where.field}'»" in said, said
        if isinstance(where.file, Message):
            assert bracketed(say(where.file, Pseudo())), where


def refused(action) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        action()
    return caught.value


# -- organisation JSON -------------------------------------------------------------------------------


BROKEN_PEOPLE = [
    {
        "id": "anna",
        "name": "Anna",
        "email": "anna@wadloo.example",
        "start_date": "31-02-2024",
        "manager": "nobody",
        "skills": {"wmo": 7},
        "nickname": "An",
    },
    {
        "id": "bram",
        "name": "Bram",
        "email": "bram.wadloo.example",
        "years_experience": "9,5",
        "intern": "yes",
    },
    {"id": "chen", "name": "Chen", "email": "chen@wadloo.example", "working_hours": "mon-fri 17:00-09:00"},
    {"id": "dirk", "name": "Dirk", "email": "chen@wadloo.example", "languages": []},
]


def test_broken_organisation_json_is_reported_in_messages(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    doc = {
        "format": "meeloop-organisation",
        "version": 2,
        "skills": [
            {"id": "wmo", "name": "Wmo", "parent": "nope", "related": [{"skill": "wmo", "strength": 2}]}
        ],
        "people": BROKEN_PEOPLE,
        "history": [{"round": "r", "kind": "mentor", "members": ["anna", "NOPE"], "started": "2024-02-01",
                     "ended": "2024-01-01"}],
    }  # fmt: skip
    path = tmp_path / "org.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = refused(lambda: organisation.import_file(db, path, now=NOW))
    assert report.total >= 10
    assert_said_through_the_catalog(report.problems)
    # The English is as it was.
    assert (
        "org.json, people[0], field 'skills.wmo': 7 is outside the allowed range (at most 4)"
        in report.report()
    )
    assert "org.json, people[0]: unknown field 'nickname'" in report.report()
    db.dispose()


@pytest.mark.parametrize(
    ("content", "row"),
    [(b"", None), (b'{"people": [', "line 1, column 13"), (b"\xff\xfe{}", "byte 0"), (b"[1, 2]", None)],
)
def test_unreadable_json_is_reported_in_messages(sqlite_url, tmp_path, content, row):
    db = organisation.Database(sqlite_url)
    (tmp_path / "org.json").write_bytes(content)
    report = refused(lambda: organisation.import_file(db, tmp_path / "org.json", now=NOW))
    assert_said_through_the_catalog(report.problems)
    assert report.problems[0].where.row == row
    db.dispose()


# -- the skills matrix -------------------------------------------------------------------------------


def test_a_broken_skills_matrix_is_reported_in_messages(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW)
    (tmp_path / "team.csv").write_text(
        "id,name,email,manager,start_date,working_hours,intern,wmo,learn:sql,kantklossen,wmo\n"
        "anna,Anna,anna@wadloo.example,,2024-13-01,mon 09:00-12:00; mon 11:00-13:00,misschien,4,1,,\n"
        "gert,,gert@wadloo.example,E09999,,,,7,9,,\n"
        "anna,Anna,not-an-address,,,,,x,,,,extra\n",
        encoding="utf-8",
    )
    report = refused(lambda: organisation.import_file(db, tmp_path / "team.csv", now=NOW))
    assert report.total >= 9
    assert_said_through_the_catalog(report.problems)
    [level] = [line for line in report.lines(Pseudo()) if "level 7" in line]
    assert (
        level
        == "««team.csv, ««row 3», «field 'wmo'»»»: «level 7 is outside the scale 0 (none) to 4 (expert)»»"
    )
    db.dispose()


def test_a_matrix_without_an_id_column_and_an_unknown_file_type_are_messages(tmp_path):
    (tmp_path / "team.csv").write_text("id|name|email\np1|Ann|ann@example.org\n", encoding="utf-8")
    (tmp_path / "team.txt").write_text("x", encoding="utf-8")
    for name in ("team.csv", "team.txt", "gone.csv"):
        report = refused(lambda name=name: organisation.read_file(tmp_path / name).problems.raise_if_any())
        assert_said_through_the_catalog(report.problems)
    hint = refused(lambda: organisation.read_file(tmp_path / "team.csv").problems.raise_if_any())
    assert "«Separate the columns" in hint.problems[0].said(Pseudo())


def test_skill_and_profile_edits_are_refused_in_messages():
    report = refused(lambda: taxonomy.skill_from_text(skill_id="a,b", name="", related="x:2; y:veel"))
    assert_said_through_the_catalog(report.problems)
    problems = taxonomy.check_skill(
        small_org().skills, taxonomy.skill_from_text(skill_id="wmo", name="SQL"), new=True
    )
    assert_said_through_the_catalog(list(problems))


# -- calendars ---------------------------------------------------------------------------------------


def calendar(body: str, head: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Wadloo//test//NL", *head.splitlines(),
             "BEGIN:VEVENT", "UID:intake-17@wadloo.example", "SUMMARY:Keukentafelgesprek", *body.splitlines(),
             "END:VEVENT", "END:VCALENDAR"]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"id;naam\r\nE1;Zo\xc3\xab\r\n", id="not a calendar"),
        pytest.param(
            calendar("DTSTART;TZID=Europe/Wadloo:20261013T100000\nDURATION:PT1H"), id="unknown zone"
        ),
        pytest.param(
            calendar("DTSTART:20261013T100000Z\nDTEND:20261013T090000Z"), id="ends before it starts"
        ),
        pytest.param(calendar("DTSTART:20261013T100000Z\nRRULE:FREQ=SECONDLY"), id="repeats too often"),
        pytest.param(calendar("DTSTART:2026101T100000\nDURATION:PT1H"), id="unreadable date"),
        pytest.param(calendar("DTSTART:20261013T100000Z", head="X-WR-TIMEZONE:Wadloo"), id="unknown X-WR"),
        pytest.param(calendar("DTSTART:20261013T100000Z")[:-30], id="cut off"),
        pytest.param(calendar("DTSTART:20261013T100000Z").replace(b"Keuken", b"K\xe9uken"), id="not UTF-8"),
    ],
)
def test_a_broken_calendar_is_reported_in_messages(data):
    window = (dt.datetime(2026, 10, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    report = refused(lambda: read_busy(data, source="agenda.ics", timezone=AMSTERDAM, window=window))
    assert_said_through_the_catalog(report.problems)
    assert all(problem.where.row is not None for problem in report.problems)


def test_a_large_number_is_grouped_in_english_and_in_the_readers_language():
    window = (dt.datetime(2026, 10, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    data = calendar("DTSTART:20261013T100000Z\nRRULE:FREQ=SECONDLY")
    [problem] = refused(lambda: read_busy(data, source="a.ics", timezone=AMSTERDAM, window=window)).problems
    assert "over 50,000 events" in problem.message
    assert "50,000" in say(problem.message, catalogs.translator("en"))
    assert "50.000" in say(problem.message, catalogs.translator("nl"))


# -- the report and the summary ----------------------------------------------------------------------


def test_the_report_its_count_and_what_is_left_out_are_said_in_the_readers_language():
    problems = [Problem(Location("f.csv", row), "why") for row in range(1, 4)]
    report = InvalidInput(problems, total=5)
    assert report.report() == (
        "5 problems found, nothing was changed:\n  f.csv, row 1: why\n  f.csv, row 2: why\n"
        "  f.csv, row 3: why\n  ... and 2 more"
    )
    said = report.report(Pseudo()).splitlines()
    assert said[0] == "«5 problems found, nothing was changed»:"
    assert said[1] == "  ««f.csv, «row 1»»: why»"
    assert said[-1] == "  «... and 2 more»"


def test_the_import_summary_is_a_message():
    changes = Changes(
        people_added=("frank",), skills_updated=("wmo", "sql"), holdings_changed=1, history_added=2
    )
    summary = changes.summary()
    assert summary == (
        "1 person added, 0 updated, 0 removed, 0 skills added, 2 updated, 0 removed, "
        "1 skill level and 0 wishes changed, 2 earlier pairings or groups added"
    )
    for message in messages_in(summary):
        key = message.template if message.plural is None else (message.template, message.plural)
        assert key in extracted(), key
    assert "«1 person added»" in say(summary, Pseudo()) and bracketed(say(summary, Pseudo()))


# -- on the import page, in Dutch --------------------------------------------------------------------


def test_a_bad_upload_is_reported_in_dutch_and_changes_nothing(sqlite_url, tmp_path):
    seed(sqlite_url, tmp_path)
    app = start_app(sqlite_url)
    try:
        client = app.test_client()
        log_in(client, HR)
        before = people_in(app)
        dutch = {"Accept-Language": "nl"}

        def upload(content: bytes, name: str) -> str:
            data = {"file": (io.BytesIO(content), name), "csrf_token": csrf_token(client, "/hr/import")}
            response = client.post("/hr/import", data=data, content_type="multipart/form-data", headers=dutch)
            assert response.status_code == 400
            return html.unescape(response.get_data(as_text=True))

        matrix = (
            b"id,name,email,wmo\nanna,Anna de Vries,anna@wadloo.example,4\nhans,Hans,hans@wadloo.example,7\n"
        )
        page = upload(matrix, "matrix.csv")
        assert "1 probleem gevonden, er is niets gewijzigd" in page
        assert re.search(
            r"<td>matrix\.csv</td><td>3</td><td>wmo</td>"
            r"<td>niveau 7 valt buiten de schaal van 0 \(geen\) tot en met 4 \(expert\)</td>",
            page,
        ), page
        page = upload(b'{"people": [', "org.json")
        assert re.search(
            r"<td>org\.json</td><td>regel 1, kolom 13</td><td></td><td>geen geldige JSON: ", page
        )
        assert people_in(app) == before
    finally:
        app.extensions["meeloop"]["db"].dispose()
