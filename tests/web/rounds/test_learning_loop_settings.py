"""HR switches what earlier sessions feed into a pairing round on its settings page, in English and
Dutch; the switches reach the stored round and show again when its settings are opened, and the
review page says what earlier sessions changed. Flask's test client against a real SQLite file."""

from __future__ import annotations

import html
import re

from matcher.services import rounds
from tests.web.rounds.support import MENTORING, db_of, form_defaults, propose, review_url, stored_round
from tests.webtools import post_form

SWITCHES = ("rules__repeat_when_rated_highly", "rules__fewer_mentees_when_not_held", "weights__valued_skills")


def checkbox(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def test_the_settings_page_has_the_three_switches_with_their_defaults(hr):
    mentor = hr.get("/hr/rounds/new/mentor").get_data(as_text=True)
    assert "What earlier sessions feed in" in mentor
    for name in SWITCHES:
        assert f'name="{name}"' in mentor, name
    # Meeting again is HR's choice; fewer learners and valued skills are on unless HR switches them off.
    assert "checked" not in checkbox(mentor, "rules__repeat_when_rated_highly")
    assert "checked" in checkbox(mentor, "rules__fewer_mentees_when_not_held")
    assert 'value="0.5"' in checkbox(mentor, "weights__valued_skills")
    # Fewer learners is for rounds in which one teaches the other.
    exchange = hr.get("/hr/rounds/new/exchange").get_data(as_text=True)
    assert 'name="rules__fewer_mentees_when_not_held"' not in exchange
    assert 'name="rules__repeat_when_rated_highly"' in exchange


def test_the_switches_are_said_in_dutch(hr):
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    page = html.unescape(hr.get("/hr/rounds/new/mentor").get_data(as_text=True))
    for dutch in (
        "Wat eerdere sessies meegeven",
        "Opnieuw samen als beiden het hoog waardeerden",
        "Minder lerenden als sessies niet doorgingen",
        "Vaardigheden waarvan de sessies toegepaste waarde opleverden",
    ):
        assert dutch in page, dutch
    assert "What earlier sessions feed in" not in page


def test_the_switches_save_and_show_again_on_the_round_settings(app, hr):
    page = "/hr/rounds/new/mentor"
    data = form_defaults(hr.get(page).get_data(as_text=True))
    data.pop("rules__fewer_mentees_when_not_held")  # an unchecked box is not sent
    data |= {
        "name": MENTORING,
        "who": "all",
        "time_limit": "2",
        "rules__repeat_when_rated_highly": "y",
        "weights__valued_skills": "1.5",
    }
    response = post_form(hr, page, data, form_page=page)
    assert response.status_code == 302
    config = stored_round(app).config
    assert config.rules.repeat_when_rated_highly is True
    assert config.rules.fewer_mentees_when_not_held is False
    assert config.weights.valued_skills == 1.5
    settings = hr.get(f"{review_url()}/settings").get_data(as_text=True)
    assert "checked" in checkbox(settings, "rules__repeat_when_rated_highly")
    assert "checked" not in checkbox(settings, "rules__fewer_mentees_when_not_held")
    assert 'value="1.5"' in checkbox(settings, "weights__valued_skills")


def test_a_negative_weight_for_valued_skills_is_refused_at_its_field(app, hr):
    response = propose(hr, weights__valued_skills="-1")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    block = re.search(
        r'<div class="field[^"]*has-error[^"]*">\s*<label for="weights__valued_skills".*?</div>', page, re.S
    )
    assert block and "must not be negative" in block.group(0)
    assert rounds.list_rounds(db_of(app)) == []


def test_the_review_page_says_what_earlier_sessions_changed(app, hr):
    assert propose(hr).status_code == 302
    page = html.unescape(hr.get(review_url()).get_data(as_text=True))
    assert "What earlier sessions changed" in page
    assert "nothing from earlier sessions changed this round" in page
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    page = html.unescape(hr.get(review_url()).get_data(as_text=True))
    assert "Wat eerdere sessies veranderden" in page
    assert "eerdere sessies hebben aan deze ronde niets veranderd" in page
