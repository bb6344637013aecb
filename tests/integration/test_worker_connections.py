"""A worker keeps its database connections across tasks, as gunicorn does across requests.

Celery's Django fixup closed them around every task: each task (an outbox
relay every second, every alert batch and rescore) began with a new
PostgreSQL backend, a third of a core under `make load`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from celery import current_app
from django.db import connection

from core import tasknames
from tests.support.stack import Worker

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = 20


def _sessions_opened() -> int:
    """Connections ever opened to the test database (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def test_tasks_reuse_the_workers_database_connections(worker: Worker, wait_for: Callable[..., None]) -> None:
    name = tasknames.RECONCILE_OPEN_VACANCIES
    before_tasks = worker.succeeded(name)
    # Warm: each pool process has opened its connection.
    for _ in range(4):
        current_app.send_task(name)
    wait_for(lambda: worker.succeeded(name) >= before_tasks + 4, timeout=30, what="the first tasks")
    time.sleep(1.5)  # the statistics are flushed within a second
    opened = _sessions_opened()

    for _ in range(TASKS):
        current_app.send_task(name)
    wait_for(lambda: worker.succeeded(name) >= before_tasks + 4 + TASKS, timeout=60, what=f"{TASKS} more tasks")
    time.sleep(1.5)

    # Beat's relay and sweeps ran meanwhile too; one new connection each would be dozens.
    assert _sessions_opened() - opened <= 3
