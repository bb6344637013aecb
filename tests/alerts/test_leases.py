"""Claims are leases: renewed by a live worker as it sends, reclaimed by the sweeper once a dead worker's runs out.

Time is moved on by patching ``django.utils.timezone.now`` (leases, renewals
and the sweeper all read it), so nothing here sleeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.utils import timezone

from alerts import tasks
from alerts.models import Alert
from alerts.services import sending
from alerts.services.claims import alerts_claim
from alerts.services.sending import alerts_deliver, alerts_sweep
from alerts.transports import email as email_transport
from alerts.transports.base import Message
from tests.alerts.conftest import StoreShortlist
from tests.alerts.fake_smtp import FakeSMTP
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


class Clock:
    """``timezone.now`` moved on at will."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.real = timezone.now

    def now(self) -> datetime:
        return self.real() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock(settings: Any) -> Iterator[Clock]:
    settings.ALERT_CLAIM_LEASE, settings.ALERT_CLAIM_RENEW, settings.ALERT_REQUEUE_AFTER = 30, 5, 30
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock.now):
        yield clock


@pytest.fixture
def emails(store_shortlist: StoreShortlist, settings: Any) -> list[int]:
    """Four pending email alerts about one vacancy, in id order."""
    settings.ALERT_TOP_N = 4
    volunteers = [VolunteerFactory() for _ in range(4)]
    store_shortlist(VacancyFactory(), [(v, 0.8) for v in volunteers])
    Alert.objects.exclude(channel="email", kind="match").delete()  # only these four wait
    return list(Alert.objects.filter(channel="email").order_by("pk").values_list("pk", flat=True))


def while_sending(hook: Callable[[Message], None]) -> Any:
    """Run ``hook`` as each message is about to go to the mail server (the transport boundary)."""
    real = email_transport._email

    def _email(message: Message, connection: Any) -> Any:
        hook(message)
        return real(message, connection)

    return mock.patch.object(email_transport, "_email", _email)


def _recipients() -> Counter[str]:
    return Counter(m.to[0] for m in mail.outbox)


def test_a_claim_whose_worker_died_is_reclaimed_once_its_lease_runs_out(clock: Clock, emails: list[int]) -> None:
    # A worker claims the batch and is killed before it sends anything: nobody renews the lease.
    assert len(alerts_claim(alert_ids=emails)) == 4

    clock.advance(29)
    assert alerts_sweep() == ([], [])  # still within the lease: it may be alive
    clock.advance(2)
    instant, _ = alerts_sweep()

    assert instant == emails
    assert set(Alert.objects.filter(pk__in=emails).values_list("status", flat=True)) == {"pending"}
    assert sorted(alerts_deliver(alert_ids=instant).sent) == emails
    assert len(mail.outbox) == 4


def test_a_live_worker_renews_its_claims_and_the_sweeper_leaves_them_alone(clock: Clock, emails: list[int]) -> None:
    swept: list[list[int]] = []

    def slow_server(message: Message) -> None:
        # Each message takes 12 s: the batch outlasts the 30 s lease it was claimed with.
        clock.advance(12)
        instant, _ = alerts_sweep()  # the sweeper runs meanwhile
        swept.append(instant)

    with while_sending(slow_server):
        result = alerts_deliver(alert_ids=emails)

    assert swept == [[], [], [], []]
    assert sorted(result.sent) == emails
    assert _recipients() == Counter({m.to[0]: 1 for m in mail.outbox})
    assert len(mail.outbox) == 4
    assert Alert.objects.filter(pk__in=emails, attempts=1, status="sent").count() == 4


def test_with_several_connections_the_claims_of_the_last_messages_in_flight_are_renewed_too(
    clock: Clock, emails: list[int], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    smtp()
    settings.ALERT_EMAIL_CONNECTIONS = 4
    take_turn = email_transport._Turns.take
    mark = sending.alerts_mark
    swept: list[list[int]] = []

    def slow_to_take(turns: Any) -> None:
        take_turn(turns)
        clock.advance(12)  # the server takes 12 s to take each message; the batch outlasts the lease

    def sweep_then_mark(**kwargs: Any) -> None:
        if kwargs.get("status") == "sent":
            swept.append(alerts_sweep()[0])  # the sweeper runs meanwhile
        mark(**kwargs)

    # All four are handed to a connection after the first; the last three wait for their turns.
    with (
        mock.patch.object(email_transport._Turns, "take", slow_to_take),
        mock.patch.object(sending, "alerts_mark", sweep_then_mark),
    ):
        result = alerts_deliver(alert_ids=emails)

    assert swept == [[], [], [], []]
    assert sorted(result.sent) == emails
    assert Alert.objects.filter(pk__in=emails, attempts=1, status="sent").count() == 4


def test_a_worker_stalled_past_its_lease_leaves_the_reclaimed_alerts_to_their_next_claimant(
    clock: Clock, emails: list[int]
) -> None:
    requeued: list[int] = []

    def stalled_once(message: Message) -> None:
        if not requeued:
            clock.advance(45)  # stuck in the first conversation, past the lease
            requeued.extend(alerts_sweep()[0])

    with while_sending(stalled_once):
        first = alerts_deliver(alert_ids=emails)
    again = alerts_deliver(alert_ids=requeued)

    assert requeued == emails  # the sweeper took the whole batch back, the message in flight too
    assert len(first.sent) == 1  # the stalled worker finished its message and sent no other
    assert sorted(first.sent + again.sent) == emails
    assert len(mail.outbox) == 4  # each once
    assert set(_recipients().values()) == {1}


def test_a_retry_waiting_for_its_countdown_is_not_taken_for_lost(
    clock: Clock, emails: list[int], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    smtp(rcpt_reply="451 4.7.1 greylisted, try later")
    with mock.patch.object(tasks.send_alerts, "apply_async") as retry:
        tasks.send_alerts(emails[:1])
    countdown = retry.call_args.kwargs["countdown"]

    clock.advance(countdown + settings.ALERT_REQUEUE_AFTER - 1)
    assert emails[0] not in alerts_sweep()[0]  # its retry may still come
    clock.advance(2)
    assert emails[0] in alerts_sweep()[0]  # it did not: the task was lost (a killed worker held it)


def test_a_pending_alert_whose_task_was_lost_is_queued_again_within_a_minute(clock: Clock, emails: list[int]) -> None:
    clock.advance(20)
    assert alerts_sweep()[0] == []
    clock.advance(11)

    assert alerts_sweep()[0] == emails


def test_the_defaults_redo_a_killed_workers_alerts_within_a_minute(settings: Any) -> None:
    # A claim runs out at most a lease after its last renewal; the next sweep finds it.
    assert settings.ALERT_CLAIM_LEASE + settings.ALERT_SWEEP_INTERVAL <= 45
    assert settings.ALERT_REQUEUE_AFTER + settings.ALERT_SWEEP_INTERVAL <= 45
    entry = settings.CELERY_BEAT_SCHEDULE["alerts-sweep"]
    assert entry["schedule"] == settings.ALERT_SWEEP_INTERVAL
    assert entry["options"]["priority"] == 0  # ahead of the send batches it must rescue


def test_the_system_check_refuses_a_lease_shorter_than_a_renewal_and_a_stuck_smtp_call(settings: Any) -> None:
    assert not [e for e in run_checks() if e.id and e.id.startswith("alerts.")]

    settings.ALERT_CLAIM_LEASE = settings.ALERT_CLAIM_RENEW + settings.EMAIL_TIMEOUT

    assert "alerts.E002" in {e.id for e in run_checks()}
