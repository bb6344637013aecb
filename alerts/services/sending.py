"""Sending one alert: claim it, commit, send, then mark it; never network I/O inside a transaction.

The claim is a conditional UPDATE from ``pending`` to ``sending``: whoever
changes the row goes on, anyone else (a duplicate task, a retry racing a
redelivery) stops. A worker that dies holding a claim leaves it ``sending``;
the sweeper puts it back after ALERT_CLAIM_TIMEOUT, so email is at least
once; in-app is exactly once, being a row with a unique key.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from alerts.models import Alert, Rhythm
from alerts.selectors import volunteer_may_receive
from alerts.services.dispatch import alert_send_requested
from alerts.services.messages import message_for
from alerts.transports import PermanentDeliveryError, TransientDeliveryError, transport_for
from assignments.models import Application, Vacancy

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "retry"
    NOT_CLAIMED = "not_claimed"


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> int:
    """Seconds to wait before try ``attempt + 1``: exponential, with jitter, capped below the visibility timeout.

    Half the delay is fixed and half random ("equal jitter"), so retries of
    many alerts after one outage spread out but still back off.
    """
    rng = rng or random.Random()  # noqa: S311 - jitter, not security
    ceiling = settings.ALERT_RETRY_BASE_DELAY * 2 ** max(attempt - 1, 0)
    ceiling = min(ceiling, settings.ALERT_RETRY_MAX_DELAY)
    return max(1, int(ceiling / 2 + rng.uniform(0, ceiling / 2)))


def alert_claim(*, alert_id: int) -> bool:
    """Take the alert for sending; True only for the one caller whose UPDATE changed the row."""
    claimed = Alert.objects.filter(pk=alert_id, status=Alert.Status.PENDING).update(
        status=Alert.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return claimed == 1


def alerts_mark(*, ids: Iterable[int], status: str, error: str = "") -> None:
    """Record how sending ended. Sent wins over a sweeper's reclaim, so a reclaimed alert is not sent again."""
    fields: dict[str, object] = {"status": status, "last_error": error[:2000], "claim_token": ""}
    if status == Alert.Status.SENT:
        fields["sent_at"] = timezone.now()
    Alert.objects.filter(pk__in=list(ids), status__in=[Alert.Status.SENDING, Alert.Status.PENDING]).update(**fields)


def alerts_release(*, alerts: Iterable[Alert], error: str) -> bool:
    """Put claimed alerts back to pending for a retry, or mark them failed after ALERT_MAX_ATTEMPTS.

    Returns True when a retry is worth scheduling.
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
            status=Alert.Status.PENDING, last_error=error[:2000], claim_token=""
        )
    return bool(again)


def alert_blocked_reason(alert: Alert) -> str:
    """Why a claimed alert must not go out now ("" when it may): checked at send time, not only at creation."""
    if alert.kind == Alert.Kind.MATCH:
        reason = volunteer_may_receive(volunteer=alert.volunteer, channel=alert.channel)
        if reason:
            return reason
        applied = Application.objects.filter(vacancy=alert.vacancy, volunteer=alert.volunteer)
        if alert.vacancy is not None and applied.exists():
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


def _load(alert_id: int) -> Alert | None:
    return (
        Alert.objects.select_related("volunteer__alert_preference", "user", "vacancy__host_institution", "application")
        .filter(pk=alert_id)
        .first()
    )


def alert_deliver(*, alert_id: int) -> tuple[Outcome, int]:
    """Send one alert if it is still pending; return the outcome and the attempts so far.

    Safe to call twice or concurrently: only the claimant sends. Transient
    failures put the alert back to pending (the caller schedules the retry);
    permanent ones, or too many tries, mark it failed.
    """
    if not alert_claim(alert_id=alert_id):
        return Outcome.NOT_CLAIMED, 0
    alert = _load(alert_id)
    if alert is None:  # deleted since the claim (its vacancy or volunteer went): nothing to send
        return Outcome.NOT_CLAIMED, 0
    reason = alert_blocked_reason(alert)
    if reason:
        alerts_mark(ids=[alert.pk], status=Alert.Status.SKIPPED, error=reason)
        return Outcome.SKIPPED, alert.attempts
    try:
        transport_for(alert.channel).send(message_for(alert))
    except PermanentDeliveryError as exc:
        alerts_mark(ids=[alert.pk], status=Alert.Status.FAILED, error=str(exc))
        return Outcome.FAILED, alert.attempts
    except TransientDeliveryError as exc:
        retry = alerts_release(alerts=[alert], error=str(exc))
        return (Outcome.RETRY if retry else Outcome.FAILED), alert.attempts
    except Exception as exc:
        # Not classified, so not known to pass (BadHeaderError from a title with
        # a line break, a template error): failed at once with the real error,
        # where staff replay it once fixed. Left "sending", it waited for the
        # sweeper and came back as "reclaimed from a worker that stopped", for hours.
        logger.exception("alert %s: unexpected error in the %s transport", alert.pk, alert.channel)
        alerts_mark(ids=[alert.pk], status=Alert.Status.FAILED, error=f"unexpected error: {type(exc).__name__}: {exc}")
        return Outcome.FAILED, alert.attempts
    alerts_mark(ids=[alert.pk], status=Alert.Status.SENT)
    return Outcome.SENT, alert.attempts


def alerts_sweep(*, backlog: bool = False) -> tuple[list[int], list[tuple[int, str]]]:
    """Reclaim alerts whose worker died mid-send, and find pending alerts whose task was lost.

    Returns the instant alerts to queue again and the (volunteer, rhythm)
    digests to queue again. With `backlog` (the alerts queue still holds
    tasks), an old pending alert is most likely waiting its turn, not lost:
    only what was reclaimed from dead workers is queued again.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT)
    with transaction.atomic():
        dead = list(
            Alert.objects.select_for_update(skip_locked=True)
            .filter(status=Alert.Status.SENDING, claimed_at__lt=stale)
            .values_list("pk", "attempts")
        )
        spent = [pk for pk, attempts in dead if attempts >= settings.ALERT_MAX_ATTEMPTS]
        if spent:
            alerts_mark(ids=spent, status=Alert.Status.FAILED, error="worker lost while sending; tries used up")
        Alert.objects.filter(pk__in=[pk for pk, a in dead if pk not in spent], status=Alert.Status.SENDING).update(
            status=Alert.Status.PENDING, claim_token="", last_error="reclaimed from a worker that stopped"
        )
    # Instant alerts left pending longer than a claim may last lost their task
    # (or were just reclaimed): queue them again. Claims keep this harmless.
    lost = Alert.objects.filter(status=Alert.Status.PENDING, deliver=Rhythm.INSTANT).filter(
        Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True, created_at__lt=stale)
    )
    if backlog:
        lost = lost.filter(pk__in=[pk for pk, _ in dead])
    lost_ids = list(lost.order_by("pk").values_list("pk", flat=True)[:1000])
    # A lease on what is queued again: not again before another claim timeout.
    # Without it, alerts merely waiting in a backlog older than the timeout were
    # queued once more on every sweep, the same rows each time, swelling the
    # very queue they wait in (the fault run of bench/bench_alerts.py: 14,159
    # extra tasks for 10,000 alerts).
    Alert.objects.filter(pk__in=lost_ids, status=Alert.Status.PENDING).update(claimed_at=now)
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
        alert.claimed_at = None
        alert.save(update_fields=["status", "attempts", "last_error", "claim_token", "claimed_at"])
        alert_send_requested(alert=alert)
    return len(alerts)
