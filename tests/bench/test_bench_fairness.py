"""``meeloop bench-fairness`` runs end to end at a tiny size and its figures agree with each other
(no speed is asserted: that is for the benchmark itself)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.fairness import command, run
from bench.fairness.reporting import report
from bench.fairness.simulation import RoundLog, gini, longest_runs, repeat_share


def log(opted_in: str, with_place: str, placed: str, units: tuple[tuple[str, ...], ...] = ()) -> RoundLog:
    out = frozenset(with_place) - frozenset(placed)
    return RoundLog(
        frozenset(opted_in), frozenset(with_place), frozenset(placed), out, frozenset(), units, 0.0, 0.0, 0.0
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


def test_the_simulation_compares_both_arms_on_every_measure():
    found = run(people=80, rounds=3, seed=2, modes=("mentor", "exchange"), time_limit=1.0)
    assert set(found["modes"]) == {"mentor", "exchange"}
    for mode, arms in found["modes"].items():
        assert set(arms) == {"memory", "no memory"}
        for figures in arms.values():
            assert 0 <= figures["longest_run"] <= 3
            assert figures["out_4_or_more"] == 0  # three rounds cannot make a run of four
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
        ["--people", "60", "--rounds", "2", "--modes", "buddy", "--time-limit", "1", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "buddy rounds" in result.output
    assert set(json.loads(out.read_text())["modes"]["buddy"]) == {"memory", "no memory"}
    refused = CliRunner().invoke(command, ["--modes", "lunch"])
    assert refused.exit_code == 2 and "--modes" in refused.output
