"""A worker whose broker goes away while a task runs reconnects and goes on consuming.

With late acknowledgement the running task's message is still unacknowledged
when the connection drops, and the consumer is waiting on the broker for the
next one. kombu 5.7 then lets go of the connection's settings before it closes
the channel, whose close wants them to give the message back: the worker
shut down with "Unrecoverable error: AttributeError" (seen in CI: every later
integration test of the session's worker timed out). `core.broker` is the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.db import connection

from alerts.models import Alert
from assignments.models import Vacancy
from core import tasknames
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.results import store_results
from tests.support.stack import Broker, MailSink, Worker, instead_of, postgres_url, running_sink

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGES = 5


@pytest.fixture
def slow_sink() -> Iterator[MailSink]:
    # Every SMTP answer held back: sending one alert takes seconds, long enough
    # to take the broker away in the middle of it.
    with running_sink(delay=1.0) as server:
        yield server


@pytest.fixture
def own_worker(worker: Worker, broker: Broker, slow_sink: MailSink, tmp_path: Path) -> Iterator[Worker]:
    """A worker of its own (the session's is set aside meanwhile), sending email to the slow sink."""
    mine = Worker(
        env={
            "DATABASE_URL": postgres_url(connection.settings_dict),
            "CELERY_BROKER_URL": broker.url,
            "OUTBOX_RELAY_INTERVAL": "1",
            "ALERT_BATCH_SIZE": "1",
            # An email whose task the outage interrupted is claimed; the claim runs out soon.
            "ALERT_CLAIM_LEASE": "4",
            "ALERT_CLAIM_RENEW": "1",
            "EMAIL_TIMEOUT": "2",
            "ALERT_REQUEUE_AFTER": "4",
            "ALERT_SWEEP_INTERVAL": "1",
            **slow_sink.env(),
        },
        workdir=tmp_path,
    )
    with instead_of(worker, mine):
        yield mine


def test_the_broker_lost_while_a_task_runs_leaves_a_worker_that_goes_on_consuming(
    own_worker: Worker, broker: Broker, wait_for: Callable[..., Any]
) -> None:
    programme = ProgrammeFactory(managers=[ManagerFactory()])
    vacancies = []
    for outage in range(1, OUTAGES + 1):
        # One email on its way: its task running, its message not yet acknowledged,
        # and the consumer waiting on the broker for the next message...
        vacancy = VacancyFactory(programme=programme, status=Vacancy.Status.OPEN)
        vacancies.append(vacancy)
        store_results(vacancy, [(VolunteerFactory(), 0.8)])
        sending = Alert.objects.filter(vacancy=vacancy, channel="email", status=Alert.Status.SENDING)
        wait_for(sending.exists, timeout=30, what=f"an email being sent before outage {outage}")
        # ...when the broker goes away and comes back.
        broker.stop()
        broker.start()
        reconciled = own_worker.succeeded(tasknames.RECONCILE_OPEN_VACANCIES)
        current_app.send_task(tasknames.RECONCILE_OPEN_VACANCIES)
        wait_for(
            lambda n=reconciled: own_worker.succeeded(tasknames.RECONCILE_OPEN_VACANCIES) > n,
            timeout=30,
            what=f"a task consumed after outage {outage}",
            state=lambda: own_worker.tail(),
        )

    assert "Unrecoverable error" not in own_worker.output()
    wait_for(
        lambda: not Alert.objects.filter(vacancy__in=vacancies, status__in=["pending", "sending"]).exists(),
        timeout=60,
        what="every alert dealt with after the outages",
        state=lambda: own_worker.tail(),
    )
