"""Queueing alert work through the outbox: written in the caller's transaction, relayed after commit."""

from __future__ import annotations

from alerts.models import Alert, Rhythm
from core import tasknames
from core.outbox import outbox_enqueue


def alerts_dispatch_vacancy_requested(*, vacancy_id: int) -> None:
    """After commit, send every pending instant alert about this vacancy (one outbox row per vacancy)."""
    outbox_enqueue(task=tasknames.DISPATCH_VACANCY, key=f"vacancy:{vacancy_id}", kwargs={"vacancy_id": vacancy_id})


def alert_send_requested(*, alert: Alert) -> None:
    """After commit, send this alert: on its own if instant, with its digest otherwise."""
    if alert.deliver == Rhythm.INSTANT or alert.volunteer_id is None:
        outbox_enqueue(task=tasknames.SEND_ALERT, key=f"alert:{alert.pk}", kwargs={"alert_id": alert.pk})
    else:
        outbox_enqueue(
            task=tasknames.SEND_DIGEST,
            key=f"digest:{alert.volunteer_id}:{alert.deliver}",
            kwargs={"volunteer_id": alert.volunteer_id, "deliver": alert.deliver},
        )
