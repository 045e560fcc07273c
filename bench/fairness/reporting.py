"""The side-by-side table of ``meeloop bench-fairness``."""

from __future__ import annotations

from typing import Any

#: Each measure: its label, and which way is better.
ROWS = (
    ("longest_run", "longest run of rounds left out while a place existed", "lower is better"),
    ("out_4_or_more", "people left out 4 or more rounds in a row", "lower is better"),
    (
        "longest_run_passed_over",
        "longest run left out while a place went to someone who had waited less",
        "lower is better",
    ),
    (
        "out_more_than_k_passed_over",
        "people left out more than K rounds in a row while a place went to someone who had waited less",
        "lower is better",
    ),
    ("longest_run_free", "longest run left out while a place was free", "lower is better"),
    ("gini_participation", "Gini of participation (share of rounds placed)", "lower is more even"),
    ("gini_mentor_load", "Gini of mentor load (learners per mentor)", "lower is more even"),
    ("repeat_share", "share of pairs (or groups) with two who met before", "lower: more new people"),
    (
        "score",
        "pairs' score without fairness parts, per round (groups: the plan's objective)",
        "higher: more learning and mix",
    ),
    ("seconds", "solver seconds, all rounds", "for scale"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,.0f}"


def _ratio(memory: Any, plain: Any) -> str:
    if memory is None or plain is None or not plain:
        return "–"
    return f"{memory / plain:.2f}"


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Fairness over rounds: {results['rounds']} quarterly rounds, {results['people']:,} people, "
        f"seed {results['seed']}, {results['time_limit']:g} s per round",
        "",
    ]
    for mode, arms in results["modes"].items():
        memory, plain = arms["memory"], arms["no memory"]
        width = max(len(label) for _, label, _ in ROWS)
        lines.append(f"{mode} rounds")
        lines.append(f"  {'measure':<{width}}  {'memory':>9}  {'no memory':>9}  {'ratio':>6}  direction")
        for key, label, direction in ROWS:
            if memory[key] is None and plain[key] is None:
                continue  # mentor load in exchange and group rounds
            lines.append(
                f"  {label:<{width}}  {_cell(memory[key]):>9}  {_cell(plain[key]):>9}  "
                f"{_ratio(memory[key], plain[key]):>6}  {direction}"
            )
        lines.append("")
    lines.append(
        "ratio = with memory / without (below 1: the memory has less of it); a place existed = opted in "
        "with a possible partner under the rules; a place was free = one of those partners still had "
        "room at the end of the round; waited less = left out fewer rounds in a row before the round "
        "(a run left out starts with any round left out and goes on only through rounds in which such a "
        "place went to someone who had waited less); K = 2"
    )
    return "\n".join(lines)
