"""No dead ends for an employee: asking to shadow or asking a question from a person or skill page,
hearing at once whether anyone hosts a skill, searching in part, the skills index, and messages
about rounds only for those who took part. Flask's test client on a real SQLite file."""

from __future__ import annotations

import re
import urllib.parse

from matcher.domain.model import Person
from matcher.engines.pairing import PairingConfig
from matcher.services import personal, rounds, scheduling
from matcher.services.personal import LeftOutOf
from tests.web.me.support import SETUP, ask_to_shadow, form_values, page_text
from web.me import took_part

# In the organisation of these tests 王芳 (chen) hosts guests and holds SQL at level 4 and Python
# at level 3; nobody hosts Wmo-wetgeving; Eva chose not to be asked.


def test_a_host_s_page_offers_to_shadow_them_and_to_ask_them_a_question(bram):
    text = page_text(bram.get("/people/chen"))
    assert 'href="/me/shadowing?host=chen"' in text and "Ask to shadow 王芳" in text
    subject = urllib.parse.quote("A question from a colleague (via meeloop)")
    assert f'href="mailto:chen@wadloo.example?subject={subject}"' in text
    # The skills 王芳 hosts guests on, each a request filled in with host and skill.
    assert 'href="/me/shadowing?host=chen&amp;skill=SQL"' in bram.get("/people/chen").get_data(as_text=True)


def test_someone_who_chose_not_to_be_asked_gets_no_question_and_a_non_host_no_shadow_button(bram):
    text = page_text(bram.get("/people/eva"))
    assert "Ask Eva Jansen a question" not in text and "mailto:eva@" not in text.split("Learn from")[1]
    assert "Ask to shadow Eva Jansen" not in text
    assert "does not take guests for shadowing" in text and 'href="/skills"' in text


def test_your_own_page_offers_nothing_to_ask_yourself(bram):
    text = page_text(bram.get("/people/bram"))
    assert "Learn from" not in text and "Ask to shadow" not in text


def test_the_request_form_comes_filled_in_from_a_person_or_skill_page(bram):
    values = form_values(bram, "/me/shadowing?host=chen&skill=SQL", "/me/shadowing")
    assert values["host"] == ["chen"] and values["skill"] == ["SQL"]
    # A colleague who does not host is not chosen for you.
    assert form_values(bram, "/me/shadowing?host=eva", "/me/shadowing")["host"] == [""]


def test_a_skill_page_says_who_hosts_it_and_offers_to_ask_each_holder(bram):
    text = page_text(bram.get("/skills/sql"))
    assert "1 colleague hosts guests on SQL: 王芳." in text
    assert 'href="/me/shadowing?skill=SQL"' in text
    row = re.search(r'<tr data-person="chen">(.*?)</tr>', text, re.DOTALL).group(1)
    subject = urllib.parse.quote("A question about SQL (via meeloop)")
    assert f"mailto:chen@wadloo.example?subject={subject}" in row
    assert "/me/shadowing?host=chen&skill=SQL" in row


def test_a_skill_nobody_hosts_says_so_before_you_ask(bram):
    text = page_text(bram.get("/skills/wmo"))
    assert "Nobody hosts guests on Wmo-wetgeving yet." in text
    assert "hosts guests on Wmo-wetgeving:" not in text
    # Anna holds it and agreed to be asked: the question goes to her.
    assert "mailto:anna@wadloo.example?subject=" in text


def test_the_hub_person_of_a_skill_is_on_its_page(bram):
    text = page_text(bram.get("/skills/wmo"))
    hub = re.search(r'<p class="hub" data-person="([^"]+)">(.*?)</p>', text, re.DOTALL)
    assert hub.group(1) == "anna"
    assert (
        "works with 1 other holder of Wmo-wetgeving and 1 colleague who wants to learn Wmo-wetgeving"
        in hub.group(2)
    )


def test_asking_on_a_skill_nobody_hosts_says_so_and_what_happens_next(bram, app_db):
    response = ask_to_shadow(bram, skill="Wmo")
    assert response.status_code == 302
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    assert request.skill_id == "wmo"
    text = page_text(bram.get("/me/shadowing"))
    assert "Nobody hosts guests on Wmo-wetgeving yet. Your request stays open" in text
    card = re.search(rf'id="request-{request.id}"(.*?)</li>', text, re.DOTALL).group(1)
    assert 'data-next="nobody"' in card and 'href="/ask?skill=wmo"' in card


def test_asking_on_a_skill_someone_hosts_names_the_hosts(bram, app_db):
    ask_to_shadow(bram, skill="sql")
    text = page_text(bram.get("/me/shadowing"))
    assert "1 colleague hosts guests on SQL (王芳). HR plans the slots in your free time" in text
    assert 'data-next="hosts"' in text


def test_asking_a_host_on_a_skill_below_the_host_level_is_told_at_once(bram, app_db):
    # 王芳 hosts guests, but does not hold Wmo-wetgeving: the planner could never place it.
    ask_to_shadow(bram, skill="Wmo", host="chen")
    text = page_text(bram.get("/me/shadowing"))
    assert "王芳 holds Wmo-wetgeving below level 3, the least a host needs" in text
    assert 'data-next="host below level"' in text


def test_a_partial_search_lists_matching_skills_and_people_best_first(bram):
    response = bram.get("/ask", query_string={"skill": "wet"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Did you mean" not in text
    found = re.findall(r'<li data-skill="([^"]+)">', text)
    # Names that start with it first, then names that hold it.
    assert found[:2] == ["sociaal-recht", "wmo"] and "archief" in found


def test_a_search_finds_colleagues_by_function(bram):
    text = page_text(bram.get("/ask", query_string={"skill": "analist"}))
    assert re.findall(r'<li data-person="([^"]+)">', text) == ["chen"]


def test_a_search_lists_the_related_skills_of_what_it_matches(bram):
    # Part of the name of Wet- en regelgeving sociaal domein, which includes Wmo-wetgeving.
    text = page_text(bram.get("/ask", query_string={"skill": "regelgeving"}))
    found = re.findall(r'<li data-skill="([^"]+)">(.*?)</li>', text, re.DOTALL)
    assert [sid for sid, _ in found] == ["sociaal-recht", "wmo"]
    assert "related skill" not in found[0][1] and "related skill" in found[1][1]


def test_a_nonsense_search_shows_the_skills_index(bram):
    response = bram.get("/ask", query_string={"skill": "zzzzqqq"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing matches “zzzzqqq”" in text
    assert 'href="/skills/archief"' in text and "Informatiehuishouding" in text


def test_the_skills_index_is_in_the_menu_and_counts_who_to_ask(bram):
    menu = re.search(r'<nav aria-label="Main">(.*?)</nav>', bram.get("/").get_data(as_text=True), re.DOTALL)
    assert 'href="/skills"' in menu.group(1)
    text = page_text(bram.get("/skills"))
    python = re.search(r'href="/skills/python">Python</a> <span class="meta">\((.*?)\)', text).group(1)
    # 王芳 holds Python and Eva does too, but Eva chose not to be asked.
    assert python == "1 to ask"


def test_a_round_that_left_you_out_is_news_only_on_a_side_you_took_part_in():
    person = Person("pim", "Pim", "pim@example.org")
    mentor = Person("marit", "Marit", "marit@example.org", mentor_capacity=2)

    def left(role: str) -> LeftOutOf:
        return LeftOutOf("2026 round", "reverse", "no partner", role)

    assert took_part(person, left("mentee")) and took_part(person, left("newcomer"))
    assert not took_part(person, left("reverse mentor")) and not took_part(person, left("mentor"))
    assert took_part(mentor, left("mentor"))
    assert not took_part(mentor, left("member")) and not took_part(None, left("mentee"))


def _publish_pair_round(app_db, name: str, mode: str):
    config = PairingConfig(mode=mode, time_limit=2)
    proposal = rounds.propose_round(
        app_db, round_name=name, config=config, today=SETUP.date(), now=SETUP, save=True
    )
    rounds.publish_round(app_db, name, today=SETUP.date(), now=SETUP)
    return {u.person_id: u.role for u in proposal.unmatched}


def test_a_round_that_left_you_out_is_told_only_when_you_took_part(bram, app_db):
    # Bram wants to learn SQL, but the only mentor (Anna) does not hold it: he took part as a
    # mentee and hears why he was not placed.
    assert _publish_pair_round(app_db, "mentoren najaar", "mentor")["bram"] == "mentee"
    # In reverse mentoring Bram (two years in the field) could teach, but he never offered to mentor.
    assert _publish_pair_round(app_db, "omgekeerd najaar", "reverse")["bram"] == "reverse mentor"
    # Both rounds left him out; the page says so only of the one he took part in.
    assert {left.round for left in personal.my_rounds(app_db, "bram").left_out} == {
        "mentoren najaar",
        "omgekeerd najaar",
    }
    text = page_text(bram.get("/me/plans"))
    assert "In mentoren najaar you were not placed this time:" in text
    assert "omgekeerd najaar" not in text


def test_who_can_i_ask_offers_a_question_to_each_and_shadowing_with_the_hosts(bram):
    text = bram.get("/ask", query_string={"skill": "sql"}).get_data(as_text=True)
    subject = urllib.parse.quote("A question about SQL (via meeloop)")
    assert f'href="mailto:chen@wadloo.example?subject={subject}"' in text
    assert 'href="/me/shadowing?host=chen&amp;skill=SQL"' in text
    # Dirk holds SQL at level 2, below what a host needs, and does not host guests.
    assert "mailto:dirk@wadloo.example?subject=" in text and "host=dirk" not in text


def test_the_filled_in_form_says_before_asking_whether_anyone_hosts_the_skill(bram):
    form = re.search(
        r'<form class="card".*?</form>', page_text(bram.get("/me/shadowing?skill=Wmo")), re.DOTALL
    )
    assert 'data-next="nobody"' in form.group(
        0
    ) and "Nobody hosts guests on Wmo-wetgeving yet." in form.group(0)
    form = re.search(
        r'<form class="card".*?</form>', page_text(bram.get("/me/shadowing?skill=sql")), re.DOTALL
    )
    assert "1 colleague hosts guests on SQL: 王芳." in form.group(0)
    assert "data-next" not in page_text(bram.get("/me/shadowing"))
