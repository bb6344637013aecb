"""A real Celery worker (with beat) on a real Redis broker and the PostgreSQL test database.

These tests need `DATABASE_URL` to point at PostgreSQL (the worker process must
see what the tests commit) and `CELERY_BROKER_URL` at a Redis on this machine;
`make test` sets both. The broker is a redis-server of its own, started here,
so that a test can stop and restart it without touching the cache.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _requirements_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "integration tests need DATABASE_URL pointing at PostgreSQL (make test sets it)"
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "integration tests need CELERY_BROKER_URL pointing at Redis (make test sets it)"
    if shutil.which("redis-server") is None:
        return "integration tests need redis-server on PATH"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _integration_stack_present() -> None:
    reason = _requirements_missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _relay_after_commit(settings: Any) -> None:
    settings.OUTBOX_RELAY_ON_COMMIT = True


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Broker:
    """A redis-server on the broker URL's port that a test may stop and start."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.port = urlparse(url).port or 6379
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if _port_open(self.port):
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
        _wait_for(lambda: _port_open(self.port), timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        else:
            subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], check=False, capture_output=True)
        _wait_for(lambda: not _port_open(self.port), timeout=10, what="the broker to stop")


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    if _requirements_missing():
        pytest.skip(_requirements_missing() or "")
    server = Broker(settings.CELERY_BROKER_URL, tmp_path_factory.mktemp("broker"))
    server.start()
    subprocess.run(["redis-cli", "-p", str(server.port), "flushall"], check=False, capture_output=True)
    yield server
    server.stop()


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def worker(
    django_db_setup: None, django_db_blocker: Any, broker: Broker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """One worker process with embedded beat for the whole integration session."""
    workdir = tmp_path_factory.mktemp("worker")
    log = workdir / "worker.log"
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker.url,
        "OUTBOX_RELAY_INTERVAL": "1",
        "OUTBOX_RELAY_ON_COMMIT": "true",
        "VAR_DIR": str(workdir),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--schedule",
                str(workdir / "beat-schedule"),
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Worker(process, log)
    try:
        _wait_for(lambda: " ready." in running.output() or process.poll() is not None, timeout=60, what="the worker")
        if process.poll() is not None:
            raise AssertionError(f"worker exited at start:\n{running.output()}")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def wait_for() -> Callable[..., None]:
    return _wait_for
