"""HR's rounds in the web UI: reviewing a proposal, adjusting it, solving again, comparing, and new
settings. Flask's test client against a real SQLite file."""

from __future__ import annotations

import re

from matcher.plans.solve_jobs import DONE
from matcher.services import background
from tests.web.rounds.support import (
    MENTORING,
    act,
    db_of,
    form_defaults,
    job_id,
    pairs_of,
    propose,
    review_url,
    stored_round,
)
from tests.webtools import post_form


def test_lock_swap_exclude_and_forbid_then_resolve_keeps_locks_and_honours_forbidden_pairs(app, hr):
    propose(hr)
    assert pairs_of(app) == {("olga", "tom"), ("marit", "umar"), ("niels", "pim"), ("marit", "roos")}

    assert act(hr, "lock", {"members": "niels,pim", "lock": "1"}).status_code == 302
    assert stored_round(app).locked_pairs == (("niels", "pim"),)
    refused = act(hr, "swap", {"swap-first": "pim", "swap-second": "roos"})
    assert refused.status_code == 400 and "is locked; unlock it before swapping" in refused.get_data(
        as_text=True
    )

    assert act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"}).status_code == 302
    assert {("olga", "roos"), ("marit", "tom")} <= pairs_of(app)
    same = act(hr, "swap", {"swap-first": "tom", "swap-second": "tom"})
    assert same.status_code == 400 and "Choose two different people" in same.get_data(as_text=True)

    assert act(hr, "exclude", {"exclude-person": "umar"}).status_code == 302
    stored = stored_round(app)
    assert "umar" in stored.config.select.exclude
    assert not any("umar" in unit.members for unit in stored.pairs)
    assert "Excluded by HR: Umar Aziz" in hr.get(review_url()).get_data(as_text=True)

    forbid = act(hr, "forbid", {"forbid-first": "marit", "forbid-second": "roos"})
    assert forbid.status_code == 302 and "/hr/rounds/jobs/" in forbid.headers["Location"]
    job = background.job(db_of(app), job_id(forbid))
    assert job.status == DONE
    stored = stored_round(app)
    assert ("niels", "pim") in pairs_of(app) and stored.locked_pairs == (("niels", "pim"),)
    assert not any({"marit", "roos"} <= set(unit.members) for unit in stored.pairs)
    assert ("marit", "roos") in stored.config.forbidden
    placed = {m for unit in stored.pairs for m in unit.members} | {u.person_id for u in stored.unmatched}
    assert "umar" not in placed

    again = act(hr, "resolve", {})
    assert again.status_code == 302
    assert ("niels", "pim") in pairs_of(app) and not any({"marit", "roos"} <= set(u) for u in pairs_of(app))
    assert act(hr, "lock", {"members": "pim,niels", "lock": "0"}).status_code == 302
    assert stored_round(app).locked_pairs == ()
    html = hr.get(review_url()).get_data(as_text=True)
    assert "locked</span>" not in html and "Forbidden pairs: Marit Bos &amp; Roos Visser" in html


def test_swapping_into_a_pair_that_breaks_a_rule_is_refused_and_changes_nothing(app, hr):
    propose(hr)
    before = stored_round(app)
    # Pim wants SQL only; Olga teaches neither SQL nor anything Pim wants.
    response = act(hr, "swap", {"swap-first": "pim", "swap-second": "tom"})
    assert response.status_code == 400
    assert "breaks these rules" in response.get_data(as_text=True)
    assert stored_round(app).pairs == before.pairs


def test_compare_shows_what_a_re_solve_changed(app, hr):
    propose(hr)
    act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"})
    act(hr, "forbid", {"forbid-first": "olga", "forbid-second": "roos"})
    page = hr.get(f"{review_url()}/compare")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    jobs_made = [j for j in background.jobs_of(db_of(app), MENTORING) if j.status == DONE]
    before = jobs_made[-1].snapshot("before")
    after = jobs_made[-1].snapshot("proposal")
    assert before is not None and after is not None
    assert {u.members for u in before.units} != {u.members for u in after.units}
    assert "Only in A" in html and "Only in B" in html and "Total of their scores" in html
    only_a = re.search(r'id="only-a">.*?</ul>', html, re.S).group(0)
    assert "Olga Smit → Roos Visser" in only_a  # HR's swap, replaced by the re-solve
    # the two proposals and their figures in words, each number as the data has it
    words = " ".join(re.search(r'id="in-words">.*?</section>', html, re.S).group(0).split())
    diff = after.objective - before.objective
    said = "score the same" if abs(diff) < 0.005 else ("more than A" if diff > 0 else "less than A")
    assert said in words
    only_in_b = [u for u in after.units if u.key not in {v.key for v in before.units}]
    assert (
        f"{len(only_in_b)} only in B, together {round(sum(u.score for u in only_in_b), 2):g} points" in words
    )
    assert "less what it costs to give one person several pairs" in words
    assert f"A: total {before.total:g}, objective {before.objective:g}" in words
    chosen = hr.get(f"{review_url()}/compare", query_string={"a": f"job-{jobs_made[0].id}", "b": "current"})
    assert chosen.status_code == 200 and 'value="current" selected' in chosen.get_data(as_text=True)
    assert hr.get(f"{review_url()}/compare", query_string={"a": "job-999"}).status_code == 404


def test_new_settings_for_a_proposed_round_propose_it_again_and_keep_its_locks(app, hr):
    propose(hr)
    act(hr, "lock", {"members": "niels,pim", "lock": "1"})
    page = f"{review_url()}/settings"
    html = hr.get(page).get_data(as_text=True)
    assert 'id="time_limit"' in html and 'value="2"' in html and 'name="name"' not in html
    data = {**form_defaults(html), "weights__learning": "3", "exclude": "sara"}
    bad = post_form(hr, page, {**data, "weights__repeat_fade": "-0.5"}, form_page=page)
    assert bad.status_code == 400 and "must be between 0 and 1" in bad.get_data(as_text=True)
    response = post_form(hr, page, data, form_page=page)
    assert response.status_code == 302
    stored = stored_round(app)
    assert stored.config.weights.learning == 3.0 and stored.config.select.exclude == ("sara",)
    assert stored.locked_pairs == (("niels", "pim"),)
    assert "sara" not in {u.person_id for u in stored.unmatched}
