"""Pairing rounds from the command line: a real meeloop process on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.io import orgjson
from tests.clitools import run
from tests.optins import opt_in_at
from tests.orgs import mentoring_org

ROUND = "2026-Q4 mentor"


@pytest.fixture
def loaded(sqlite_url, tmp_path) -> str:
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    result = run("import", "org.json", db=sqlite_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    opt_in_at(sqlite_url, tmp_path / "org.json")
    return sqlite_url


def pair_json(db: str, cwd, *args: str) -> dict:
    result = run("pair", "--round", ROUND, "--time-limit", "2", "--json", *args, db=db, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def stored_rounds(db: str, cwd) -> list[dict]:
    result = run("rounds", "--json", db=db, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pair_json_has_the_documented_shape_and_stores_nothing(loaded, tmp_path):
    result = run("pair", "--mode", "mentor", "--round", ROUND, "--json", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    proposal = json.loads(result.stdout)
    assert {"round", "mode", "status", "objective", "bound", "gap", "pairs", "unmatched"} <= proposal.keys()
    assert (proposal["round"], proposal["mode"], proposal["status"]) == (ROUND, "mentor", "optimal")
    assert len(proposal["pairs"]) == 4 and proposal["violations"] == []
    for pair in proposal["pairs"]:
        assert {"members", "score", "reasons"} <= pair.keys()
        assert len(pair["members"]) == 2 and pair["reasons"]
    assert [u["person_id"] for u in proposal["unmatched"]] == ["sara"]
    assert proposal["unmatched"][0]["reason"]
    assert stored_rounds(loaded, tmp_path) == []


def test_pair_on_the_demo_organisation_breaks_no_rule(tmp_path, sqlite_url):
    from cli.main import demo_data_dir

    imported = run("import", str(demo_data_dir() / "organisation.json"), db=sqlite_url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    proposal = pair_json(sqlite_url, tmp_path, "--mode", "exchange")
    assert proposal["mode"] == "exchange" and proposal["pairs"] and proposal["unmatched"]
    assert proposal["violations"] == []


def test_the_human_output_names_the_pairs_and_ends_with_the_summary(loaded, tmp_path):
    result = run("pair", "--mode", "mentor", "--round", ROUND, db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Round '{ROUND}', mentor: 4 pairs, 1 left out"
    assert "Niels Kok → Pim de Wit  score 16" in result.stdout
    assert "  - Sara Yılmaz (sara), mentee: " in result.stdout
    assert lines[-1].startswith("optimal: objective 64, bound 64, gap 0.0%, solver min-cost flow, ")


def test_the_output_speaks_dutch_with_lang_nl_or_a_dutch_locale(loaded, tmp_path):
    dutch = run("--lang", "nl", "pair", "--mode", "mentor", "--round", ROUND, db=loaded, cwd=tmp_path)
    assert dutch.returncode == 0, dutch.stderr
    out = dutch.stdout
    assert f"Ronde '{ROUND}', mentor: " in out and "niet ingedeeld" in out and "Niet ingedeeld:" in out
    assert "kan Wmo-wetgeving bijbrengen aan" in out and "Left out:" not in out and "score" in out
    assert "doelwaarde" in out and "objective" not in out
    by_locale = run("risks", db=loaded, cwd=tmp_path, env={"LANG": "nl_BE.UTF-8"})
    assert by_locale.returncode == 0 and "op niveau 3 of hoger" in by_locale.stdout
    english = run("risks", db=loaded, cwd=tmp_path)
    assert "at level 3 or higher" in english.stdout
    refused = run("--lang", "nl", "round", "no such round", db=loaded, cwd=tmp_path)
    assert refused.returncode == 1 and refused.stderr.startswith("fout: ")


def test_the_config_file_is_read_and_the_options_override_it(loaded, tmp_path):
    (tmp_path / "round.json").write_text(
        json.dumps({"mode": "reverse", "time_limit": 30, "select": {"exclude": ["sara"]}}), encoding="utf-8"
    )
    proposal = pair_json(loaded, tmp_path, "--config", "round.json", "--mode", "mentor")
    assert proposal["mode"] == "mentor"
    assert "sara" not in {m for p in proposal["pairs"] for m in p["members"]}
    assert proposal["unmatched"] == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"mode": "mentor",', "round.json, line 1, column 19: not valid JSON"),
        ('{"mode": "mentor", "wishes": 3}', "round.json, field 'wishes': unknown setting"),
        (
            '{"rules": {"cooldown_rounds": "two"}}',
            "round.json, field 'rules.cooldown_rounds': expected a whole",
        ),
        ('{"mode": "mentorship"}', "round.json, field 'mode': unknown mode 'mentorship'"),
    ],
)
def test_a_bad_config_file_exits_2_with_the_file_and_field_and_touches_no_database(
    empty_sqlite_url, tmp_path, text, where
):
    (tmp_path / "round.json").write_text(text, encoding="utf-8")
    result = run(
        "pair",
        "--mode",
        "mentor",
        "--round",
        ROUND,
        "--config",
        "round.json",
        "--save",
        db=empty_sqlite_url,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert where in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path(empty_sqlite_url.removeprefix("sqlite:///")).exists()


def test_pair_without_a_mode_is_a_usage_error(loaded, tmp_path):
    result = run("pair", "--round", ROUND, db=loaded, cwd=tmp_path)
    assert result.returncode == 2
    assert "choose the kind of round with --mode" in result.stderr


def test_a_saved_round_is_listed_shown_locked_and_published_once(loaded, tmp_path):
    saved = pair_json(loaded, tmp_path, "--mode", "mentor", "--save")
    [listed] = stored_rounds(loaded, tmp_path)
    assert (listed["round"], listed["mode"], listed["status"], listed["pairs"]) == (
        ROUND,
        "mentor",
        "proposed",
        4,
    )
    table = run("rounds", db=loaded, cwd=tmp_path)
    assert table.stdout.splitlines()[1].startswith(f"{ROUND}  mentor")

    teacher, learner = saved["pairs"][-1]["members"]
    locked = run("lock", ROUND, learner, teacher, db=loaded, cwd=tmp_path)
    assert locked.returncode == 0, locked.stderr
    again = pair_json(loaded, tmp_path, "--mode", "mentor", "--save")
    assert [p["members"] for p in again["pairs"] if p["locked"]] == [[teacher, learner]]

    published = run("publish", ROUND, db=loaded, cwd=tmp_path)
    assert published.returncode == 0, published.stderr
    assert published.stdout.startswith(f"published round '{ROUND}': 4 pairs written to the history")
    shown = json.loads(run("round", ROUND, "--json", db=loaded, cwd=tmp_path).stdout)
    assert shown["status"] == "published" and shown["pairs"] == again["pairs"]
    assert [e["action"] for e in shown["events"]] == ["proposed", "locked", "re-proposed", "published"]
    human = run("round", ROUND, db=loaded, cwd=tmp_path).stdout
    assert f"Round '{ROUND}', mentor, published: 4 pairs, 1 left out" in human and "  [locked]" in human

    twice = run("publish", ROUND, db=loaded, cwd=tmp_path)
    assert twice.returncode == 1 and "already published" in twice.stderr
    repeat = run("pair", "--mode", "mentor", "--round", ROUND, "--save", db=loaded, cwd=tmp_path)
    assert repeat.returncode == 1
    assert "is published and cannot be proposed again; use a new round name" in repeat.stderr
    history = json.loads(run("round", ROUND, "--json", db=loaded, cwd=tmp_path).stdout)["events"]
    assert len(history) == 4


def test_an_unknown_round_is_a_clear_error(loaded, tmp_path):
    for command in ("round", "publish"):
        result = run(command, "nope", db=loaded, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr == "error: there is no round named 'nope'\n"


def test_why_answers_with_each_possible_partner_and_the_rule_against_the_others(loaded, tmp_path):
    saved = pair_json(loaded, tmp_path, "--mode", "mentor", "--save")
    (left,) = [u["person_id"] for u in saved["unmatched"]]
    result = run("why", ROUND, left, "--json", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["objective"] == saved["objective"] and answer["person"] == left
    allowed = [p for p in answer["partners"] if p["allowed"]]
    assert allowed and all(p["pair"][1] == left and p["cost"] >= 0 for p in allowed)
    assert all(p["reason"] for p in answer["partners"] if not p["allowed"])
    human = run("why", ROUND, left, "--all", db=loaded, cwd=tmp_path)
    assert human.returncode == 0 and f"the round scores {saved['objective']:g} now" in human.stdout
    assert " teaches " in human.stdout
    dutch = run("--lang", "nl", "why", ROUND, left, db=loaded, cwd=tmp_path)
    assert dutch.returncode == 0 and "de ronde scoort nu" in dutch.stdout
    unknown = run("why", ROUND, "nobody", db=loaded, cwd=tmp_path)
    assert unknown.returncode != 0 and "nobody does not take part in round" in unknown.stderr
