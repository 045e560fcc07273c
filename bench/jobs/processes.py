"""The processes of a scaled-out deployment on this machine: a Redis server, the web processes and the
job workers, each as its own command, and the CPU each of them uses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
import redis

import bench
from bench.web.server import _TICKS, Server, _children, _cpu_seconds, free_port

#: Where ``python -m cli`` finds the commands.
ROOT = Path(bench.__file__).resolve().parent.parent
#: Seconds a process may take to start before the run gives up.
STARTUP = 120.0
#: What a job worker says once it takes jobs (``meeloop worker`` in English).
READY = "takes jobs"


def _tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        return ""


def _tree_cpu(pid: int) -> float | None:
    """User and system seconds so far of a process and its child processes (Linux)."""
    total = _cpu_seconds(pid)
    if total is None:
        return None
    return total + sum(_cpu_seconds(child) or 0.0 for child in _children(pid))


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores of the machine were busy since it started (every process's work)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting for the disk
    return (sum(fields[:8]) - idle) / _TICKS


def _stop(process: subprocess.Popen[bytes], how: int = signal.SIGTERM, wait: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + STARTUP
    while not ready():
        if process.poll() is not None:
            raise click.ClickException(f"{what} stopped while starting:\n{_tail(log)}")
        if time.monotonic() > deadline:
            _stop(process)
            raise click.ClickException(f"{what} did not start within {STARTUP:.0f} s:\n{_tail(log)}")
        time.sleep(0.1)


class RedisServer:
    """Debian's ``redis-server`` on a free loopback port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise click.ClickException(
                "bench-jobs needs a Redis server: install Debian's 'redis-server' package "
                "(apt-get install redis-server)"
            )
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = folder / "redis.log"
        folder.mkdir(parents=True, exist_ok=True)
        command = [
            program, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(folder),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.log_path),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_for(self._answers, self.process, self.log_path, "redis-server")

    def _answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False
        finally:
            client.close()

    def cpu_seconds(self) -> float | None:
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        _stop(self.process)


def _meeloop(url: str, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--db", url, *arguments]


class WebServer(Server):
    """``meeloop serve --workers N --no-worker``: N web processes (gunicorn) that put solves on the
    queue and run none. It is measured and stopped as :class:`bench.web.server.Server` is."""

    def __init__(self, url: str, folder: Path, processes: int, env: Mapping[str, str]) -> None:
        self.port = free_port()
        self.workers = processes
        self.log_path = folder / "server.log"
        command = _meeloop(url, "serve", "--workers", str(processes), "--no-worker", "--port", str(self.port))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT
            )


class JobWorker:
    """``meeloop worker --no-scheduler``: one job at a time, at the lower priority it takes by default."""

    def __init__(self, url: str, log_path: Path, env: Mapping[str, str]) -> None:
        self.log_path = log_path
        command = _meeloop(url, "worker", "--no-scheduler", "--threads", "1")
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT
            )

    def wait_until_ready(self) -> None:
        _wait_for(lambda: READY in _tail(self.log_path), self.process, self.log_path, "a job worker")

    def cpu_seconds(self) -> float | None:
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        # As ``meeloop serve`` stops the worker beside it: the job it runs ends first (up to 30 s).
        _stop(self.process, signal.SIGINT)


@dataclass
class Deployment:
    """Everything started for a run, stopped together."""

    redis: RedisServer
    web: WebServer
    workers: list[JobWorker]

    def cpu(self) -> dict[str, float | None]:
        """CPU seconds so far of each part, and of the whole machine."""
        workers = [w.cpu_seconds() for w in self.workers]
        return {
            "server": self.web.cpu_seconds(),
            "workers": None if None in workers else sum(w or 0.0 for w in workers),
            "redis": self.redis.cpu_seconds(),
            "machine": machine_busy_seconds(),
        }

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.web.stop()
        self.redis.stop()


def environment(redis_url: str, secret_key: str) -> dict[str, str]:
    """The environment of the web processes and workers: this one's, with the queue, the sessions
    and the login limit in Redis, one key for every process's cookies, and plain http."""
    return {
        **os.environ,
        "LANG": "C.UTF-8",
        "MEELOOP_REDIS_URL": redis_url,
        "MEELOOP_SECRET_KEY": secret_key,
        "MEELOOP_SECURE_COOKIES": "0",
    }


def start(url: str, folder: Path, *, web_processes: int, job_workers: int, secret_key: str) -> Deployment:
    """Redis, the web processes and the job workers, each once it answers or takes jobs."""
    server = RedisServer(folder / "redis")
    started: list[JobWorker] = []
    web = None
    try:
        env = environment(server.url, secret_key)
        web = WebServer(url, folder, web_processes, env)
        started = [JobWorker(url, folder / f"worker-{n + 1}.log", env) for n in range(job_workers)]
        web.wait_until_up()
        for worker in started:
            worker.wait_until_ready()
    except BaseException:
        for worker in started:
            worker.stop()
        if web is not None:
            web.stop()
        server.stop()
        raise
    return Deployment(server, web, started)
