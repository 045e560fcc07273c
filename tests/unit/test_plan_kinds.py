"""The registry of plan kinds: every kind the engines make is in it once, with its family and its settings."""

from __future__ import annotations

import pytest

from matcher.engines.groups.config import KINDS as GROUP_KINDS
from matcher.engines.pairing.config import DIRECTED, MODES
from matcher.plans.kinds import KINDS, Family, UnknownKind, directed, is_round, kind, kinds, names


def test_every_pairing_mode_and_group_kind_is_a_round_kind_of_its_family():
    assert names(Family.PAIRS) == tuple(MODES)
    assert names(Family.GROUPS) == tuple(GROUP_KINDS)
    assert all(k.is_round for k in kinds(Family.PAIRS, Family.GROUPS))


def test_lunch_and_shadowing_are_plans_of_times_not_rounds():
    assert [k.name for k in kinds(Family.SESSIONS, Family.SLOTS)] == ["lunch", "shadowing"]
    assert not is_round("lunch") and not is_round("shadowing")
    assert kind("lunch").unit == "session" and kind("shadowing").unit == "slot"


def test_only_the_directed_pairing_modes_have_a_teacher_first():
    assert {k.name for k in kinds() if k.directed} == set(DIRECTED)
    assert directed("mentor") and not directed("exchange") and not directed("think-tank")
    assert not directed("an old kind from the history")


def test_the_joint_between_members_follows_the_family():
    assert kind("buddy").joint == "→"
    assert kind("exchange").joint == "&"
    assert kind("intervision").joint == ", "


@pytest.mark.parametrize("name", names(Family.PAIRS, Family.GROUPS))
def test_a_rounds_default_settings_survive_being_stored_and_read_back(name):
    plan_kind = kind(name)
    config = plan_kind.default_config()
    assert isinstance(config, plan_kind.config)
    assert plan_kind.config_from(config.as_dict()) == config


def test_a_plan_of_times_has_no_round_settings():
    with pytest.raises(TypeError):
        kind("lunch").config_from({})


def test_an_unknown_kind_is_refused_with_the_kinds_there_are():
    with pytest.raises(UnknownKind) as refused:
        kind("speed-dating")
    assert "speed-dating" in str(refused.value) and "think-tank" in str(refused.value)
    assert not is_round("speed-dating")
    assert len(KINDS) == len(MODES) + len(GROUP_KINDS) + 2
