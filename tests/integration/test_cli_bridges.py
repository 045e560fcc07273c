"""``meeloop bridges``: the bridge figures with the links they carry, and the hub person of each skill."""

from __future__ import annotations

import json

import pytest

from matcher.io import orgjson
from tests.clitools import run
from tests.orgs import small_org


@pytest.fixture
def loaded(sqlite_url, tmp_path) -> str:
    orgjson.write_json(small_org(), tmp_path / "org.json")
    result = run("import", "org.json", db=sqlite_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return sqlite_url


def test_bridges_name_the_link_each_one_carries(loaded, tmp_path):
    result = run("bridges", "--json", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = {b["person_id"]: b for b in json.loads(result.stdout)}
    # Anna manages 王芳: the manager line is the only link between their departments.
    assert set(found) == {"anna", "chen"}
    assert found["chen"]["links"] == [
        {"department": "Sociaal Domein", "strength": 1.0, "share": 1.0, "manager_lines": 1,
         "pairings": 0, "groups": 0, "team_mates": 0},
    ]  # fmt: skip
    text = run("bridges", db=loaded, cwd=tmp_path).stdout
    assert "the only link between Informatievoorziening and Sociaal Domein, through 1 manager line" in text


def test_hubs_name_the_hub_person_of_each_skill(loaded, tmp_path):
    result = run("bridges", "--hubs", "--json", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    hubs = {h["skill_id"]: h for h in json.loads(result.stdout)}
    assert hubs["wmo"]["person_id"] == "anna" and (hubs["wmo"]["holders"], hubs["wmo"]["learners"]) == (1, 1)
    assert "archief" not in hubs
    text = run("bridges", "--hubs", db=loaded, cwd=tmp_path).stdout
    assert "Wmo-wetgeving: Anna de Vries — works with 1 other holder of Wmo-wetgeving" in text
