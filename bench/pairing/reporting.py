"""The figures of every instance as a Markdown table, then each instance's notes and goals."""

from __future__ import annotations

from typing import Any


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def report(results: dict[str, Any]) -> str:
    lines = [
        f"seed {results['seed']}, Python {results['python']}, {results['cpus']} CPUs",
        "time ratio = seconds ÷ engine solve(); ratio = objective ÷ best plan that breaks no rule; "
        "gap to the engine's proven bound; peak = resident-set growth during the method, in its own "
        "forked process; breaks = rule violations found by validate()",
        "",
        "| scenario | method | objective | ratio | gap | seconds | time ratio | peak MiB | breaks |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["instances"]:
        where = (
            result["scenario"] if result["people"] is None else f"{result['people']:,}: {result['scenario']}"
        )
        for row in result["rows"]:
            breaks = row.get("violations")
            lines.append(
                f"| {where} | {row['method']} | {row['objective']:.2f} | {_fmt(row['ratio'], '.4f')} "
                f"| {_fmt(row['gap'], '.2%')} | {row['seconds']:.3f} | {_fmt(row['time_ratio'], '.2f')} "
                f"| {_fmt(row['peak_mib'], '.1f')} | {'–' if breaks is None else breaks} |"
            )
    lines.append("")
    for result in results["instances"]:
        where = (
            result["scenario"] if result["people"] is None else f"{result['people']:,}: {result['scenario']}"
        )
        instance = result["instance"]
        lines.append(
            f"{where}: {instance['learners']:,} learners, {instance.get('teachers', 0):,} teachers "
            f"(capacity {instance['capacity']:,}), engine {result['engine']['solver']} "
            f"{result['engine']['status']}"
            + (
                f", build {instance['build_seconds']:.2f} s, peak {instance['build_peak_mib']:.0f} MiB"
                if "build_seconds" in instance
                else ""
            )
        )
        lines += [f"  - note: {note}" for note in result["notes"]]
        for g in result["goals"]:
            verdict = "info" if g["pass"] is None else "pass" if g["pass"] else "FAIL"
            lines.append(f"  - [{verdict}] {g['goal']}: {g['value']}")
    return "\n".join(lines)
