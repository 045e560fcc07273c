"""Every kind in the registry has its words on the pages, and the pages offer no kind the registry lacks."""

from __future__ import annotations

from matcher.plans.kinds import KINDS
from web import words


def test_every_kind_of_plan_has_a_name_and_a_meaning_on_the_pages():
    assert {w.value for w in words.ROUND_KINDS} == set(KINDS)
