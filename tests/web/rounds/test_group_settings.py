"""The group settings page shows every criterion a group round holds: the attributes, how many
people of one kind per group, balanced averages, bands of experience and shared working time.
Saving it gives the same settings, and keeps what it does not show (locks, forbidden pairs)."""

from __future__ import annotations

import re

from matcher.engines.groups import GroupConfig
from matcher.services import background, organisation
from tests.web.rounds.support import db_of, form_defaults, propose
from tests.webtools import post_form
from web.group_form import group_form, group_mapping

SETTINGS = "/hr/rounds/denktank/settings"

#: A soft count range, a balance, bands and shared time, as HR fills them in.
FILLED = {
    "counts-0-attribute": "department",
    "counts-0-max": "2",
    "counts-0-hard": "",
    "counts-0-weight": "2.5",
    "balance-0-attribute": "experience",
    "balance-0-weight": "1.5",
    "balance-0-tolerance": "4",
    "experience_bands": "2, 5, 10",
    "band_count": "3",
    "shared_time__hours": "4",
    "shared_time__weight": "0.5",
}


def test_saving_the_form_keeps_the_settings_it_does_not_show(app):
    base = GroupConfig.from_mapping(
        {
            "kind": "think-tank",
            "size_min": 3,
            "size_max": 4,
            "counts": [{"attribute": "department", "max": 2, "hard": False, "weight": 2.0}],
            "balance": [{"attribute": "experience", "weight": 1.0, "tolerance": 3.0}],
            "experience_bands": [2, 5, 10],
            "band_count": 3,
            "shared_time": {"hours": 6, "hard": True, "weight": 1.0},
            "forbidden": [["pim", "roos"]],
            "locked": [["pim", "marit"]],
            "seed": 7,
        }
    )
    org = organisation.load_organisation(db_of(app))
    with app.test_request_context("/hr/rounds/new/think-tank", method="GET"):
        form = group_form("think-tank", org, base, new=False)
        again = GroupConfig.from_mapping(group_mapping(form, "think-tank", base))
    # the criteria come back in the form's order, each attribute named: the rest as it was
    assert again.replace(criteria=()) == base.replace(criteria=())


def _settings_of_last_job(app, name="denktank") -> dict:
    return background.jobs_of(db_of(app), name)[-1].settings["config"]


def test_a_round_proposed_with_counts_balance_bands_and_shared_time_holds_them(app, hr):
    response = propose(hr, "think-tank", "denktank", size_min="3", size_max="4", time_limit="1", **FILLED)
    assert response.status_code == 302
    config = _settings_of_last_job(app)
    assert config["counts"] == [
        {"attribute": "department", "value": "", "level": 3, "min": 0, "max": 2, "hard": False, "weight": 2.5}
    ]
    assert config["balance"] == [{"attribute": "experience", "weight": 1.5, "tolerance": 4.0}]
    assert (config["experience_bands"], config["band_count"]) == ([2.0, 5.0, 10.0], 3)
    assert config["shared_time"] == {"hours": 4.0, "hard": False, "weight": 0.5}

    page = hr.get(SETTINGS).get_data(as_text=True)
    shown = form_defaults(page)
    assert {k: shown.get(k) for k in ("counts-0-attribute", "counts-0-max", "balance-0-tolerance")} == {
        "counts-0-attribute": "department",
        "counts-0-max": "2",
        "balance-0-tolerance": "4",
    }
    assert "counts-0-hard" not in shown and shown["experience_bands"] == "2, 5, 10"
    assert (shown["shared_time__hours"], shown["shared_time__weight"]) == ("4", "0.5")
    assert re.search(
        r'<fieldset class="row" aria-describedby="counts-hint">\s*<legend>Range 1</legend>', page
    )
    assert "each person short or over costs the weight in points" in page

    again = post_form(hr, SETTINGS, shown)
    assert again.status_code == 302
    assert len(background.jobs_of(db_of(app), "denktank")) == 2
    assert _settings_of_last_job(app) == config


def test_a_bad_range_or_too_many_hours_is_refused_at_its_field_and_changes_nothing(app, hr):
    propose(hr, "think-tank", "denktank", size_min="3", size_max="4", time_limit="1", **FILLED)
    shown = form_defaults(hr.get(SETTINGS).get_data(as_text=True))

    bad = post_form(
        hr, SETTINGS, {**shown, "counts-0-min": "3", "counts-0-max": "1", "shared_time__hours": "200"}
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert re.search(
        r'has-error[^"]*">\s*<label for="counts-0-max".*?a whole number no less than the minimum', html, re.S
    )
    assert re.search(r'has-error[^"]*">\s*<label for="shared_time__hours".*?the hours of a week', html, re.S)
    assert "How many per group, row 1, At most:" in html
    assert len(background.jobs_of(db_of(app), "denktank")) == 1


def test_in_dutch_numbers_take_a_decimal_comma_and_are_shown_back_with_one(app, hr):
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    dutch = {
        **FILLED,
        "counts-0-weight": "2,5",
        "balance-0-tolerance": "3,5",
        "experience_bands": "2; 5,5; 10",
        "shared_time__weight": "0.5",
    }
    response = propose(hr, "think-tank", "denktank", size_min="3", size_max="4", time_limit="1,5", **dutch)
    assert response.status_code == 302
    config = _settings_of_last_job(app)
    assert (config["counts"][0]["weight"], config["balance"][0]["tolerance"]) == (2.5, 3.5)
    assert config["experience_bands"] == [2.0, 5.5, 10.0]
    assert config["shared_time"]["weight"] == 0.5 and config["time_limit"] == 1.5

    page = hr.get(SETTINGS).get_data(as_text=True)
    assert 'lang="nl"' in page
    shown = form_defaults(page)
    assert (shown["counts-0-weight"], shown["balance-0-tolerance"]) == ("2,5", "3,5")
    assert (shown["experience_bands"], shown["shared_time__weight"]) == ("2; 5,5; 10", "0,5")
    # the same cut-offs typed the English way mean the same in Dutch
    again = post_form(hr, SETTINGS, {**shown, "experience_bands": "2, 5.5, 10"})
    assert again.status_code == 302
    assert _settings_of_last_job(app)["experience_bands"] == [2.0, 5.5, 10.0]

    bad = post_form(hr, SETTINGS, {**shown, "experience_bands": "2,5,10", "balance-0-weight": "1,2,3"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert re.search(r'has-error[^"]*">\s*<label for="experience_bands"', html)
    assert re.search(r'has-error[^"]*">\s*<label for="balance-0-weight"', html)
    assert "Geef een getal" in html
