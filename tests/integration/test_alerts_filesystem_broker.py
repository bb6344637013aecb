"""On the embedded filesystem broker of `make demo`, a worker SIGKILLed mid-batch has its alerts sent within a minute.

There a task is gone from the broker once a worker received it, so late
acknowledgement redelivers nothing: before claims were leases, a killed
batch waited for the 30-minute claim timeout (issue #11). Now the claims
run out a lease after the worker stopped renewing them, and the sweeper
gives them back and queues them again; tasks the killed worker had
received but not begun are queued again once overdue. The worker here
uses the filesystem broker while the test database is PostgreSQL (a
second process must see what the test commits); its own beat relays the
outbox, as in `make demo`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from alerts.models import Alert, InboxMessage
from assignments.models import Vacancy
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.results import store_results
from tests.support.stack import MailSink, Worker, instead_of, postgres_url, running_sink

pytestmark = pytest.mark.django_db(transaction=True)

VOLUNTEERS = 20  # 40 match alerts, email and in-app
# Short leases, so that the test takes seconds; the defaults (30 s lease,
# 10 s sweeps) are what bench/bench_alerts.py's fault run shows.
LEASE_SETTINGS = {
    "ALERT_CLAIM_LEASE": "5",
    "ALERT_CLAIM_RENEW": "1",
    "EMAIL_TIMEOUT": "2",
    # A slow answer from the sink on a busy machine is retried in seconds, not
    # after the default 15-60 s back-off, which once outlasted the wait below.
    "ALERT_RETRY_BASE_DELAY": "1",
    "ALERT_RETRY_MAX_DELAY": "2",
    "ALERT_SWEEP_INTERVAL": "1",
    "ALERT_REQUEUE_AFTER": "5",
    "OUTBOX_RELAY_INTERVAL": "1",
    "ALERT_TOP_N": str(VOLUNTEERS),
    "ALERT_BATCH_SIZE": "5",
    "ALERT_INAPP_BATCH_SIZE": "5",
    "MATCHING_PREWARM_INDEX": "false",
}


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with running_sink(delay=0.15) as server:  # a batch of 5 lasts long enough to be killed in the middle
        yield server


@pytest.fixture
def filesystem_worker(worker: Worker, sink: MailSink, tmp_path: Path, settings: Any) -> Iterator[Worker]:
    """A worker with beat on a filesystem broker of its own; the session worker (Redis) stopped meanwhile."""
    # Only this worker's beat relays the outbox, into its own broker.
    settings.OUTBOX_RELAY_ON_COMMIT = False
    for folder in ("broker/out", "broker/processed", "broker/control"):
        (tmp_path / folder).mkdir(parents=True)
    running = Worker(
        env={
            "DATABASE_URL": postgres_url(connection.settings_dict),
            "CELERY_BROKER_URL": "filesystem://",
            "REDIS_URL": "",
            **sink.env(),
            **LEASE_SETTINGS,
        },
        workdir=tmp_path,
        concurrency=2,
    )
    with instead_of(worker, running):
        yield running


def _state(alerts: Any, worker: Worker) -> str:
    rows = alerts.exclude(status=Alert.Status.SENT).values_list("pk", "channel", "status", "attempts", "claimed_until")
    unsettled = "\n".join(" ".join(str(value) for value in row) for row in rows)
    return (
        f"alerts not sent (id channel status attempts claimed_until), now {timezone.now()}:\n{unsettled}\n"
        f"worker log:\n{worker.tail()}"
    )


def test_a_batch_killed_on_the_filesystem_broker_is_sent_within_a_minute_none_twice_in_app(
    filesystem_worker: Worker, sink: MailSink, wait_for: Callable[..., None]
) -> None:
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[ManagerFactory()]), status=Vacancy.Status.OPEN)
    volunteers = [VolunteerFactory() for _ in range(VOLUNTEERS)]
    store_results(vacancy, [(v, 0.8) for v in volunteers])
    matches = Alert.objects.filter(vacancy=vacancy, kind=Alert.Kind.MATCH)
    wait_for(lambda: matches.count() == 2 * VOLUNTEERS, timeout=60, what="the worker to create the alerts")

    wait_for(lambda: sink.total() >= 4, timeout=60, what="email before the kill")
    filesystem_worker.kill()
    killed_at = timezone.now()
    stranded = list(matches.filter(status=Alert.Status.SENDING).values_list("pk", flat=True))
    filesystem_worker.start()
    wait_for(
        lambda: not matches.filter(status__in=[Alert.Status.PENDING, Alert.Status.SENDING]).exists(),
        timeout=90,
        what="every alert settled after the kill",
        state=lambda: _state(matches, filesystem_worker),
    )

    assert stranded, "the kill landed between batches: nothing to reclaim"
    assert set(matches.values_list("status", flat=True)) == {Alert.Status.SENT}
    last_sent = max(matches.filter(pk__in=stranded).values_list("sent_at", flat=True))
    took = (last_sent - killed_at).total_seconds()
    assert took <= 60  # not 30 minutes
    for volunteer in volunteers:
        assert InboxMessage.objects.filter(user=volunteer.user, alert__vacancy=vacancy).count() == 1
    subject = f"An assignment that fits you: {vacancy.title}"
    received = sink.snapshot()
    assert all(received.get((v.email.lower(), subject), 0) >= 1 for v in volunteers)
    repeats = sum(n - 1 for key, n in sink.duplicates().items() if key[1] == subject)
    assert repeats <= 2  # at most the one message in flight in each of the two killed processes
    print(f"\nreclaimed {len(stranded)} claims; the last of them sent {took:.1f} s after the kill")
