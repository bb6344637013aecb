"""When mail fails: retry transient failures with bounded backoff, give up on permanent ones, reclaim, replay."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.utils import timezone

from alerts import tasks
from alerts.models import Alert
from alerts.services.claims import lease_end, retry_delay
from alerts.services.sending import Outcome, alert_deliver, alerts_replay, alerts_sweep
from core.models import OutboxMessage
from core.tasknames import SEND_ALERT as TASK_SEND_ALERT
from tests.alerts.conftest import StoreShortlist
from tests.alerts.fake_smtp import FakeSMTP, free_port
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_alert(store_shortlist: StoreShortlist) -> Alert:
    volunteer = VolunteerFactory()
    store_shortlist(VacancyFactory(), [(volunteer, 0.8)])
    return Alert.objects.get(volunteer=volunteer, channel="email")


def _state(alert: Alert) -> tuple[str, int]:
    alert.refresh_from_db()
    return alert.status, alert.attempts


def test_it_sends_through_a_real_smtp_conversation(email_alert: Alert, smtp: Callable[..., FakeSMTP]) -> None:
    server = smtp()

    assert alert_deliver(alert_id=email_alert.pk)[0] == Outcome.SENT

    [received] = server.received
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in received
    assert _state(email_alert) == ("sent", 1)


@pytest.mark.parametrize(
    ("replies", "error"),
    [
        ({"rcpt_reply": "451 4.7.1 greylisted, try later"}, "deferred"),
        ({"data_reply": "421 4.3.2 service shutting down"}, "SMTP"),
        ({"drop_after_mail": True}, "unavailable"),
    ],
)
def test_a_transient_failure_puts_the_alert_back_for_a_retry(
    email_alert: Alert, smtp: Callable[..., FakeSMTP], replies: dict[str, Any], error: str
) -> None:
    smtp(**replies)

    assert alert_deliver(alert_id=email_alert.pk) == (Outcome.RETRY, 1)

    assert _state(email_alert) == ("pending", 1)
    assert error in email_alert.last_error


def test_a_server_that_refuses_connections_is_transient(email_alert: Alert, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    assert alert_deliver(alert_id=email_alert.pk)[0] == Outcome.RETRY
    assert "cannot reach the mail server" in Alert.objects.get(pk=email_alert.pk).last_error


@pytest.mark.parametrize(
    ("replies", "error"),
    [
        ({"rcpt_reply": "550 5.1.1 no such user"}, "recipients refused"),
        ({"data_reply": "554 5.7.1 message rejected as spam"}, "SMTP 554"),
    ],
)
def test_a_permanent_refusal_fails_the_alert_without_retrying(
    email_alert: Alert, smtp: Callable[..., FakeSMTP], replies: dict[str, Any], error: str
) -> None:
    smtp(**replies)

    with mock.patch.object(tasks.send_alert, "apply_async") as retry:
        assert tasks.send_alert(email_alert.pk) == "failed"

    retry.assert_not_called()
    assert _state(email_alert) == ("failed", 1)
    assert error in email_alert.last_error


def test_it_gives_up_after_the_capped_number_of_tries(
    email_alert: Alert, smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    settings.ALERT_MAX_ATTEMPTS = 3
    smtp(rcpt_reply="450 4.2.1 mailbox busy")

    outcomes = [alert_deliver(alert_id=email_alert.pk)[0] for _ in range(4)]

    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED, Outcome.NOT_CLAIMED]
    assert _state(email_alert) == ("failed", 3)
    assert email_alert.last_error.startswith("gave up after 3 tries")


def test_the_task_schedules_its_retry_below_the_visibility_timeout(
    email_alert: Alert, smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    smtp(rcpt_reply="451 try again")

    with mock.patch.object(tasks.send_alert, "apply_async") as retry:  # the broker is the boundary
        assert tasks.send_alert(email_alert.pk) == "retry"

    [call] = retry.call_args_list
    assert call.kwargs["kwargs"] == {"alert_id": email_alert.pk}
    assert 0 < call.kwargs["countdown"] <= settings.ALERT_RETRY_BASE_DELAY
    assert call.kwargs["countdown"] < settings.CELERY_BROKER_VISIBILITY_TIMEOUT


def test_retry_delays_grow_with_jitter_and_never_reach_the_visibility_timeout(settings: Any) -> None:
    rng = random.Random(7)
    delays = {attempt: [retry_delay(attempt, rng=rng) for _ in range(50)] for attempt in range(1, 40)}

    assert max(delays[1]) <= settings.ALERT_RETRY_BASE_DELAY
    assert min(delays[4]) >= settings.ALERT_RETRY_BASE_DELAY * 4  # 2**3 x base, at least half of it
    assert len(set(delays[4])) > 1  # jittered
    longest = max(max(d) for d in delays.values())
    assert longest <= settings.ALERT_RETRY_MAX_DELAY < settings.CELERY_BROKER_VISIBILITY_TIMEOUT


def test_the_system_check_refuses_delays_at_or_past_the_visibility_timeout(settings: Any) -> None:
    assert not [e for e in run_checks() if e.id and e.id.startswith("alerts.")]

    settings.ALERT_RETRY_MAX_DELAY = settings.CELERY_BROKER_VISIBILITY_TIMEOUT

    assert "alerts.E001" in {e.id for e in run_checks()}


def test_the_sweeper_reclaims_an_alert_whose_worker_died(email_alert: Alert) -> None:
    # Its lease ran out: the worker stopped renewing it.
    assert Alert.objects.filter(pk=email_alert.pk, status="pending").update(
        status="sending", attempts=1, claimed_until=timezone.now() - timedelta(seconds=1)
    )

    instant, digests = alerts_sweep()

    assert email_alert.pk in instant
    assert digests == []
    assert _state(email_alert) == ("pending", 1)
    assert alert_deliver(alert_id=email_alert.pk)[0] == Outcome.SENT
    assert len(mail.outbox) == 1


def test_the_sweeper_leaves_a_fresh_claim_alone(email_alert: Alert) -> None:
    # A claim taken now, by a worker still at work.
    Alert.objects.filter(pk=email_alert.pk).update(
        status="sending", attempts=1, claimed_at=timezone.now(), claimed_until=lease_end()
    )

    instant, _ = alerts_sweep()

    assert email_alert.pk not in instant
    assert _state(email_alert) == ("sending", 1)


def test_the_sweeper_fails_a_dead_claim_that_used_up_its_tries(email_alert: Alert, settings: Any) -> None:
    Alert.objects.filter(pk=email_alert.pk).update(
        status="sending",
        attempts=settings.ALERT_MAX_ATTEMPTS,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )

    alerts_sweep()

    assert _state(email_alert)[0] == "failed"


def test_the_sweep_task_queues_reclaimed_alerts_and_is_idempotent(email_alert: Alert) -> None:
    Alert.objects.filter(pk=email_alert.pk).update(
        status="sending", attempts=1, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    with mock.patch.object(tasks.send_alerts, "apply_async") as queue:
        tasks.sweep()
        tasks.sweep()

    assert [call.kwargs["args"] for call in queue.call_args_list] == [[[email_alert.pk]]]
    assert _state(email_alert) == ("pending", 1)


def test_the_sweeper_queues_a_waiting_alert_again_once_per_requeue_period(email_alert: Alert, settings: Any) -> None:
    # Pending for longer than a queued task takes to claim it: its task is lost, or it waits in a long backlog.
    long_ago = timezone.now() - timedelta(seconds=settings.ALERT_REQUEUE_AFTER + 1)
    Alert.objects.filter(pk=email_alert.pk).update(created_at=long_ago)

    first, _ = alerts_sweep()
    second, _ = alerts_sweep()
    Alert.objects.filter(pk=email_alert.pk).update(claimed_until=long_ago)  # another period went by
    third, _ = alerts_sweep()

    assert (email_alert.pk in first, email_alert.pk in second, email_alert.pk in third) == (True, False, True)
    assert _state(email_alert) == ("pending", 0)


def test_replay_gives_a_failed_alert_a_fresh_start_and_queues_it(email_alert: Alert) -> None:
    Alert.objects.filter(pk=email_alert.pk).update(status="failed", attempts=6, last_error="SMTP 550")
    OutboxMessage.objects.all().delete()

    assert alerts_replay(alert_ids=[email_alert.pk]) == 1
    assert alerts_replay(alert_ids=[email_alert.pk]) == 0  # no longer failed

    assert _state(email_alert) == ("pending", 0)
    assert OutboxMessage.objects.get().task == TASK_SEND_ALERT
    assert alert_deliver(alert_id=email_alert.pk)[0] == Outcome.SENT


def test_replay_leaves_sent_alerts_alone(email_alert: Alert) -> None:
    alert_deliver(alert_id=email_alert.pk)

    assert alerts_replay(alert_ids=[email_alert.pk]) == 0
    assert _state(email_alert) == ("sent", 1)


def test_with_a_backlog_the_sweeper_leaves_waiting_alerts_to_their_turn(email_alert: Alert, settings: Any) -> None:
    long_ago = timezone.now() - timedelta(seconds=settings.ALERT_REQUEUE_AFTER + 1)
    Alert.objects.filter(pk=email_alert.pk).update(created_at=long_ago)  # old, never claimed: waiting, or lost
    reclaimed = Alert.objects.exclude(pk=email_alert.pk).first()
    assert reclaimed is not None
    # A dead worker's claim.
    Alert.objects.filter(pk=reclaimed.pk).update(status="sending", attempts=1, claimed_until=long_ago)

    instant, _ = alerts_sweep(backlog=True)

    assert instant == [reclaimed.pk]
    assert _state(email_alert) == ("pending", 0)


def test_the_sweep_task_asks_the_broker_whether_the_alerts_queue_is_waiting(email_alert: Alert, settings: Any) -> None:
    Alert.objects.filter(pk=email_alert.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.ALERT_REQUEUE_AFTER + 1)
    )
    with (
        mock.patch.object(tasks, "_queue_has_backlog", return_value=True) as backlog,
        mock.patch.object(tasks.send_alerts, "apply_async") as queue,
    ):
        tasks.sweep()
    backlog.assert_called_once_with("alerts")
    queue.assert_not_called()
