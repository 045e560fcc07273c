"""Every bad file of the corpus (tests/corpus/builder.py) is refused through the real import, on SQLite
and PostgreSQL: the answer names the file and, where it applies, the row or line and the field, in
English and in Dutch, says no "unexpected" and no traceback, and the database is as it was."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matcher.domain.availability import read_busy
from matcher.domain.phrases import Message
from matcher.domain.problems import InvalidInput, Problem
from matcher.io import catalogs
from matcher.services import organisation, scheduling
from matcher.storage import Database
from tests.clitools import run
from tests.corpus.builder import CASES, Case
from tests.corpus.conftest import NOW, dump
from tests.orgs import small_org
from tests.webtools import add_account, csrf_token, log_in, make_app

DUTCH = catalogs.translator("nl")
CATALOG = catalogs.DIRECTORY / "nl" / "LC_MESSAGES" / "messages.po"
YEAR = dt.timedelta(days=365)
#: What a failure that nobody foresaw looks like, in either language.
UNFORESEEN = re.compile(r"(?i:unexpected|onverwacht|traceback)|\b[A-Z][a-z]+(?:[A-Z][a-z]+)*Error\b")


def refusal(db: Database, case: Case, folder: Path) -> tuple[Path, InvalidInput]:
    """Write the case's file and import it as HR (or, for a calendar, as Anna) would."""
    path = case.write(folder)
    with pytest.raises(InvalidInput) as refused:
        if case.kind == "ics":
            scheduling.import_calendar(db, "anna", path, now=NOW)
        else:
            organisation.import_file(db, path, now=NOW)
    return path, refused.value


def dutch_row(row: str | None) -> str | None:
    """How the Dutch report starts the place of a row or line (None for a place such as people[0])."""
    found = re.match(r"(row|line) (\d+)(, column (\d+))?", row or "")
    if not found:
        return None
    number = f"{int(found[2]):,}".replace(",", ".")  # as Dutch writes numbers
    said = f"{'rij' if found[1] == 'row' else 'regel'} {number}"
    return f"{said}, kolom {found[4]}" if found[3] else said


def test_the_corpus_covers_every_format_with_over_sixty_files():
    kinds = [case.kind for case in CASES]
    assert len(CASES) >= 60 and len({case.name for case in CASES}) == len(CASES)
    assert {kind: kinds.count(kind) >= 10 for kind in ("csv", "json", "xlsx", "ics")} == {
        "csv": True,
        "json": True,
        "xlsx": True,
        "ics": True,
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_bad_file_is_refused_where_it_is_wrong_and_changes_nothing(seeded, case, tmp_path):
    before = dump(seeded)
    path, refused = refusal(seeded, case, tmp_path)
    assert dump(seeded) == before
    english, dutch = refused.report(), refused.report(DUTCH)
    file = case.file or path.name
    # The problem the case is about, said at its place: file, row or line, field.
    [problem] = [p for p in refused.problems if case.says in str(p)][:1] or [None]
    assert problem is not None, english
    assert problem.where.file == file
    assert case.row is None or case.row in str(problem.where), english
    assert problem.where.field == case.field
    said = problem.said(DUTCH)
    assert "niets gewijzigd" in dutch and said.startswith(file)
    assert dutch_row(case.row) is None or str(dutch_row(case.row)) in said
    assert case.field is None or f"veld '{case.field}'" in said
    assert not UNFORESEEN.search(english) and not UNFORESEEN.search(dutch), english


# -- every refusal in Dutch -----------------------------------------------------------------------------


def _templates(message: object) -> list[str]:
    """The catalog ids a message is made of: its own and those of the messages among its parameters."""
    if not isinstance(message, Message):
        return []
    return [message.template] + [t for value in message.params.values() for t in _templates(value)]


def _read(case: Case, folder: Path) -> list[Problem]:
    path = case.write(folder)
    try:
        if case.kind == "ics":
            read_busy(
                path.read_bytes(), source=path.name, timezone="Europe/Amsterdam", window=(NOW, NOW + YEAR)
            )
            return []
        return list(organisation.read_file(path, known=small_org()).problems)
    except InvalidInput as refused:
        return refused.problems


def test_every_refusal_in_the_corpus_has_its_dutch(tmp_path):
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    untranslated = set()
    for case in CASES:
        folder = tmp_path / case.name
        folder.mkdir()
        for problem in _read(case, folder):
            for part in (problem.message, problem.where.row, problem.where.field):
                untranslated |= {t for t in _templates(part) if not catalog.get(t) or not catalog[t].string}
    assert sorted(untranslated) == []


# -- a sample through the web upload and the command line ------------------------------------------------

#: Files sent through the web upload, each in the language the browser asks for.
WEB_SAMPLE = [
    ("csv-cut-off-mid-row", "en"),
    ("csv-alt-enter-in-a-name", "nl"),
    ("json-lone-high-surrogate", "en"),
    ("json-5000-digit-number", "nl"),
    ("json-nested-100000-deep", "nl"),
    ("xlsx-zip-bomb", "en"),
    ("xlsx-two-million-rows", "nl"),
    ("ics-without-end", "nl"),
    ("ics-nul-byte", "en"),
]
#: Files given to the command, each with the language of its output.
CLI_SAMPLE = [("csv-cut-off-mid-row", "en"), ("ics-a-date-that-does-not-exist", "nl")]
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def site(seeded):
    """The web app on the seeded database, with HR and Anna (an employee) logged in."""
    app = make_app(seeded.url)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "anna@wadloo.example", "employee", "anna")
    hr, anna = app.test_client(), app.test_client()
    log_in(hr, "hr@wadloo.example")
    log_in(anna, "anna@wadloo.example")
    yield hr, anna
    app.extensions["meeloop"]["db"].dispose()


def _cells(html: str) -> list[list[str]]:
    """The problem table of the import page, cell by cell, as the reader sees them."""
    report = html.partition('class="problem import-report"')[2].partition("</section>")[0]
    rows = re.findall(r"<tr>(<td>.*?</td>)</tr>", report, re.S)
    return [[unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]


@pytest.mark.parametrize(("name", "language"), WEB_SAMPLE)
def test_a_bad_upload_through_the_web_is_refused_where_it_is_wrong(seeded, site, name, language, tmp_path):
    case, (hr, anna) = BY_NAME[name], site
    path = case.write(tmp_path)
    before = dump(seeded)
    if case.kind == "ics":
        client, page, field = anna, "/me/profile", "calendar"
        target = "/me/profile/calendar"
    else:
        client, page, field, target = hr, "/hr/import", "file", "/hr/import"
    data = {"csrf_token": csrf_token(client, page), field: (BytesIO(path.read_bytes()), path.name)}
    response = client.post(
        target, data=data, content_type="multipart/form-data", headers={"Accept-Language": language}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert dump(seeded) == before
    assert not UNFORESEEN.search(html)
    text = unescape(html)
    assert path.name in text
    if language == "en":
        assert case.says in text
    if case.kind != "ics":  # the import page lists each problem as file, row, field and why
        [(file, row, field_name, _why)] = _cells(html)
        assert file == path.name
        if case.row is not None and language == "en":
            assert row == case.row.removeprefix("row ")
        assert field_name == (case.field or "")
    elif case.row is not None:
        assert str(case.row if language == "en" else dutch_row(case.row)) in text


@pytest.mark.parametrize(("name", "language"), CLI_SAMPLE)
def test_a_bad_file_given_to_the_command_is_refused_with_exit_status_2(seeded, name, language, tmp_path):
    case = BY_NAME[name]
    path = case.write(tmp_path)
    command = ("calendar", "import", "anna") if case.kind == "ics" else ("import",)
    before = dump(seeded)
    done = run("--lang", language, *command, str(path), db=seeded.url, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert dump(seeded) == before
    assert not UNFORESEEN.search(done.stdout + done.stderr)
    assert path.name in done.stderr
    if language == "en":
        assert case.says in done.stderr and (case.row is None or case.row in done.stderr)
    else:
        assert "niets gewijzigd" in done.stderr and str(dutch_row(case.row)) in done.stderr
