"""``meeloop serve --workers 2`` answers from two worker processes beside one job worker, and SIGTERM
stops them all; a job worker whose server was killed outright stops by itself. (That
writes through both land and are found afterwards is checked by ``meeloop bench-load``'s test, which
serves the same way.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.clitools import MEELOOP


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEELOOP_")}
    env |= {"LANG": "C.UTF-8", "MEELOOP_SECURE_COOKIES": "0"}
    log = tmp_path / "serve.log"
    output = open(log, "w")  # noqa: SIM115 - the server writes to it until the fixture ends
    process = subprocess.Popen(
        [
            MEELOOP,
            "--db",
            f"sqlite:///{tmp_path / 'm.sqlite3'}",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {log.read_text()}")
            try:
                if (
                    httpx.get(f"{base}/api/health", timeout=5).status_code == 200
                    and len(_children(process.pid)) == 3
                ):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield process, base, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        output.close()


def test_two_processes_answer_and_both_stop_with_the_server(served):
    process, base, log = served
    children = _children(process.pid)
    # two processes answer requests; the third works off the job queue
    job_workers = {pid for pid in children if b"\x00worker\x00" in Path(f"/proc/{pid}/cmdline").read_bytes()}
    assert len(job_workers) == 1 and len(children) == 3
    # Each request on a new connection: the kernel hands them to either process.
    answers = [httpx.get(f"{base}/api/health", timeout=30) for _ in range(20)]
    assert {a.status_code for a in answers} == {200}
    deadline = time.monotonic() + 60
    while "the worker takes jobs from the queue" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert "2 processes answer requests side by side" in log.read_text()
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def test_a_job_worker_stops_when_its_server_was_killed_outright(served):
    process, _base, _log = served
    children = _children(process.pid)
    job_worker = next(
        pid for pid in children if b"\x00worker\x00" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 60
    while (
        Path(f"/proc/{job_worker}").exists()
        and b"\x00worker\x00" in Path(f"/proc/{job_worker}/cmdline").read_bytes()
    ):
        assert time.monotonic() < deadline, "the job worker outlived its server"
        time.sleep(0.2)
