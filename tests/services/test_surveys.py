"""The learning loop's questionnaires on a real SQLite file and PostgreSQL server: the check-in's three
answers, the quarterly value check and the learning climate, their reports with groups under the
minimum size suppressed, bad input refused with nothing stored, and the person's data export."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy

from matcher import storage
from matcher.domain.model import Organisation
from matcher.domain.problems import InvalidInput
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.services import notices, organisation, personal, surveys
from matcher.storage import Database, make_engine
from matcher.storage import notices as notice_storage
from matcher.storage import schedule as schedule_storage
from matcher.storage import surveys as survey_storage
from tests.orgs import person

#: In the first quarter of 2027: the value check on 2026-Q4 is open.
TODAY = dt.date(2027, 1, 11)
NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example", domain="wadloo.example", base_url="https://x.example", language="en"
)
#: Four people in Burgerzaken (team Balie), five in Financiën (team Belastingen, led by Fenna).
BALIE = ("bas", "bo", "bert", "bien")
BELASTINGEN = ("fenna", "floor", "fleur", "fiep", "fons")
SCORES = {item: "4" for item in surveys.CLIMATE_ITEMS}


def survey_org() -> Organisation:
    people = [
        person(pid, department="Burgerzaken", team="Balie", start_date=dt.date(2020, 1, 1)) for pid in BALIE
    ] + [
        person(
            pid,
            department="Financiën",
            team="Belastingen",
            manager_id=None if pid == "fenna" else "fenna",
            start_date=dt.date(2026, 6, 1) if pid == "fons" else dt.date(2010, 1, 1),
        )
        for pid in BELASTINGEN
    ]
    people.append(person("olaf", department="Financiën", team="Belastingen"))
    return Organisation("Gemeente Wadloo", tuple(people))


def meeting(title: str, members: tuple[str, ...], start: dt.datetime, **more) -> ScheduledEvent:
    return ScheduledEvent(
        kind=more.pop("kind", "meeting"),
        source=more.pop("source", "intervisie"),
        title=title,
        start=start,
        end=start + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=members,
        roles=dict.fromkeys(members, "member"),
        key=title,
        **more,
    )


@pytest.fixture
def org_db(db, tmp_path) -> Database:
    orgjson.write_json(survey_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW - dt.timedelta(days=120))
    with db.transaction() as session:
        schedule_storage.add_events(
            session,
            [
                meeting("Intervisie", BALIE + BELASTINGEN, dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC)),
                meeting(
                    "Meelopen",
                    ("floor", "fleur"),
                    dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC),
                    kind="shadowing",
                ),
            ],
            now=NOW - dt.timedelta(days=90),
        )
    return db


def answer_all(db: Database, people: tuple[str, ...], levels: tuple[str, ...] = ("applied",)) -> None:
    q4 = surveys.Quarter(2026, 4)
    for pid in people:
        surveys.save_value_check(db, pid, q4, levels, "", today=TODAY, now=NOW)


# -- the value check --------------------------------------------------------------------------------


def test_a_department_with_four_answers_is_suppressed_and_one_with_five_is_shown(org_db):
    answer_all(org_db, BALIE, ("potential",))
    answer_all(org_db, BELASTINGEN, ("potential", "applied"))
    report = surveys.value_check_results(org_db, min_group=5)
    by_department = report["department"]
    assert by_department["Burgerzaken"] == {"2026-Q4": surveys.Suppressed(4)}
    shown = by_department["Financiën"]["2026-Q4"]
    assert isinstance(shown, surveys.ValueCell) and shown.answers == 5
    assert shown.levels == {"immediate": 0, "potential": 5, "applied": 5, "realised": 0, "reframing": 0}
    # Per programme everyone counts in the meeting; only Floor and Fleur went shadowing.
    assert report["programme"]["meeting"]["2026-Q4"] == surveys.ValueCell(
        9, {"immediate": 0, "potential": 9, "applied": 5, "realised": 0, "reframing": 0}
    )
    assert report["programme"]["shadowing"]["2026-Q4"] == surveys.Suppressed(2)
    # Per tenure band (never age): Fons started in 2026, the Balie in 2020, the other four in 2010.
    assert report["tenure"]["under-1"]["2026-Q4"] == surveys.Suppressed(1)
    assert report["tenure"]["5-15"]["2026-Q4"] == surveys.Suppressed(4)
    assert report["tenure"]["15-plus"]["2026-Q4"] == surveys.Suppressed(4)
    # A larger minimum hides more.
    assert surveys.value_check_results(org_db, min_group=10)["department"]["Financiën"]["2026-Q4"] == (
        surveys.Suppressed(5)
    )


def test_one_value_check_per_person_and_quarter_changeable_until_the_quarter_after_it_ends(org_db):
    q4 = surveys.Quarter(2026, 4)
    surveys.save_value_check(org_db, "bas", q4, ["immediate"], "Fijn gesprek.", today=TODAY, now=NOW)
    later = NOW + dt.timedelta(days=20)
    surveys.save_value_check(org_db, "bas", q4, ["applied", "potential"], "", today=TODAY, now=later)
    with org_db.transaction() as session:
        (stored,) = survey_storage.value_checks(session, person_ids=["bas"])
    assert (stored.quarter, stored.levels, stored.story) == ("2026-Q4", ("potential", "applied"), "")
    assert (stored.department, stored.team, stored.tenure, stored.programmes) == (
        "Burgerzaken",
        "Balie",
        "5-15",
        ("meeting",),
    )
    form = surveys.value_check_form(org_db, "bas", today=TODAY)
    assert form.open and form.sessions == 1 and form.answer == stored
    # In April the check on 2026-Q4 is closed: nothing changes.
    april = dt.date(2027, 4, 2)
    with pytest.raises(InvalidInput) as refused:
        surveys.save_value_check(org_db, "bas", q4, ["reframing"], "", today=april, now=NOW)
    assert [p.where.field for p in refused.value.problems] == ["quarter"]
    assert "can no longer be changed" in str(refused.value.problems[0].message)
    with org_db.transaction() as session:
        assert survey_storage.value_checks(session, person_ids=["bas"]) == [stored]


def test_bad_value_check_input_names_the_field_and_stores_nothing(org_db):
    q4 = surveys.Quarter(2026, 4)
    with pytest.raises(InvalidInput) as unknown:
        surveys.save_value_check(org_db, "bo", q4, ["joy"], "x" * 2001, today=TODAY, now=NOW)
    assert sorted(p.where.field for p in unknown.value.problems) == ["levels", "story"]
    with pytest.raises(InvalidInput) as empty:
        surveys.save_value_check(org_db, "bo", q4, [], "   ", today=TODAY, now=NOW)
    assert "choose at least one value level or write a story" in str(empty.value.problems[0].message)
    # Olaf had no sessions last quarter: there is nothing to look back on.
    with pytest.raises(InvalidInput) as nothing:
        surveys.save_value_check(org_db, "olaf", q4, ["applied"], "", today=TODAY, now=NOW)
    assert "no sessions in 2026-Q4" in str(nothing.value.problems[0].message)
    with org_db.transaction() as session:
        assert survey_storage.value_checks(session) == []


def test_a_session_said_to_be_moved_or_not_held_is_no_session_to_look_back_on(org_db):
    (intervisie,) = [e for e in schedule_storage_events(org_db) if e.title == "Meelopen"]
    assert intervisie.id is not None
    with org_db.transaction() as session:
        for pid, token in (("floor", "t-floor"), ("fleur", "t-fleur")):
            notice_storage.ask(session, intervisie.id, dt.date(2026, 12, 3), pid, token, now=NOW)
    notices.answer_check_in(org_db, SETTINGS, "t-floor", "moved", now=NOW, moved_to=dt.date(2026, 12, 17))
    notices.answer_check_in(org_db, SETTINGS, "t-fleur", "no", now=NOW)  # an old e-mail's link
    for pid in ("floor", "fleur"):
        form = surveys.value_check_form(org_db, pid, today=TODAY)
        assert (form.sessions, form.programmes) == (1, ("meeting",))
    answers = notices.check_in_answers(org_db, event_ids=[intervisie.id])
    assert [(a.person_id, a.answer, a.moved_to) for a in answers] == [
        ("fleur", "not-held", None),
        ("floor", "moved", dt.date(2026, 12, 17)),
    ]


def schedule_storage_events(db: Database) -> list[ScheduledEvent]:
    with db.transaction() as session:
        return schedule_storage.events(session)


def test_the_value_check_link_answers_for_its_person_and_quarter_only(org_db):
    with org_db.transaction() as session:
        survey_storage.ask_value_check(session, "fiep", "2026-Q4", "secret-token-fiep", now=NOW)
    form = surveys.value_check_by_token(org_db, SETTINGS, "secret-token-fiep", today=TODAY)
    assert form is not None and (form.person_id, form.quarter.key, form.sessions, form.answer) == (
        "fiep",
        "2026-Q4",
        1,
        None,
    )
    assert surveys.value_check_by_token(org_db, SETTINGS, "secret-token-fieq", today=TODAY) is None
    assert surveys.value_check_by_token(org_db, SETTINGS, "../etc", today=TODAY) is None
    surveys.save_value_check(org_db, "fiep", form.quarter, ["realised"], "", today=TODAY, now=NOW)
    again = surveys.value_check_by_token(org_db, SETTINGS, "secret-token-fiep", today=TODAY)
    assert again is not None and again.answer is not None and again.answer.levels == ("realised",)
    assert surveys.value_check_levels(org_db, "2026-Q4") == {"fiep": ("realised",)}


# -- the check-in -------------------------------------------------------------------------------------


def test_a_check_in_answer_is_held_moved_or_not_held_and_anything_else_stores_nothing(org_db):
    (event,) = [e for e in schedule_storage_events(org_db) if e.title == "Intervisie"]
    assert event.id is not None
    with org_db.transaction() as session:
        notice_storage.ask(session, event.id, dt.date(2026, 11, 12), "bas", "t-bas", now=NOW)
    assert notices.answer_check_in(org_db, SETTINGS, "t-bas", "yes", now=NOW).answer == "held"
    with pytest.raises(InvalidInput) as maybe:
        notices.answer_check_in(org_db, SETTINGS, "t-bas", "maybe", now=NOW)
    assert [p.where.field for p in maybe.value.problems] == ["answer"]
    with pytest.raises(InvalidInput) as far:
        notices.answer_check_in(org_db, SETTINGS, "t-bas", "moved", now=NOW, moved_to=dt.date(2030, 1, 1))
    assert [p.where.field for p in far.value.problems] == ["moved_to"]
    (stored,) = notices.check_in_answers(org_db, person_ids=["bas"])
    assert (stored.answer, stored.moved_to) == ("held", None)
    moved = notices.answer_check_in(
        org_db, SETTINGS, "t-bas", "moved", now=NOW, moved_to=dt.date(2026, 11, 26)
    )
    assert moved is not None and (moved.answer, moved.moved_to) == ("moved", dt.date(2026, 11, 26))
    # A new day goes with "moved" only.
    held = notices.answer_check_in(org_db, SETTINGS, "t-bas", "held", now=NOW, moved_to=dt.date(2026, 11, 26))
    assert held is not None and (held.answer, held.moved_to) == ("held", None)
    assert notices.check_in_counts(org_db, by="kind")["meeting"] == notices.CheckInCount(held=1)


# -- the learning climate ------------------------------------------------------------------------------


def test_the_learning_climate_is_shown_per_team_from_five_answers_with_a_trend_over_quarters(org_db):
    for pid in BALIE + BELASTINGEN:
        surveys.save_climate(org_db, pid, SCORES, today=TODAY, now=NOW)
    summer = dt.date(2027, 7, 5)
    for pid, score in zip(BELASTINGEN, "12345", strict=True):
        surveys.save_climate(org_db, pid, {**SCORES, "support": score}, today=summer, now=NOW)
    report = surveys.climate_results(org_db, min_group=5)
    assert report["Balie"] == {"2027-Q1": surveys.Suppressed(4)}
    assert list(report["Belastingen"]) == ["2027-Q1", "2027-Q3"]
    first, third = report["Belastingen"]["2027-Q1"], report["Belastingen"]["2027-Q3"]
    assert isinstance(first, surveys.ClimateCell) and first.answers == 5 and first.means["support"] == 4.0
    assert isinstance(third, surveys.ClimateCell) and third.means["support"] == 3.0
    # Fenna's reporting line without Fenna herself is four: too few to show.
    team = surveys.climate_results(org_db, min_group=5, person_ids=["floor", "fleur", "fiep", "fons"])
    assert team["Belastingen"]["2027-Q1"] == surveys.Suppressed(4)


def test_one_learning_climate_answer_per_person_and_quarter_and_bad_input_stores_nothing(org_db):
    surveys.save_climate(org_db, "bas", SCORES, today=TODAY, now=NOW)
    surveys.save_climate(org_db, "bas", {**SCORES, "reward": "1"}, today=TODAY, now=NOW)
    form = surveys.climate_form(org_db, "bas", today=TODAY)
    assert form.answer is not None and form.answer.scores["reward"] == 1 and form.team == "Balie"
    bad = {**SCORES, "changes": "", "feedback": "6", "support": "veel", "mood": "3"}
    with pytest.raises(InvalidInput) as refused:
        surveys.save_climate(org_db, "bas", bad, today=TODAY, now=NOW)
    assert sorted(p.where.field for p in refused.value.problems) == ["changes", "feedback", "mood", "support"]
    with org_db.transaction() as session:
        (kept,) = survey_storage.climate_answers(session)
    assert kept.scores == {**{k: 4 for k in surveys.CLIMATE_ITEMS}, "reward": 1}


def test_the_personal_data_export_holds_the_persons_own_answers_only(org_db):
    answer_all(org_db, ("fleur", "floor"), ("applied",))
    surveys.save_climate(org_db, "fleur", SCORES, today=TODAY, now=NOW)
    data = personal.person_data(org_db, "fleur", now=NOW)
    assert data is not None
    assert [(c["quarter"], c["levels"]) for c in data["value_checks"]] == [("2026-Q4", ["applied"])]
    assert [a["quarter"] for a in data["learning_climate"]] == ["2027-Q1"]
    assert data["learning_climate"][0]["scores"]["support"] == 4


def test_the_minimum_group_size_comes_from_the_environment_and_a_bad_one_is_refused():
    assert surveys.SurveySettings.from_env({}).min_group == 5
    assert surveys.SurveySettings.from_env({"MEELOOP_MIN_GROUP_SIZE": "7"}).min_group == 7
    for bad in ("2", "x", "1000"):
        with pytest.raises(InvalidInput) as refused:
            surveys.SurveySettings.from_env({"MEELOOP_MIN_GROUP_SIZE": bad})
        assert [p.where.field for p in refused.value.problems] == ["MEELOOP_MIN_GROUP_SIZE"]


# -- the migration -------------------------------------------------------------------------------------


def test_stored_answers_keep_their_meaning_down_to_yes_and_no_and_back(org_db, db_url):
    """Revision 0015 turns the yes/no column into held/moved/not held; downgrading turns held and not
    held back into yes and no, and a moved session (which yes or no cannot say) into no answer."""
    from alembic import command

    (event,) = [e for e in schedule_storage_events(org_db) if e.title == "Intervisie"]
    assert event.id is not None
    with org_db.transaction() as session:
        for pid in ("bas", "bo", "bert", "bien"):
            notice_storage.ask(session, event.id, dt.date(2026, 11, 12), pid, f"t-{pid}", now=NOW)
    for pid, given in (("bas", "held"), ("bo", "not-held"), ("bert", "moved")):
        notices.answer_check_in(org_db, SETTINGS, f"t-{pid}", given, now=NOW)
    org_db.dispose()
    engine = make_engine(db_url)
    config = storage.alembic_config(db_url)

    def to(step: str, revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)

    def column(name: str) -> dict[str, object]:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text(f"SELECT person_id, {name} FROM check_in"))
            return {pid: value for pid, value in rows}

    try:
        to("downgrade", "0014")
        assert column("met") == {"bas": True, "bo": False, "bert": None, "bien": None}
        to("upgrade", "head")
        assert column("answer") == {"bas": "held", "bo": "not-held", "bert": None, "bien": None}
    finally:
        engine.dispose()
