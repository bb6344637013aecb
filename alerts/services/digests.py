"""Daily and weekly digests: each person's waiting match alerts in one email, best first."""

from __future__ import annotations

import uuid

from django.db.models import F
from django.utils import timezone

from alerts.models import Alert, Channel, Rhythm
from alerts.services.claims import alerts_mark, alerts_release, lease_end
from alerts.services.messages import digest_message
from alerts.services.sending import Outcome, alert_blocked_reason
from alerts.transports import PermanentDeliveryError, TransientDeliveryError, transport_for

DIGEST_RHYTHMS = (Rhythm.DAILY, Rhythm.WEEKLY)


def digest_recipients(*, deliver: str) -> list[int]:
    """Volunteers with match alerts waiting for this digest."""
    return list(
        Alert.objects.filter(status=Alert.Status.PENDING, deliver=deliver, channel=Channel.EMAIL)
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)
        .distinct()
    )


def digest_send(*, volunteer_id: int, deliver: str) -> tuple[Outcome, int]:
    """Claim every waiting ``deliver`` alert of one volunteer and send them as one email.

    The claim is one conditional UPDATE tagging the rows with a fresh token,
    so two runs never share an alert. Alerts that may no longer go out (the
    vacancy closed, consent withdrawn) are marked skipped; the rest go in one
    message, best first. Returns the outcome and the highest attempt count.
    """
    if deliver not in DIGEST_RHYTHMS:
        raise ValueError(f"not a digest rhythm: {deliver!r}")
    token = str(uuid.uuid4())
    claimed = Alert.objects.filter(
        volunteer_id=volunteer_id, deliver=deliver, channel=Channel.EMAIL, status=Alert.Status.PENDING
    ).update(
        status=Alert.Status.SENDING,
        claimed_at=timezone.now(),
        claimed_until=lease_end(),
        claim_token=token,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return Outcome.NOT_CLAIMED, 0
    alerts = list(
        Alert.objects.filter(claim_token=token, status=Alert.Status.SENDING).select_related(
            "volunteer__alert_preference", "vacancy__host_institution"
        )
    )
    attempts = max(a.attempts for a in alerts) if alerts else 0
    sendable = []
    for alert in alerts:
        reason = alert_blocked_reason(alert)
        if reason:
            alerts_mark(ids=[alert.pk], status=Alert.Status.SKIPPED, error=reason)
        else:
            sendable.append(alert)
    if not sendable:
        return Outcome.SKIPPED, attempts
    ids = [a.pk for a in sendable]
    try:
        transport_for(Channel.EMAIL).send(digest_message(sendable))
    except PermanentDeliveryError as exc:
        alerts_mark(ids=ids, status=Alert.Status.FAILED, error=str(exc))
        return Outcome.FAILED, attempts
    except TransientDeliveryError as exc:
        retry = alerts_release(alerts=sendable, error=str(exc))
        return (Outcome.RETRY if retry else Outcome.FAILED), attempts
    alerts_mark(ids=ids, status=Alert.Status.SENT)
    return Outcome.SENT, attempts
