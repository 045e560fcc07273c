"""``meeloop assets``: the browser libraries are copied from node_modules/ into the static folder, and
without npm the command says so and the pages fall back to their server-drawn pictures."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.assets import LIBRARIES, install_assets
from cli.main import cli

BUILT = Path(__file__).resolve().parents[2] / LIBRARIES["cytoscape.min.js"]


def test_an_installed_library_is_copied_into_the_vendor_folder_once(tmp_path, capsys):
    source, vendor = tmp_path / "source", tmp_path / "vendor"
    (source / LIBRARIES["cytoscape.min.js"]).parent.mkdir(parents=True)
    (source / LIBRARIES["cytoscape.min.js"]).write_text("/* the library */")
    assert install_assets(source, vendor)
    assert (vendor / "cytoscape.min.js").read_text() == "/* the library */"
    assert "copied cytoscape.min.js" in capsys.readouterr().err
    assert install_assets(source, vendor)
    assert "copied" not in capsys.readouterr().err  # already there, the same


def test_without_npm_the_missing_library_is_said_and_nothing_is_copied(tmp_path, monkeypatch, capsys):
    source, vendor = tmp_path / "source", tmp_path / "vendor"
    source.mkdir()
    (source / "package-lock.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert not install_assets(source, vendor)
    said = capsys.readouterr().err
    assert "npm is not installed" in said and "cytoscape.min.js" in said and "meeloop assets" in said
    assert not vendor.exists()


def test_without_a_package_lock_there_is_nothing_to_install_from(tmp_path, capsys):
    assert not install_assets(tmp_path / "source", tmp_path / "vendor")
    assert "there is no package-lock.json" in capsys.readouterr().err


def test_the_command_installs_the_libraries_of_this_source_tree():
    result = CliRunner().invoke(cli, ["assets"])
    assert result.exit_code == 0, result.output
    static = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor" / "cytoscape.min.js"
    assert static.read_bytes() == BUILT.read_bytes()


def test_an_installed_package_that_carries_the_libraries_needs_no_sources(tmp_path, capsys):
    """A container image holds the vendor folder but no package-lock.json or node_modules: no warning."""
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "cytoscape.min.js").write_text("/* the library */")
    assert install_assets(tmp_path / "installed", vendor)
    assert capsys.readouterr().err == ""
