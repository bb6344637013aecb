"""Sending alerts in batches: claim many, commit, send, mark; never network I/O inside a transaction.

Claims and their leases are `alerts.services.claims`. In-app is exactly once: the
batch's inbox rows (unique per alert) and their "sent" commit together. Email is at
least once: each message is marked sent as soon as the server took it, and the
transport lets the server take no other before that, so a kill repeats at most one
message per process, and that repeat carries the same Message-ID.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, Rhythm
from alerts.selectors import volunteer_may_receive
from alerts.services.claims import (
    ClaimLease,
    alerts_claim,
    alerts_mark,
    alerts_release,
    lease_end,
    retry_delay,
)
from alerts.services.dispatch import alert_send_requested
from alerts.services.messages import RenderCache, message_for
from alerts.transports import (
    DeliveryError,
    Message,
    PermanentDeliveryError,
    TransientDeliveryError,
    Transport,
    transport_for,
)
from assignments.models import Application, Vacancy

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "retry"
    NOT_CLAIMED = "not_claimed"


def applied_pairs(alerts: Sequence[Alert]) -> set[tuple[int, int]]:
    """(vacancy, volunteer) of the match alerts whose volunteer applied meanwhile: one query for a batch."""
    matches = [a for a in alerts if a.kind == Alert.Kind.MATCH and a.vacancy_id and a.volunteer_id]
    if not matches:
        return set()
    rows = Application.objects.filter(
        vacancy_id__in={a.vacancy_id for a in matches}, volunteer_id__in={a.volunteer_id for a in matches}
    ).values_list("vacancy_id", "volunteer_id")
    return set(rows)


def alert_blocked_reason(alert: Alert, *, applied: set[tuple[int, int]] | None = None) -> str:
    """Why a claimed alert must not go out now ("" when it may): checked at send time, not only at creation.

    ``applied`` is ``applied_pairs`` of the batch the alert belongs to (read here when not given).
    """
    if alert.kind == Alert.Kind.MATCH:
        reason = volunteer_may_receive(volunteer=alert.volunteer, channel=alert.channel)
        if reason:
            return reason
        applied = applied_pairs([alert]) if applied is None else applied
        if (alert.vacancy_id, alert.volunteer_id) in applied:
            return "already applied"
    elif alert.kind == Alert.Kind.STATUS_NOTE:
        volunteer = alert.volunteer
        if volunteer is None or volunteer.erased_at is not None:
            return "account erased"
    elif alert.user is None or not alert.user.is_active:
        return "recipient inactive"
    vacancy_closed = alert.vacancy is None or alert.vacancy.status != Vacancy.Status.OPEN
    if alert.kind in (Alert.Kind.MATCH, Alert.Kind.MANAGER_FIRST) and vacancy_closed:
        return "vacancy no longer open"
    if alert.kind in (Alert.Kind.STALE_REMINDER, Alert.Kind.STATUS_NOTE):
        application = alert.application
        if application is None or application.status != alert.context.get("step"):
            return "application has moved on"
    return ""


@dataclass
class BatchResult:
    """What became of a batch: the ids by how each ended; the highest try count among all and among retries."""

    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    attempts: int = 0
    retry_attempts: int = 0
    # Seconds until the retry of ``retry`` is due (its task's countdown).
    retry_delay: int = 0


def _send_channel(alerts: list[Alert], result: BatchResult) -> None:
    """Send claimed alerts of one channel over one transport session, marking them as their results come.

    Messages are rendered one at a time as the transport asks for the next,
    and the claims' lease is renewed between two of them; an alert whose
    claim ran out meanwhile (the sweeper gave it back) is left to whoever
    claims it next.
    """
    transport = transport_for(alerts[0].channel)
    by_id = {alert.pk: alert for alert in alerts}
    lease = ClaimLease(alerts)
    cache = RenderCache()

    def messages() -> Iterator[Message]:
        for alert in alerts:
            if not lease.holds(alert.pk):
                continue
            try:
                message = message_for(alert, cache=cache)
            except Exception as exc:
                # Not known to pass (a template error): failed at once with the real
                # error, where staff replay it once fixed, rather than left "sending".
                logger.exception("alert %s: could not be rendered", alert.pk)
                alerts_mark(
                    ids=[alert.pk], status=Alert.Status.FAILED, error=f"unexpected error: {type(exc).__name__}: {exc}"
                )
                lease.done(alert.pk)
                result.failed.append(alert.pk)
                continue
            yield message

    outcomes: list[tuple[int | None, DeliveryError | None]] = []
    try:
        if transport.local:
            outcomes = _send_local(transport, list(messages()))
        else:
            with _asynchronous_commits():
                for message, error in transport.send_many(messages()):
                    if error is None and message.alert_id is not None:
                        # Marked at once: a kill from here on no longer repeats this message.
                        _mark_sent_at_once(message.alert_id)
                        lease.done(message.alert_id)
                    outcomes.append((message.alert_id, error))
                    # Messages still in flight on the transport's other connections
                    # are this batch's too: their claims live on after the last one
                    # was handed over.
                    lease.keep()
    except Exception as exc:
        # Not known to pass (BadHeaderError, a bug in a transport): the alerts
        # not yet answered for fail at once with the real error, where staff see
        # and replay them. Left "sending", they waited for the sweeper and came
        # back as "reclaimed from a worker that stopped", again and again.
        logger.exception("unexpected error in the %s transport", transport.channel)
        answered = {pk for pk, _ in outcomes} | set(result.failed)
        unexpected = PermanentDeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
        outcomes += [(pk, unexpected) for pk in by_id if pk in lease.ids and pk not in answered]
    _record(outcomes, by_id, result)


def _record(
    outcomes: list[tuple[int | None, DeliveryError | None]], by_id: dict[int, Alert], result: BatchResult
) -> None:
    """Mark the failures and put the transient ones back for one retry of them all, leased to its countdown."""
    failed: dict[str, list[int]] = {}
    transient: dict[str, list[Alert]] = {}
    for pk, error in outcomes:
        if pk is None:
            continue
        if error is None:
            result.sent.append(pk)
        elif isinstance(error, TransientDeliveryError):
            transient.setdefault(str(error), []).append(by_id[pk])
        else:
            failed.setdefault(str(error), []).append(pk)
    for error_text, ids in failed.items():
        alerts_mark(ids=ids, status=Alert.Status.FAILED, error=error_text)
        result.failed += ids
    again = [a for retry in transient.values() for a in retry if a.attempts < settings.ALERT_MAX_ATTEMPTS]
    if again:
        result.retry_attempts = max(result.retry_attempts, *(a.attempts for a in again))
        result.retry_delay = retry_delay(result.retry_attempts)
    for error_text, retry in transient.items():
        alerts_release(alerts=retry, error=error_text, delay=result.retry_delay)
        result.retry += sorted(a.pk for a in retry if a.attempts < settings.ALERT_MAX_ATTEMPTS)
        result.failed += [a.pk for a in retry if a.attempts >= settings.ALERT_MAX_ATTEMPTS]


def _send_local(transport: Transport, messages: list[Message]) -> list[tuple[int | None, DeliveryError | None]]:
    """Deliver to our own database: the inbox rows and "sent" commit together, exactly once."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                outcomes = [(m.alert_id, error) for m, error in transport.send_many(messages)]
                alerts_mark(ids=[pk for pk, e in outcomes if e is None and pk is not None], status=Alert.Status.SENT)
            return outcomes
        except IntegrityError:
            if attempt:
                raise
            # Foreign keys are checked at commit: an alert deleted since the
            # claim (its vacancy or volunteer went) or a recipient's account
            # deleted. Neither needs delivering; the rest of the batch does.
            alive = set(Alert.objects.filter(pk__in=[m.alert_id for m in messages]).values_list("pk", flat=True))
            users = set(User.objects.filter(pk__in=[m.user_id for m in messages]).values_list("pk", flat=True))
            messages = [m for m in messages if m.alert_id in alive and (m.user_id is None or m.user_id in users)]
    return []


def _mark_sent_at_once(alert_id: int) -> None:
    """Mark one email sent: one statement, committed on its own (inside ``_asynchronous_commits``)."""
    alerts_mark(ids=[alert_id], status=Alert.Status.SENT)


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """While a batch's emails are marked: commits that do not wait for the WAL flush (PostgreSQL).

    Waiting for the flush cost about 7 ms a message on the benchmark machine,
    more than the SMTP conversation; and a mark in a transaction of its own
    (BEGIN, SET LOCAL, UPDATE, COMMIT) cost four round trips to the database
    where one autocommitted UPDATE costs one (on a loaded machine each round
    trip waits for a core: 2-3 ms). A mark lost to a database crash in the
    fraction of a second before the flush leaves the alert "sending": the
    sweeper sends it again, with the same Message-ID, as after a worker's
    kill. Email is at least once either way; nothing is lost. Inside a
    transaction (the tests') nothing changes.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def alerts_deliver(*, alert_ids: Iterable[int]) -> BatchResult:
    """Send those of ``alert_ids`` still pending, as one batch per channel.

    Safe to call twice or concurrently: only the claimant of each alert sends
    it. Alerts that may no longer go out are skipped; permanent refusals fail
    at once; transient failures go back to pending (the caller schedules the
    retry) or fail after ALERT_MAX_ATTEMPTS.
    """
    result = BatchResult()
    alerts = alerts_claim(alert_ids=alert_ids)
    result.attempts = max((alert.attempts for alert in alerts), default=0)
    applied = applied_pairs(alerts)
    blocked: dict[str, list[int]] = {}
    by_channel: dict[str, list[Alert]] = {}
    for alert in alerts:
        reason = alert_blocked_reason(alert, applied=applied)
        if reason:
            blocked.setdefault(reason, []).append(alert.pk)
        else:
            by_channel.setdefault(alert.channel, []).append(alert)
    for reason, ids in blocked.items():
        alerts_mark(ids=ids, status=Alert.Status.SKIPPED, error=reason)
        result.skipped += ids
    for channel_alerts in by_channel.values():
        _send_channel(channel_alerts, result)
    return result


def alert_deliver(*, alert_id: int) -> tuple[Outcome, int]:
    """Send one alert if it is still pending (a batch of one); return the outcome and the attempts so far."""
    result = alerts_deliver(alert_ids=[alert_id])
    for outcome, ids in (
        (Outcome.SENT, result.sent),
        (Outcome.SKIPPED, result.skipped),
        (Outcome.RETRY, result.retry),
        (Outcome.FAILED, result.failed),
    ):
        if ids:
            return outcome, result.attempts
    return Outcome.NOT_CLAIMED, 0


def alerts_sweep(*, backlog: bool = False) -> tuple[list[int], list[tuple[int, str]]]:
    """Reclaim alerts whose worker died mid-send, and find pending alerts whose task was lost.

    Returns the instant alerts to queue again and the (volunteer, rhythm)
    digests to queue again. A claim whose lease ran out belongs to a dead
    worker (a live one renews it). A pending instant alert past its
    ``claimed_until`` (or, never queued again, ALERT_REQUEUE_AFTER past its
    creation) lost its task; with `backlog` (the alerts queue still holds
    tasks) it is most likely waiting its turn instead, and only what was
    reclaimed from dead workers is queued again.
    """
    now = timezone.now()
    dead_claim = Q(claimed_until__lt=now) | Q(
        claimed_until__isnull=True, claimed_at__lt=now - timedelta(seconds=settings.ALERT_CLAIM_LEASE)
    )
    with transaction.atomic():
        dead = list(
            Alert.objects.select_for_update(skip_locked=True)
            .filter(dead_claim, status=Alert.Status.SENDING)
            .values_list("pk", "attempts")
        )
        spent = [pk for pk, attempts in dead if attempts >= settings.ALERT_MAX_ATTEMPTS]
        if spent:
            alerts_mark(ids=spent, status=Alert.Status.FAILED, error="worker lost while sending; tries used up")
        Alert.objects.filter(pk__in=[pk for pk, a in dead if pk not in spent], status=Alert.Status.SENDING).update(
            status=Alert.Status.PENDING, claim_token="", last_error="reclaimed from a worker that stopped"
        )
    lost = Alert.objects.filter(status=Alert.Status.PENDING, deliver=Rhythm.INSTANT).filter(
        Q(claimed_until__lt=now)
        | Q(claimed_until__isnull=True, created_at__lt=now - timedelta(seconds=settings.ALERT_REQUEUE_AFTER))
    )
    if backlog:
        lost = lost.filter(pk__in=[pk for pk, _ in dead])
    lost_ids = list(lost.order_by("pk").values_list("pk", flat=True)[:1000])
    # A lease on what is queued again: not again before ALERT_REQUEUE_AFTER.
    # Without it, alerts merely waiting in a backlog were queued once more on
    # every sweep, the same rows each time, swelling the very queue they wait
    # in (the fault run of bench/bench_alerts.py: 14,159 extra tasks for
    # 10,000 alerts).
    Alert.objects.filter(pk__in=lost_ids, status=Alert.Status.PENDING).update(
        claimed_until=lease_end(settings.ALERT_REQUEUE_AFTER)
    )
    digests = (
        Alert.objects.filter(status=Alert.Status.PENDING, pk__in=[pk for pk, _ in dead])
        .exclude(deliver=Rhythm.INSTANT)
        .order_by()
        .values_list("volunteer_id", "deliver")
        .distinct()
    )
    return lost_ids, list(digests)


@transaction.atomic
def alerts_replay(*, alert_ids: Iterable[int]) -> int:
    """Give failed alerts a fresh start (staff, from the admin) and queue them; return how many."""
    alerts = list(Alert.objects.select_for_update().filter(pk__in=list(alert_ids), status=Alert.Status.FAILED))
    for alert in alerts:
        alert.status, alert.attempts, alert.last_error, alert.claim_token = Alert.Status.PENDING, 0, "", ""
        alert.claimed_at, alert.claimed_until = None, lease_end(settings.ALERT_REQUEUE_AFTER)
        alert.save(update_fields=["status", "attempts", "last_error", "claim_token", "claimed_at", "claimed_until"])
        alert_send_requested(alert=alert)
    return len(alerts)
