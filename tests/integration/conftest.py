"""A real Celery worker (with beat) on a real Redis broker and the PostgreSQL test database.

These tests need `DATABASE_URL` to point at PostgreSQL (the worker process must
see what the tests commit) and `CELERY_BROKER_URL` at a Redis on this machine;
`make test` sets both. The broker is a redis-server of its own, started here,
so that a test can stop and restart it without touching the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.support.markers import needs_real_stack
from tests.support.stack import Broker, Worker, postgres_url, running_broker, running_worker
from tests.support.stack import wait_for as stack_wait_for


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Without the real stack these tests cannot say anything: they are skipped,
    # with the reason, rather than run against stand-ins (never under CI).
    needs_stack = needs_real_stack()
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
            item.add_marker(needs_stack)


@pytest.fixture(autouse=True)
def _relay_after_commit(settings: Any) -> None:
    settings.OUTBOX_RELAY_ON_COMMIT = True


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    with running_broker(settings.CELERY_BROKER_URL, tmp_path_factory.mktemp("broker")) as server:
        yield server


@pytest.fixture(scope="session")
def worker(
    django_db_setup: None, django_db_blocker: Any, broker: Broker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """One worker process with embedded beat for the whole integration session."""
    with django_db_blocker.unblock():
        database_url = postgres_url(connection.settings_dict)
    with running_worker(
        database_url=database_url, broker_url=broker.url, workdir=tmp_path_factory.mktemp("worker")
    ) as running:
        yield running


@pytest.fixture
def wait_for(request: pytest.FixtureRequest) -> Callable[..., None]:
    """`wait_for`, whose timeout shows the end of the session worker's log (when the test has it)."""
    if "worker" not in request.fixturenames:
        return stack_wait_for
    worker: Worker = request.getfixturevalue("worker")

    def waiting(condition: Callable[[], bool], **kwargs: Any) -> None:
        kwargs.setdefault("state", lambda: f"the session worker's log ends:\n{worker.tail()}")
        stack_wait_for(condition, **kwargs)

    return waiting


def _worker_idle() -> bool:
    from alerts.models import Alert
    from core.models import OutboxMessage
    from matching.models import MatchRun

    busy_alerts = Alert.objects.filter(status__in=["pending", "sending"], deliver="instant")
    busy_runs = MatchRun.objects.filter(status__in=["running", "merging"])
    return not (
        OutboxMessage.objects.filter(sent_at__isnull=True).exists() or busy_alerts.exists() or busy_runs.exists()
    )


def _exited(worker: Worker) -> bool:
    return worker.process is not None and worker.process.poll() is not None


@pytest.fixture(autouse=True)
def _worker_alive(request: pytest.FixtureRequest) -> Iterator[None]:
    """A session worker that exits during a test fails that test, and the next test gets a new one.

    As a supervisor would restart it: otherwise every later test of the session
    waits for a worker that is gone and fails on its timeout, hiding the one that
    saw it die (stop 21's CI: seven timeouts after one "Unrecoverable error").
    """
    if "worker" not in request.fixturenames:
        yield
        return
    worker: Worker = request.getfixturevalue("worker")
    if _exited(worker):
        worker.start()
    yield
    if _exited(worker):
        assert worker.process is not None
        pytest.fail(f"the session worker exited (code {worker.process.returncode}); its log ends:\n{worker.tail()}")


@pytest.fixture(autouse=True)
def _worker_settles_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    # A transactional test ends by truncating every table; if the worker is
    # still ranking or sending what the test set off (alerts follow every
    # ranking), TRUNCATE and the worker's row locks deadlock. Let it finish
    # first; best effort, so a test that left work that cannot finish does
    # not hang the suite.
    yield
    if "worker" not in request.fixturenames or _exited(request.getfixturevalue("worker")):
        return
    try:
        stack_wait_for(_worker_idle, timeout=30, what="the worker to finish the test's work")
        time.sleep(0.3)  # the last task's closing statements
    except AssertionError:
        pass
