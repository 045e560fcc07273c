"""The group settings page shows some settings; saving it keeps the ones it does not show (counts
per group, balance, bands of experience, locks and forbidden pairs, set in a config file)."""

from __future__ import annotations

from matcher.engines.groups import GroupConfig
from matcher.services import organisation
from tests.web.rounds.support import db_of
from web.round_forms import group_form, group_mapping


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
            "forbidden": [["pim", "roos"]],
        }
    )
    org = organisation.load_organisation(db_of(app))
    with app.test_request_context("/hr/rounds/new/think-tank", method="GET"):
        form = group_form("think-tank", org, base, new=False)
        again = GroupConfig.from_mapping(group_mapping(form, "think-tank", base))
    assert (again.counts, again.balance) == (base.counts, base.balance)
    assert (again.experience_bands, again.band_count, again.forbidden) == ((2, 5, 10), 3, (("pim", "roos"),))
