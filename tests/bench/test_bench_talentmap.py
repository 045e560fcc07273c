"""``meeloop bench`` (the talent map) runs end to end on a small organisation and reports every figure
(no speed is asserted: that is for the benchmark itself)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench import talentmap
from bench.synthetic import generate_organisation


def test_the_talent_map_benchmark_imports_asks_in_process_and_over_http(tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(
        talentmap.bench, ["--people", "200", "--questions", "40", "--clients", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(out.read_text(encoding="utf-8"))
    org = generate_organisation(200, None, seed=1)
    assert found["holdings"] == len(org.holdings) and found["skills"] == len(org.skills)
    imported = found["import"]
    assert imported["json"]["cpu_seconds"] > 0 and imported["csv"]["seconds"] > 0
    assert found["talent_map"]["build_map_cpu_seconds"] > 0
    assert found["talent_map"]["ask_in_process"]["p95_ms"] > 0
    assert found["http"]["requests_per_second"] > 0
    assert "who to ask over HTTP, 2 clients, p95 (ms)" in result.output


def test_a_matrix_beyond_the_readers_limits_is_left_out_and_said_so(tmp_path, monkeypatch):
    org = generate_organisation(60, None, seed=2)
    monkeypatch.setattr(talentmap, "MAX_ROWS", 59)

    figures = talentmap.bench_import(org, tmp_path)

    assert "csv" not in figures and figures["json"]["seconds"] > 0
    assert not (tmp_path / "matrix.csv").exists()
