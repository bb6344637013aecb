"""The real stack as separate processes: a Redis broker and a Celery worker.

Shared by the integration tests and the end-to-end benchmarks, which need the
same thing: a broker they may stop and start, and a worker (with beat) that
talks to the same database as the calling process.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email
import email.parser
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    interval: float = 0.05,
    state: Callable[[], str] | None = None,
) -> None:
    """Poll `condition` until it holds, or fail after `timeout` seconds naming `what` (and `state()`, if given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    detail = f"\n{state()}" if state is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{detail}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# Written into the data directory of every redis-server a Broker starts: a server found
# already listening is taken over (a previous run's, killed before it could stop it) only
# if its directory holds this file.
BROKER_MARK = "test-broker-of-diaspora-match"


class ForeignServer(RuntimeError):
    """The broker's port is held by a Redis that no Broker started."""


class Broker:
    """A redis-server on the broker URL's port that a caller may stop and start.

    It is flushed and shut down as tests need, so it must be a server of its own: a
    Redis found on the port that no Broker started (a machine's own, holding its data)
    is refused, never flushed or stopped.
    """

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.port = urlparse(url).port or 6379
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if port_open(self.port):
            self._adopt()
            return
        (self.workdir / BROKER_MARK).write_text("a test broker's data directory\n")
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

    def _adopt(self) -> None:
        """Take over the server on the port if a Broker started it, else refuse."""
        answer = subprocess.run(
            ["redis-cli", "-p", str(self.port), "config", "get", "dir"], capture_output=True, text=True, check=False
        ).stdout.split()
        directory = Path(answer[1]) if len(answer) == 2 else None
        if directory is None or not (directory / BROKER_MARK).exists():
            raise ForeignServer(
                f"port {self.port} is taken by a Redis that the tests did not start (data directory: {directory}). "
                "The broker tests flush and stop their broker, so they will not use it: point TEST_BROKER_URL "
                "(make test) or CELERY_BROKER_URL at a free port, e.g. redis://127.0.0.1:6391/0."
            )

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

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        workdir: Path,
        concurrency: int = 2,
        beat: bool = True,
        queues: Sequence[str] = (),
    ) -> None:
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "VAR_DIR": str(workdir), **env}
        self.workdir = workdir
        self.log = workdir / "worker.log"
        self.concurrency = concurrency
        self.beat = beat
        # Empty: every queue in CELERY_TASK_QUEUES, as in development.
        self.queues = tuple(queues)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
                   "--concurrency", str(self.concurrency), "--without-mingle", "--without-gossip"]  # fmt: skip
        if self.queues:
            command += ["--queues", ",".join(self.queues)]
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

    def succeeded(self, task: str) -> int:
        """How many runs of ``task`` (its name) the log reports as succeeded."""
        return sum(1 for line in self.output().splitlines() if f"Task {task}[" in line and " succeeded in " in line)

    def tail(self, lines: int = 40) -> str:
        """The last lines of the log, for a failure message."""
        return "\n".join(self.output().splitlines()[-lines:])


@contextlib.contextmanager
def running_broker(url: str, workdir: Path) -> Iterator[Broker]:
    """A flushed broker of its own on `url`'s port for the length of the block."""
    broker = Broker(url, workdir)
    broker.start()
    broker.flush()
    try:
        yield broker
    finally:
        broker.stop()


def worker_on(*, database_url: str, broker_url: str, workdir: Path, env: Mapping[str, str] | None = None) -> Worker:
    """A worker with beat on the given database and broker, relaying the outbox at once (not started)."""
    return Worker(
        env={
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "OUTBOX_RELAY_INTERVAL": "1",
            "OUTBOX_RELAY_ON_COMMIT": "true",
            **(env or {}),
        },
        workdir=workdir,
    )


@contextlib.contextmanager
def running_worker(
    *, database_url: str, broker_url: str, workdir: Path, env: Mapping[str, str] | None = None
) -> Iterator[Worker]:
    """`worker_on` the given database and broker, running for the block."""
    worker = worker_on(database_url=database_url, broker_url=broker_url, workdir=workdir, env=env)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@contextlib.contextmanager
def instead_of(session: Worker, replacement: Worker) -> Iterator[Worker]:
    """`replacement` running for the block, `session` stopped meanwhile (it would take the same tasks).

    `session` is started again after the block.
    """
    session.stop()
    replacement.start()
    try:
        yield replacement
    finally:
        replacement.stop()
        session.start()


def free_port() -> int:
    """A TCP port nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailSink:
    """A local SMTP server (aiosmtpd, in a thread) that counts what it is sent per recipient and subject.

    A message counts once its data is in, before the server answers 250: a
    real mail server that has the message delivers it even if the client dies
    before reading the answer, which is exactly when at-least-once email
    repeats itself. ``delay`` holds each answer back, to widen that window
    (and slow a batch down enough to kill a worker in the middle of it).
    ``latency`` holds back the answers to MAIL FROM, RCPT TO and the end of
    the data: a server that far away (a provider's, say), for the sender.
    """

    def __init__(self, *, delay: float = 0.0, latency: float = 0.0) -> None:
        self.delay = delay
        self.latency = latency
        self.port = 0
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()
        # The Message-IDs seen per recipient and subject: a repeat with the
        # Message-ID of the first is one a receiving server can drop.
        self.message_ids: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
                if sink.latency:
                    await asyncio.sleep(sink.latency)
                envelope.mail_from = address
                envelope.mail_options.extend(options)
                return "250 OK"

            async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
                if sink.latency:
                    await asyncio.sleep(sink.latency)
                envelope.rcpt_tos.append(address)
                envelope.rcpt_options.extend(options)
                return "250 OK"

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                # The headers only: parsing whole bodies cost this sink more CPU
                # than the worker spent sending (bench/bench_alerts.py).
                message = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(envelope.content)
                subject = str(message["Subject"] or "")
                message_id = str(message["Message-ID"] or "")
                with sink._lock:
                    for recipient in envelope.rcpt_tos:
                        sink.counts[(recipient.lower(), subject)] += 1
                        sink.message_ids[(recipient.lower(), subject)].add(message_id)
                if sink.delay or sink.latency:
                    await asyncio.sleep(sink.delay + sink.latency)
                return "250 Message accepted for delivery"

        # aiosmtpd logs every command at INFO: thousands of lines a benchmark.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self.counts)

    def ids_of(self, key: tuple[str, str]) -> set[str]:
        """The distinct Message-IDs received for one (recipient, subject)."""
        with self._lock:
            return set(self.message_ids.get(key, ()))

    def duplicates(self) -> dict[tuple[str, str], int]:
        """(recipient, subject) pairs received more than once, with how many times."""
        return {key: n for key, n in self.snapshot().items() if n > 1}

    def env(self) -> dict[str, str]:
        """What a worker needs in its environment to send its email here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }


@contextlib.contextmanager
def running_sink(*, delay: float = 0.0, latency: float = 0.0) -> Iterator[MailSink]:
    """A MailSink listening for the length of the block."""
    server = MailSink(delay=delay, latency=latency)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def postgres_url(settings_dict: Mapping[str, object]) -> str:
    """A DATABASE_URL for the database Django is connected to (e.g. the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


# --- the ops scripts (scripts/load, scripts/faults), run as a user would ----------------------------


def scratch_database_url(settings_dict: Mapping[str, object], suffix: str) -> str:
    """The URL of a database beside the test database (its name plus ``suffix``), for a script to create and drop."""
    return f"{postgres_url(settings_dict)}_{suffix}"


def database_exists(url: str) -> bool:
    """Whether the database ``url`` names exists on its server."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def run_script(script: str, settings: Mapping[str, str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run scripts/<script> with ``settings`` and none of the tests' own database, cache or broker settings."""
    root = Path(__file__).resolve().parents[2]
    ours = ("DATABASE_", "REDIS_", "CELERY_")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(ours)}, **settings}
    return subprocess.run(
        [sys.executable, str(root / "scripts" / script)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
