"""``meeloop bench-fairness`` runs end to end at a tiny size and its figures agree with each other
(no speed is asserted: that is for the benchmark itself)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.fairness import command, run
from bench.fairness.reporting import report
from bench.fairness.simulation import (
    RoundLog,
    _passed_over,
    current_runs,
    gini,
    longest_runs,
    passed_over_runs,
    repeat_share,
)
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem
from tests.unit.test_fairness import crowded_org
from tests.unit.test_pairing import TODAY


def log(
    opted_in: str,
    with_place: str,
    placed: str,
    units: tuple[tuple[str, ...], ...] = (),
    passed_over: str = "",
) -> RoundLog:
    out = frozenset(with_place) - frozenset(placed)
    return RoundLog(
        opted_in=frozenset(opted_in),
        with_place=frozenset(with_place),
        placed=frozenset(placed),
        with_free_place=out,
        passed_over=frozenset(passed_over),
        teachers=frozenset(),
        units=units,
        objective=0.0,
        score=0.0,
        seconds=0.0,
    )


def test_the_measures_count_runs_gini_and_repeats_as_defined():
    assert gini([1, 1, 1, 1]) == 0
    assert gini([0, 0, 0, 4]) == 0.75
    assert gini([]) == 0
    logs = [log("ab", "ab", "a"), log("ab", "ab", "a"), log("ab", "a", "a"), log("ab", "ab", "a")]
    # Bob had no place in the third round: his run ends there.
    assert longest_runs(logs) == {"b": 2}
    pairs = [
        log("", "", "", (("a", "b"), ("c", "d"))),
        log("", "", "", (("a", "c"), ("b", "d"))),
        log("", "", "", (("a", "b", "c"),)),
    ]
    assert repeat_share(pairs) == 1 / 3


def test_a_run_counts_against_the_guarantee_only_through_rounds_passed_over():
    # Bob is left out four rounds in a row; in the third a place went to someone who had waited as
    # long or longer (not passed over), so his run starts again there.
    logs = [
        log("ab", "ab", "a"),
        log("ab", "ab", "a", passed_over="b"),
        log("ab", "ab", "a"),
        log("ab", "ab", "a", passed_over="b"),
    ]
    assert longest_runs(logs) == {"b": 4}
    assert passed_over_runs(logs) == {"b": 2}
    assert current_runs(logs) == {"b": 4}
    assert current_runs([*logs, log("ab", "ab", "ab")]) == {}


def test_passed_over_means_a_place_went_to_someone_who_had_waited_less():
    problem = build_problem(TalentMap(crowded_org(), today=TODAY), PairingConfig(mode="mentor"), today=TODAY)
    # Mira could take Ada or Bob and took Ada.
    units = (("mira", "ada"),)
    out = frozenset({"bob"})
    assert _passed_over(problem, units, out, {"bob": 2}) == {"bob"}
    assert _passed_over(problem, units, out, {"bob": 2, "ada": 1}) == {"bob"}
    assert _passed_over(problem, units, out, {"bob": 2, "ada": 2}) == set()
    assert _passed_over(problem, units, out, {}) == set()


def test_the_simulation_compares_both_arms_on_every_measure():
    found = run(people=80, rounds=3, seed=2, modes=("mentor", "exchange"), time_limit=1.0)
    assert set(found["modes"]) == {"mentor", "exchange"}
    for mode, arms in found["modes"].items():
        assert set(arms) == {"memory", "no memory"}
        for figures in arms.values():
            assert 0 <= figures["longest_run"] <= 3
            assert figures["out_4_or_more"] == 0  # three rounds cannot make a run of four
            assert 0 <= figures["longest_run_passed_over"] <= figures["longest_run"]
            # K = 2: someone is counted exactly when a run passed over reaches three.
            assert (figures["out_more_than_k_passed_over"] > 0) == (figures["longest_run_passed_over"] > 2)
            assert 0 <= figures["gini_participation"] < 1
            assert 0 <= figures["repeat_share"] <= 1
            assert (figures["gini_mentor_load"] is None) == (mode == "exchange")
    # The memory only adds priorities: with it, nobody waits longer than without.
    mentor = found["modes"]["mentor"]
    assert mentor["memory"]["longest_run"] <= mentor["no memory"]["longest_run"]
    # Fresh partners: nobody in an exchange round meets someone again while others are new to them.
    assert (
        found["modes"]["exchange"]["memory"]["repeat_share"]
        <= found["modes"]["exchange"]["no memory"]["repeat_share"]
    )
    shown = report(found)
    assert "Gini of mentor load" in shown and "lower is better" in shown and "no memory" in shown


def test_the_command_prints_the_table_and_writes_the_figures(tmp_path):
    out = tmp_path / "fairness.json"
    result = CliRunner().invoke(
        command,
        [
            *("--people", "60", "--rounds", "2", "--modes", "buddy", "--time-limit", "1"),
            *("--group-kind", "", "--out", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "buddy rounds" in result.output
    assert set(json.loads(out.read_text())["modes"]["buddy"]) == {"memory", "no memory"}
    refused = CliRunner().invoke(command, ["--modes", "lunch"])
    assert refused.exit_code == 2 and "--modes" in refused.output
    refused = CliRunner().invoke(command, ["--group-kind", "lunch"])
    assert refused.exit_code == 2 and "--group-kind" in refused.output


def test_a_group_kind_runs_with_fresh_groupmates_against_without():
    found = run(people=40, rounds=4, seed=3, modes=("buddy",), time_limit=0.5, group_kind="intervision")
    arms = found["modes"]["intervision"]
    assert set(arms) == {"memory", "no memory"}
    # Fresh groupmates: with the memory, no group has two who met before while others are new.
    assert arms["memory"]["repeat_share"] <= arms["no memory"]["repeat_share"]
    assert arms["memory"]["gini_mentor_load"] is None
    assert "intervision rounds" in report(found)
