"""HR asks "why not ...?" on a round's page: each partner a person could have had, with the round's
score, the ones a rule rules out with the rule in words, and taking one as a lock and solving again."""

from __future__ import annotations

import re

from tests.web.rounds.support import MENTORING, propose, review_url, stored_round
from tests.webtools import post_form


def test_hr_asks_why_not_for_someone_left_out_and_takes_a_partner_as_a_lock(app, hr):
    propose(hr)
    (left,) = [u.person_id for u in stored_round(app).unmatched]
    review = hr.get(review_url()).get_data(as_text=True)
    assert f"/why?person={left}" in review and "Why not…?" in review
    page = hr.get(f"{review_url()}/why", query_string={"person": left})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r"partners? the rules? allows?", html)
    offered = re.findall(r'name="members" value="([^"]+)"', html)
    assert offered and all(m.endswith("," + left) for m in offered)
    assert "Lock and solve again" in html and "Round score" in html

    taken = post_form(
        hr, f"{review_url()}/why/lock", {"members": offered[0], "lock": "1"}, form_page=review_url()
    )
    assert taken.status_code == 302
    stored = stored_round(app)
    teacher, learner = offered[0].split(",")
    assert (teacher, learner) in {p.members for p in stored.pairs}
    assert any(p.locked and p.members == (teacher, learner) for p in stored.pairs)
    assert f"locked {teacher} with {learner} for the next proposal" in hr.get(review_url()).get_data(
        as_text=True
    )


def test_a_named_partner_the_rules_rule_out_is_said_in_words_and_an_unknown_name_is_refused(app, hr):
    propose(hr)
    page = hr.get(f"{review_url()}/why", query_string={"person": "Pim de Wit (pim)", "partner": "roos"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "takes part only to learn in this round" in html
    assert "eligible" not in html  # the reason in words, not a rule's name
    unknown = hr.get(f"{review_url()}/why", query_string={"person": "Nobody Here"})
    assert unknown.status_code == 400 and "pick someone from the list" in unknown.get_data(as_text=True)
    assert MENTORING in unknown.get_data(as_text=True)
