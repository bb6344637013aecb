"""Claiming alerts for sending: one conditional UPDATE a batch, leased, renewed, released.

The claim is one conditional UPDATE of a batch from ``pending`` to
``sending``, tagging the rows it changed with a fresh token; the rows are read
back by that token, so each alert belongs to the one caller whose UPDATE
changed it (a duplicate task, a retry racing a redelivery, two workers given
overlapping batches: the others get nothing). A claim is a lease
(``claimed_until``, ALERT_CLAIM_LEASE seconds) that the sending worker renews
every ALERT_CLAIM_RENEW seconds while it works; a worker that dies stops
renewing, and the sweeper gives its alerts back once the lease has run out.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch
from django.utils import timezone

from alerts.models import Alert
from assignments.models import Vacancy

logger = logging.getLogger(__name__)


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> int:
    """Seconds to wait before try ``attempt + 1``: exponential, with jitter, capped below the visibility timeout.

    Half the delay is fixed and half random ("equal jitter"), so retries of
    many alerts after one outage spread out but still back off.
    """
    rng = rng or random.Random()  # noqa: S311 - jitter, not security
    ceiling = settings.ALERT_RETRY_BASE_DELAY * 2 ** max(attempt - 1, 0)
    ceiling = min(ceiling, settings.ALERT_RETRY_MAX_DELAY)
    return max(1, int(ceiling / 2 + rng.uniform(0, ceiling / 2)))


# What sending never reads of a profile: JSON and long text, costly to load for each row of a batch.
UNUSED_PROFILE_FIELDS = ("summary", "skills", "languages", "heritage_countries", "headline")


def lease_end(seconds: float | None = None) -> datetime:
    """When a claim (or the expectation that a queued task claims a pending alert) taken now runs out."""
    return timezone.now() + timedelta(seconds=settings.ALERT_CLAIM_LEASE if seconds is None else seconds)


def alerts_claim(*, alert_ids: Iterable[int]) -> list[Alert]:
    """Take those of ``alert_ids`` still pending for sending, in one UPDATE; return them, loaded for sending.

    Each row is claimed on its own condition (still pending), so a racing
    caller gets the others or none, never one of these. The claim is leased
    until ALERT_CLAIM_LEASE seconds from now; ``ClaimLease`` renews it.
    """
    token = str(uuid.uuid4())
    claimed = Alert.objects.filter(pk__in=list(alert_ids), status=Alert.Status.PENDING).update(
        status=Alert.Status.SENDING,
        claimed_at=timezone.now(),
        claimed_until=lease_end(),
        attempts=F("attempts") + 1,
        claim_token=token,
    )
    if not claimed:
        return []
    # The vacancy (most batches are about one) is read once and shared, not
    # joined into every row; the profile's long fields are not read at all.
    return list(
        Alert.objects.select_related("volunteer__alert_preference", "user", "application")
        .prefetch_related(Prefetch("vacancy", queryset=Vacancy.objects.select_related("host_institution")))
        .defer(*(f"volunteer__{name}" for name in UNUSED_PROFILE_FIELDS))
        .filter(claim_token=token, status=Alert.Status.SENDING)
        .order_by("pk")
    )


def alerts_renew(*, token: str, expected: int) -> set[int] | None:
    """Move the lease of the claims tagged ``token`` on; return the ids still held, or None when all expected are.

    ``expected`` is how many claims the caller holds: when the UPDATE changes
    as many, nothing was lost and no second query is needed.
    """
    held = Alert.objects.filter(claim_token=token, status=Alert.Status.SENDING)
    if held.update(claimed_until=lease_end()) == expected:
        return None
    return set(held.values_list("pk", flat=True))


class ClaimLease:
    """The heartbeat of a batch's claims: renewed between two messages or two results, every ALERT_CLAIM_RENEW seconds.

    ``holds(pk)`` says whether an alert is still this worker's. It is not
    when the lease ran out meanwhile (the worker was stalled longer than
    the lease) and the sweeper gave it back: then whoever claims it next
    sends it, and this worker must not.
    """

    def __init__(self, alerts: Sequence[Alert]) -> None:
        self.token = alerts[0].claim_token if alerts else ""
        self.ids = {alert.pk for alert in alerts}
        self.renewed = timezone.now()
        self.renewals = 0

    def holds(self, pk: int) -> bool:
        self.keep()
        return pk in self.ids

    def keep(self) -> None:
        """Renew the claims if ALERT_CLAIM_RENEW seconds have passed since the last time."""
        if (timezone.now() - self.renewed).total_seconds() >= settings.ALERT_CLAIM_RENEW:
            self.renew()

    def renew(self) -> None:
        held = alerts_renew(token=self.token, expected=len(self.ids))
        if held is not None:
            logger.warning("%d alert claim(s) ran out while this worker held them", len(self.ids - held))
            self.ids &= held
        self.renewed = timezone.now()
        self.renewals += 1

    def done(self, pk: int) -> None:
        """An alert marked (sent, failed): no longer held, so no longer renewed."""
        self.ids.discard(pk)


def alert_claim(*, alert_id: int) -> bool:
    """Take one alert for sending; True only for the one caller whose UPDATE changed the row."""
    return bool(alerts_claim(alert_ids=[alert_id]))


def alerts_mark(*, ids: Iterable[int], status: str, error: str = "") -> None:
    """Record how sending ended. Sent wins over a sweeper's reclaim, so a reclaimed alert is not sent again."""
    ids = list(ids)
    if not ids:
        return
    # One plain statement, not QuerySet.update(): it runs for every email sent,
    # and building the ORM's query cost 0.23 ms of CPU a message where the
    # statement costs 0.08 (of about 2 ms a message in the worker of
    # bench/bench_alerts.py), all of it in the time during which the mail
    # server may take no other message (alerts/transports/email.py).
    assignments = "status = %s, last_error = %s, claim_token = ''"
    params: list[Any] = [status, error[:2000]]
    if status == Alert.Status.SENT:
        assignments += ", sent_at = %s"
        params.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    sql = (
        f"UPDATE {Alert._meta.db_table} SET {assignments} "  # noqa: S608 - the model's table, every value a parameter
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND status IN (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids, Alert.Status.SENDING, Alert.Status.PENDING])


def alerts_release(*, alerts: Iterable[Alert], error: str, delay: float = 0) -> bool:
    """Put claimed alerts back to pending for a retry in ``delay`` seconds, or fail them after ALERT_MAX_ATTEMPTS.

    Returns True when a retry is worth scheduling. The pending rows are
    leased to that retry: the sweeper takes its task for lost (and queues
    the alerts again) only ALERT_REQUEUE_AFTER seconds after it was due.
    """
    alerts = list(alerts)
    spent = [a.pk for a in alerts if a.attempts >= settings.ALERT_MAX_ATTEMPTS]
    again = [a.pk for a in alerts if a.attempts < settings.ALERT_MAX_ATTEMPTS]
    if spent:
        alerts_mark(
            ids=spent, status=Alert.Status.FAILED, error=f"gave up after {settings.ALERT_MAX_ATTEMPTS} tries: {error}"
        )
    if again:
        Alert.objects.filter(pk__in=again, status=Alert.Status.SENDING).update(
            status=Alert.Status.PENDING,
            last_error=error[:2000],
            claim_token="",
            claimed_until=lease_end(delay + settings.ALERT_REQUEUE_AFTER),
        )
    return bool(again)
