"""The command table: every command is reachable, its help line is its own, and help loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

from cli.main import COMMANDS, load_command

HEAVY = ("sqlalchemy", "ortools", "networkx", "flask", "bench", "matcher", "numpy")


def test_every_command_in_the_table_is_the_command_of_that_name():
    for name in COMMANDS:
        assert load_command(name).name == name


def test_the_help_line_in_the_table_is_the_first_sentence_of_the_commands_own_help():
    for name, (_module, _attribute, sentence) in COMMANDS.items():
        assert load_command(name).get_short_help_str(limit=1000) == sentence, name


def test_help_loads_no_solver_database_web_or_benchmark_module():
    script = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from cli.main import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))\n"
        "print(json.dumps({'code': result.exit_code, 'out': result.output, 'loaded': loaded}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *HEAVY], capture_output=True, text=True, check=True)
    answer = json.loads(done.stdout)
    assert answer["code"] == 0
    assert "bench-pairing" in answer["out"] and "Who can I ask about SKILL" in answer["out"]
    assert answer["loaded"] == []
