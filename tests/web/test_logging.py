"""Each log message is one line: the app's, the web server's and the background jobs' alike."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import logging, sys
    from web import create_app

    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x"})
    app.logger.warning("message from the app")
    logging.getLogger("waitress").warning("message from the web server")
    logging.getLogger("matcher.services.background").warning("message from a job")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        app.logger.exception("unhandled error on GET /somewhere")
    """
)


def test_every_log_message_is_printed_once(sqlite_url, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, sqlite_url], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for message in (
        "message from the app",
        "message from the web server",
        "message from a job",
        "unhandled error on GET /somewhere",
    ):
        assert sum(message in line for line in lines) == 1, result.stderr
    assert sum(line.startswith("Traceback") for line in lines) == 1, result.stderr
    assert "WARNING web: message from the app" in result.stderr
