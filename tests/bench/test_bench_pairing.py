"""``meeloop bench-pairing`` reports true figures: each plan is re-valued here from scratch.

Correctness only; the timings are the benchmark's business, not the tests'.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from bench.pairing import TODAY, command
from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem

EXACT = ("scipy linear_sum_assignment", "scipy min_weight_full_bipartite", "or-tools min-cost flow")
SEED = 1


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "pairing.json"
    result = CliRunner().invoke(command, ["--quick", "--seed", str(SEED), "--plans", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "| engine propose() |" in result.output
    return json.loads(out.read_text(encoding="utf-8"))


def rows_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["method"]: row for row in result["rows"]}


def engine_row(result: dict[str, Any]) -> dict[str, Any]:
    rows = rows_of(result)
    return rows.get("engine propose()") or rows["engine solve() on a stand-in"]


def exact_instances(figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        r
        for r in figures["instances"]
        if r["scenario"] == "pure capacity" or r["scenario"].startswith("reference")
    ]


def test_the_engine_reaches_the_exact_optimum_on_pure_capacity_instances(figures):
    found = exact_instances(figures)
    assert len(found) == 2  # the synthetic organisation and the reference instance
    for result in found:
        rows = rows_of(result)
        assert set(EXACT) <= set(rows), result["notes"]
        for name in EXACT:
            assert engine_row(result)["objective"] == pytest.approx(rows[name]["objective"]), name
        assert result["engine"]["status"] == "optimal"


def test_greedy_and_stable_matching_never_beat_the_engine_where_it_is_exact(figures):
    for result in [
        *exact_instances(figures),
        *(r for r in figures["instances"] if r["scenario"] == "exchange"),
    ]:
        rows = rows_of(result)
        for name in ("greedy", "stable matching"):
            if name in rows:
                assert rows[name]["objective"] <= engine_row(result)["objective"] + 1e-9, (
                    result["scenario"],
                    name,
                )


def test_every_reported_objective_is_the_value_of_its_plan(figures):
    """Each organisation's problem is built again here, and every plan valued from its candidates."""
    people = [r for r in figures["instances"] if r["people"] is not None]
    assert {r["scenario"] for r in people} == {"pure capacity", "every rule on", "exchange"}
    tmap = TalentMap(generate_organisation(people[0]["people"], seed=SEED, today=TODAY), today=TODAY)
    for result in people:
        config = PairingConfig.from_mapping(result["config"])
        problem = build_problem(tmap, config, today=TODAY)
        step = round(100 * config.weights.spread) if config.directed else 0
        for row in result["rows"]:
            pairs = [tuple(p) for p in row["pairs"]]
            loads = Counter(p[0] for p in pairs)
            points = sum(problem.candidates[p].points for p in pairs)
            penalty = sum(step * n * (n - 1) // 2 for n in loads.values())
            assert row["objective"] == pytest.approx((points - penalty) / 100), (
                result["scenario"],
                row["method"],
            )
            learners = [p[1] for p in pairs] if config.directed else [m for p in pairs for m in p]
            assert len(learners) == len(set(learners)), row["method"]
            if config.directed:
                assert all(n <= problem.teachers[t] for t, n in loads.items()), row["method"]
        assert engine_row(result)["objective"] == pytest.approx(result["engine"]["objective"])


def test_the_reference_instance_is_valued_from_its_own_random_points(figures):
    (result,) = [r for r in figures["instances"] if r["scenario"].startswith("reference")]
    learners, teachers = result["instance"]["learners"], result["instance"]["teachers"]
    points = (
        np.random.default_rng(SEED).integers(1, 1_001, size=learners * teachers).reshape(learners, teachers)
    )
    capacity = result["instance"]["capacity"] // teachers
    for row in result["rows"]:
        pairs = [(int(t[1:]), int(learner[1:])) for t, learner in row["pairs"]]
        assert row["objective"] == pytest.approx(sum(int(points[h, t]) for t, h in pairs) / 100), row[
            "method"
        ]
        assert len({h for _, h in pairs}) == len(pairs)
        assert max(Counter(t for t, _ in pairs).values()) <= capacity


def test_plans_that_break_one_role_are_counted_not_hidden(figures):
    (result,) = [r for r in figures["instances"] if r["scenario"] == "every rule on"]
    rows = rows_of(result)
    assert rows["engine propose()"]["violations"] == 0
    for row in result["rows"]:
        teaching = {p[0] for p in row["pairs"]}
        double = sum(1 for p in row["pairs"] if p[1] in teaching)
        assert (double > 0) == (row["broken_rules"].get("one role", 0) > 0), row["method"]


def test_the_one_role_baselines_keep_every_rule_and_never_beat_the_engine(figures):
    (result,) = [r for r in figures["instances"] if r["scenario"] == "every rule on"]
    rows = rows_of(result)
    for name in ("greedy, one role", "teachers-only min-cost flow"):
        assert rows[name]["violations"] == 0, rows[name]["broken_rules"]
        teaching = {p[0] for p in rows[name]["pairs"]}
        assert not teaching & {p[1] for p in rows[name]["pairs"]}, name
        assert rows[name]["objective"] <= engine_row(result)["objective"] + 1e-9, name
    # The plain greedy breaks one role on this organisation, so the one-role greedy is another plan.
    assert rows["greedy"]["violations"] > 0
    assert rows["greedy, one role"]["pairs"] != rows["greedy"]["pairs"]


def test_the_one_role_baselines_are_left_out_where_the_round_has_no_such_rule(figures):
    for result in exact_instances(figures):
        assert not {"greedy, one role", "teachers-only min-cost flow"} & set(rows_of(result))
        assert any("does not ask for one role" in note for note in result["notes"])


def test_rustworkx_called_directly_reaches_the_engines_exchange_optimum(figures):
    (result,) = [r for r in figures["instances"] if r["scenario"] == "exchange"]
    rows = rows_of(result)
    direct = rows["rustworkx max_weight_matching"]
    assert direct["objective"] == pytest.approx(engine_row(result)["objective"])
    assert direct["objective"] == pytest.approx(rows["networkx max_weight_matching"]["objective"])
    goals = {g["goal"].split(" (")[0]: g for g in result["goals"]}
    assert goals["engine objective = rustworkx called directly on the same edges"]["pass"] is True
