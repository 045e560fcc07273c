"""``meeloop worker``'s own answers: the scheduled work, one piece run now, and wrong settings."""

from __future__ import annotations

from click.testing import CliRunner

from cli.main import cli


def _worker(url: str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--db", url, "--lang", "en", "worker", *args], env=env)


def test_the_worker_lists_its_scheduled_work_and_runs_one_piece_now(sqlite_url):
    listed = _worker(sqlite_url, "--list", env={"MEELOOP_SCHEDULE_CHECK_INS": "off"})
    assert listed.exit_code == 0, listed.output
    names = [line.split()[0] for line in listed.output.splitlines()]
    assert {"reap", "reap-work", "reminders", "value-check", "retry-mail"} <= set(names)
    assert "check-ins" not in names
    assert "reminders before a session" in listed.output

    ran = _worker(sqlite_url, "--run", "reap")
    assert ran.exit_code == 0 and ran.output.strip() == "reap has run"
    sent = _worker(sqlite_url, "--run", "reminders")  # no mail server: nothing tried
    assert sent.exit_code == 0 and "0 sent" in sent.output


def test_a_wrong_name_or_schedule_is_said_and_nothing_runs(sqlite_url):
    unknown = _worker(sqlite_url, "--run", "nope")
    assert unknown.exit_code == 2 and "no scheduled work is called nope" in unknown.output
    wrong = _worker(sqlite_url, "--list", env={"MEELOOP_SCHEDULE_REMINDERS": "61 * * * *"})
    assert (
        wrong.exit_code == 2 and "MEELOOP_SCHEDULE_REMINDERS: '61 * * * *' is not a schedule" in wrong.output
    )
