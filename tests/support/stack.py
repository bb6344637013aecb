"""The real stack as separate processes: a Redis broker and a Celery worker.

Shared by the integration tests and the end-to-end benchmarks, which need the
same thing: a broker they may stop and start, and a worker (with beat) that
talks to the same database as the calling process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll `condition` until it holds, or fail after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Broker:
    """A redis-server on the broker URL's port that a caller may stop and start."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.port = urlparse(url).port or 6379
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if port_open(self.port):
            return
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        else:
            subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], check=False, capture_output=True)
        wait_for(lambda: not port_open(self.port), timeout=10, what="the broker to stop")

    def flush(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "flushall"], check=False, capture_output=True)


class Worker:
    """A `celery worker --beat` process whose output goes to a log file."""

    def __init__(self, *, env: Mapping[str, str], workdir: Path, concurrency: int = 2, beat: bool = True) -> None:
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "VAR_DIR": str(workdir), **env}
        self.workdir = workdir
        self.log = workdir / "worker.log"
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
                   "--concurrency", str(self.concurrency), "--without-mingle", "--without-gossip"]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.workdir / "beat-schedule")]
        started_at = len(self.output())
        with self.log.open("ab") as out:
            # A session of its own, so a SIGKILL reaches the pool's children too.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = self.process
        wait_for(
            lambda: " ready." in self.output()[started_at:] or process.poll() is not None,
            timeout=timeout,
            what="worker",
        )
        if process.poll() is not None:
            raise AssertionError(f"worker exited at start:\n{self.output()[started_at:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the worker and its pool, as a crash or an OOM kill would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def postgres_url(settings_dict: Mapping[str, object]) -> str:
    """A DATABASE_URL for the database Django is connected to (e.g. the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
