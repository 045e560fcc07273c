"""The notice period: the first working day after it, weekends and holidays skipped, in the
organisation's time zone, also late in the evening."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from matcher.domain.availability import Agenda, Interval
from matcher.domain.notice import Notice, earliest_start, first_day_after_notice
from matcher.domain.problems import InvalidInput
from tests.orgs import person

AMSTERDAM, NEW_YORK, TOKYO = "Europe/Amsterdam", "America/New_York", "Asia/Tokyo"
NONE: frozenset[dt.date] = frozenset()


def at(zone: str, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def test_two_working_days_of_notice_on_a_monday_make_thursday_the_first_day():
    monday = at(AMSTERDAM, 2026, 11, 30, 10)
    assert first_day_after_notice(monday, 2, NONE, AMSTERDAM) == dt.date(2026, 12, 3)
    assert earliest_start(monday, 2, NONE, AMSTERDAM) == at(AMSTERDAM, 2026, 12, 3)


def test_the_notice_skips_the_weekend():
    thursday = at(AMSTERDAM, 2026, 12, 3, 10)
    # Friday and Monday are the notice; Tuesday is the first working day after it.
    assert first_day_after_notice(thursday, 2, NONE, AMSTERDAM) == dt.date(2026, 12, 8)
    friday = at(AMSTERDAM, 2026, 12, 4, 10)
    assert first_day_after_notice(friday, 2, NONE, AMSTERDAM) == dt.date(2026, 12, 9)
    saturday = at(AMSTERDAM, 2026, 12, 5, 10)
    assert first_day_after_notice(saturday, 2, NONE, AMSTERDAM) == dt.date(2026, 12, 9)


def test_holidays_neither_count_as_notice_nor_are_the_first_day():
    monday = at(AMSTERDAM, 2026, 12, 21, 10)
    christmas = frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)})
    # Tuesday and Wednesday are the notice; Thursday 24th is the first day.
    assert first_day_after_notice(monday, 2, christmas, AMSTERDAM) == dt.date(2026, 12, 24)
    wednesday = at(AMSTERDAM, 2026, 12, 23, 10)
    # The notice is Thursday 24th and, past the holiday, the weekend and the holiday, Tuesday 29th.
    assert first_day_after_notice(wednesday, 2, christmas, AMSTERDAM) == dt.date(2026, 12, 30)


def test_at_23_30_local_the_day_is_the_local_one_not_the_utc_one():
    # 23:30 in New York on Monday is already Tuesday in UTC; the notice counts from Monday.
    late = at(NEW_YORK, 2026, 11, 30, 23, 30)
    assert late.date() == dt.date(2026, 12, 1)
    assert first_day_after_notice(late, 2, NONE, NEW_YORK) == dt.date(2026, 12, 3)
    assert earliest_start(late, 2, NONE, NEW_YORK) == at(NEW_YORK, 2026, 12, 3)
    # 23:30 in Amsterdam on Sunday is still Sunday in UTC; in Tokyo it is Monday's 07:30.
    sunday = at(AMSTERDAM, 2026, 11, 29, 23, 30)
    assert first_day_after_notice(sunday, 2, NONE, AMSTERDAM) == dt.date(2026, 12, 2)
    assert first_day_after_notice(sunday, 2, NONE, TOKYO) == dt.date(2026, 12, 3)


def test_without_notice_nothing_is_in_the_past_but_today_counts():
    tuesday = at(AMSTERDAM, 2026, 12, 1, 14)
    assert earliest_start(tuesday, 0, NONE, AMSTERDAM) == tuesday
    assert first_day_after_notice(tuesday, 0, NONE, AMSTERDAM) == dt.date(2026, 12, 1)
    saturday = at(AMSTERDAM, 2026, 12, 5, 14)
    assert first_day_after_notice(saturday, 0, NONE, AMSTERDAM) == dt.date(2026, 12, 7)


def test_the_setting_comes_from_the_environment_with_a_default_of_two_days():
    assert Notice.from_env({}) == Notice(2, AMSTERDAM)
    assert Notice.from_env({"MEELOOP_NOTICE_DAYS": " 5 ", "MEELOOP_TIMEZONE": TOKYO}) == Notice(5, TOKYO)


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"MEELOOP_NOTICE_DAYS": "two"}, "'two' is not a number of working days"),
        ({"MEELOOP_NOTICE_DAYS": "-1"}, "'-1' is not a number of working days"),
        ({"MEELOOP_NOTICE_DAYS": "61"}, "from 0 to 60"),
        ({"MEELOOP_TIMEZONE": "Mars/Olympus"}, "'Mars/Olympus' is not a known time zone"),
    ],
)
def test_a_bad_setting_says_which_variable_and_why(environ, words):
    with pytest.raises(InvalidInput) as raised:
        Notice.from_env(environ)
    report = raised.value.report()
    assert words in report and next(iter(environ)) in report


def test_an_agenda_after_the_notice_has_no_free_time_before_it_and_says_why():
    now = at(AMSTERDAM, 2026, 12, 3, 23, 30)
    cutoff = Notice(2, AMSTERDAM).cutoff(now, NONE)
    assert cutoff.day == dt.date(2026, 12, 8)
    agenda = Agenda().after_notice(cutoff).with_busy("ann", Interval(now, now + dt.timedelta(hours=1)))
    assert agenda.not_before == cutoff
    week = (at(AMSTERDAM, 2026, 12, 3), at(AMSTERDAM, 2026, 12, 10))
    free = agenda.free(person("ann"), week)
    assert free and min(f.start for f in free) == at(AMSTERDAM, 2026, 12, 8, 9)
    assert agenda.notice_cuts(week[0]) == (
        "nothing is planned before 2026-12-08, after the notice period of 2 working days"
    )
    assert agenda.notice_cuts(cutoff.moment) is None
