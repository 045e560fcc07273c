"""An exported organisation always imports again, however large it is."""

from __future__ import annotations

from matcher.io import orgjson
from tests.orgs import small_org


def test_an_export_that_would_pass_the_size_limit_indented_is_written_without_spaces(tmp_path, monkeypatch):
    org = small_org()
    indented = tmp_path / "indented.json"
    orgjson.write_json(org, indented)
    assert "\n " in indented.read_text(encoding="utf-8")

    monkeypatch.setattr(orgjson, "MAX_FILE_BYTES", indented.stat().st_size - 1)
    compact = tmp_path / "compact.json"
    orgjson.write_json(org, compact)

    assert compact.stat().st_size < indented.stat().st_size
    assert "\n " not in compact.read_text(encoding="utf-8")
    assert orgjson.read_json(compact).organisation == orgjson.read_json(indented).organisation
