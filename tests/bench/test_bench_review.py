"""``meeloop bench-review`` runs end to end on a small organisation and reports every figure (no
speed is asserted: that is for the benchmark itself)."""

from __future__ import annotations

from bench.review import run, table


def test_the_review_benchmark_measures_the_page_and_the_answers_beside_the_baseline():
    found = run(people=150, seed=1, asked=4, time_limit=2.0)
    assert found["pairs"] > 0 and found["asked"] == 4
    assert found["review_bytes"] > 10_000
    assert found["review_first_seconds"] > 0 and found["review_seconds"] > 0
    assert found["why_answer_seconds"] > 0 and found["why_answer_max_seconds"] >= found["why_answer_seconds"]
    assert found["baseline_seconds"] is not None and found["baseline_seconds"] > 0
    shown = table(found)
    assert "why-not answer against the baseline" in shown and "x faster" in shown
