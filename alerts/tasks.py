"""Celery tasks of alerts: named, on the "alerts" queue, taking ids, safe to run twice.

Instant alerts go out in batches of one channel (``send_alerts``;
ALERT_BATCH_SIZE ids for email, ALERT_INAPP_BATCH_SIZE in-app): one claim,
SMTP connections opened once for the lot, one inbox write. Sending tasks
retry transient failures themselves, with a delay from ``retry_delay``
(exponential, jittered, below the broker's visibility timeout); the try
count lives on the alert row, so the cap holds across redeliveries. Database hiccups are retried by Celery's autoretry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from amqp.exceptions import ChannelError
from celery import current_app, shared_task
from django.conf import settings

from alerts.models import Alert, Channel
from alerts.selectors import alerts_for_vacancy_pending
from alerts.services import creation, digests, managers, notes
from alerts.services.claims import retry_delay
from alerts.services.sending import Outcome, alert_deliver, alerts_deliver, alerts_sweep
from core import tasknames
from core.tasks import DB_RETRY

logger = logging.getLogger(__name__)


@shared_task(name=tasknames.CREATE_ALERTS_FOR_VACANCY, acks_late=True, **DB_RETRY)
def create_for_vacancy(vacancy_id: int) -> int:
    """Create the alerts a vacancy's freshly stored results call for (idempotent)."""
    return creation.alerts_for_vacancy_results(vacancy_id=vacancy_id)


@shared_task(name=tasknames.CREATE_ALERTS_FOR_VOLUNTEER, acks_late=True, **DB_RETRY)
def create_for_volunteer(volunteer_id: int) -> int:
    """Create the alerts a rescored profile's stored results call for (idempotent)."""
    return creation.alerts_for_volunteer_results(volunteer_id=volunteer_id)


@shared_task(name=tasknames.SEND_ALERT, acks_late=True, **DB_RETRY)
def send_alert(alert_id: int) -> str:
    """Send one alert if it is still pending (a replay); schedule a retry on a transient failure."""
    outcome, attempts = alert_deliver(alert_id=alert_id)
    if outcome == Outcome.RETRY:
        # The row is pending again, leased to this retry; whichever task claims it next sends it.
        send_alert.apply_async(kwargs={"alert_id": alert_id}, countdown=retry_delay(attempts))
    return outcome.value


@shared_task(name=tasknames.SEND_ALERTS, acks_late=True, **DB_RETRY)
def send_alerts(alert_ids: list[int]) -> dict[str, int]:
    """Send a batch of alerts, those still pending; schedule one retry for the transient failures."""
    result = alerts_deliver(alert_ids=alert_ids)
    if result.retry:
        send_alerts.apply_async(kwargs={"alert_ids": result.retry}, countdown=result.retry_delay)
    return {"sent": len(result.sent), "skipped": len(result.skipped), "failed": len(result.failed),
            "retry": len(result.retry)}  # fmt: skip


# Broker priority of a channel's batches (Redis: 0, the default, goes first;
# the filesystem broker ignores it). An in-app batch is milliseconds of
# database work; an email batch is an SMTP conversation. Without this, the
# in-app alerts of the fifth vacancy opened waited behind the email of the
# first four. Everything else on the queue (creating a vacancy's alerts,
# dispatching them, the sweep, batches the sweeper reclaimed) keeps 0 and goes
# before both, so that the alerts of the last vacancy opened are created and
# queued while the first one's are still being sent, and a killed worker's
# alerts do not wait behind the whole backlog.
CHANNEL_PRIORITY: dict[str, int] = {Channel.INAPP: 3, Channel.EMAIL: 6}


def queue_batches(alert_ids: Sequence[tuple[int, str]], *, priority: int | None = None) -> int:
    """Queue ``(id, channel)`` pairs as send_alerts batches of one channel each, in-app first; return the batches."""
    batches = 0
    for channel in (Channel.INAPP, *(c for c in Channel.values if c != Channel.INAPP)):
        ids = [pk for pk, c in alert_ids if c == channel]
        size = max(1, settings.ALERT_BATCH_SIZE if channel != Channel.INAPP else settings.ALERT_INAPP_BATCH_SIZE)
        for start in range(0, len(ids), size):
            send_alerts.apply_async(
                args=[ids[start : start + size]],
                priority=CHANNEL_PRIORITY.get(channel, 0) if priority is None else priority,
            )
            batches += 1
    return batches


@shared_task(name=tasknames.DISPATCH_VACANCY, acks_late=True, **DB_RETRY)
def dispatch_vacancy(vacancy_id: int) -> int:
    """Queue every pending instant alert about a vacancy, in batches; return how many alerts."""
    pending = alerts_for_vacancy_pending(vacancy_id=vacancy_id).order_by("pk").values_list("pk", "channel")
    ids = list(pending)
    queue_batches(ids)
    return len(ids)


@shared_task(name=tasknames.SEND_DIGEST, acks_late=True, **DB_RETRY)
def send_digest(volunteer_id: int, deliver: str) -> str:
    """Send one volunteer's waiting digest; schedule a retry on a transient failure."""
    outcome, attempts = digests.digest_send(volunteer_id=volunteer_id, deliver=deliver)
    if outcome == Outcome.RETRY:
        send_digest.apply_async(
            kwargs={"volunteer_id": volunteer_id, "deliver": deliver}, countdown=retry_delay(attempts)
        )
    return outcome.value


@shared_task(name=tasknames.SEND_DIGESTS, acks_late=True, **DB_RETRY)
def send_digests(deliver: str) -> int:
    """Beat: queue the daily (or weekly) digest of everyone who has one waiting."""
    volunteer_ids = digests.digest_recipients(deliver=deliver)
    for volunteer_id in volunteer_ids:
        send_digest.delay(volunteer_id, deliver)
    return len(volunteer_ids)


def _queue_has_backlog(queue: str) -> bool:
    """Whether the broker still holds tasks on `queue` (unknown counts as no backlog)."""
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1)
            return bool(connection.default_channel.queue_declare(queue=queue, passive=True).message_count)
    except ChannelError:  # the queue was never declared: nothing waits in it
        return False
    except Exception:  # a broker that cannot say: fall back to queueing old pending alerts again
        logger.warning("could not read the length of queue %s", queue, exc_info=True)
        return False


@shared_task(name=tasknames.SWEEP_ALERTS, acks_late=True, **DB_RETRY)
def sweep() -> int:
    """Beat: reclaim alerts from workers that died mid-send and queue pending ones whose task was lost."""
    instant, digest_keys = alerts_sweep(backlog=_queue_has_backlog("alerts"))
    queue_batches(list(Alert.objects.filter(pk__in=instant).order_by("pk").values_list("pk", "channel")), priority=0)
    for volunteer_id, deliver in digest_keys:
        send_digest.delay(volunteer_id, deliver)
    if instant or digest_keys:
        logger.info("alerts sweep queued %d alert(s) and %d digest(s) again", len(instant), len(digest_keys))
    return len(instant) + len(digest_keys)


@shared_task(name=tasknames.MANAGER_SUMMARIES, acks_late=True, **DB_RETRY)
def manager_summaries() -> int:
    """Beat: each manager's summary of yesterday's new interest, once per day."""
    return managers.manager_summaries_create()


@shared_task(name=tasknames.STALE_APPLICATIONS, acks_late=True, **DB_RETRY)
def stale_applications() -> int:
    """Beat: remind managers of applications waiting too long, with a note to the volunteer, once per step."""
    return managers.stale_applications_alerts_create()


@shared_task(name=tasknames.APPLICATION_STATUS_NOTE, acks_late=True, **DB_RETRY)
def application_status_note(application_id: int, step: str) -> int:
    """Tell a volunteer that a manager moved their application to ``step`` (once per step)."""
    return notes.application_status_note_create(application_id=application_id, step=step)
