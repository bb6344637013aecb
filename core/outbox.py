"""The task outbox: queue work only once the change that causes it is committed.

`outbox_enqueue` writes a row in the caller's transaction and asks for a relay
after commit. `outbox_relay` publishes pending rows to the broker and marks them
sent; if the broker is down the rows stay pending and the next relay (on the
next commit, or beat's periodic one) sends them. Publishing twice is harmless:
every task it queues is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import tasknames
from core.context import request_id_var
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# Publishing must not hang a web request when the broker is away: try briefly,
# leave the row pending, and let the periodic relay deliver it later.
# How long a relay holds a row it is publishing (a publish takes milliseconds).
_LEASE = timedelta(seconds=60)
_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.5}


def outbox_enqueue(*, task: str, key: str, kwargs: dict[str, Any]) -> None:
    """Record that `task(**kwargs)` must run after the current transaction commits.

    Several requests for the same work before the relay runs collapse into one
    pending row (a partial unique constraint on task and key).
    """
    if not OutboxMessage.objects.filter(task=task, key=key, sent_at__isnull=True).exists():
        try:
            with transaction.atomic():
                OutboxMessage.objects.create(task=task, key=key, kwargs=kwargs, request_id=request_id_var.get()[:64])
        except IntegrityError:
            pass  # a concurrent transaction queued the same work
    if settings.OUTBOX_RELAY_ON_COMMIT:
        transaction.on_commit(outbox_relay_after_commit)


def outbox_relay_after_commit() -> None:
    try:
        outbox_relay()
    except Exception:  # the periodic relay will retry; never fail the request that committed
        logger.exception("outbox relay after commit failed")


def outbox_relay(*, limit: int = 500) -> int:
    """Publish up to `limit` pending messages; return how many were published.

    Each row is claimed with a conditional update before it is published, and
    the claim is a lease: concurrent relays skip what another holds, and a relay
    that died mid-publish only delays the row by the lease. No transaction is
    open while the broker is called.
    """
    published = 0
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    pending = list(OutboxMessage.objects.filter(free, sent_at__isnull=True).order_by("id")[:limit])
    for message in pending:
        mine = OutboxMessage.objects.filter(free, pk=message.pk, sent_at__isnull=True)
        if not mine.update(claimed_until=timezone.now() + _LEASE):
            continue  # another relay holds it
        held = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True)
        try:
            current_app.send_task(
                message.task,
                kwargs=message.kwargs,
                retry=True,
                retry_policy=_PUBLISH_RETRY_POLICY,
                # The id of the request that asked for it, not the relay's (beat's relay has its own).
                headers={"request_id": message.request_id} if message.request_id else None,
            )
        except Exception as exc:  # broker unreachable: release the row, try again later
            held.update(claimed_until=None, attempts=message.attempts + 1, last_error=str(exc)[:2000])
            logger.warning("broker unavailable, %d outbox message(s) left pending: %s", len(pending) - published, exc)
            break
        held.update(sent_at=timezone.now(), claimed_until=None, attempts=message.attempts + 1)
        published += 1
    return published


# The work one app asks of an app above it. The caller never imports the app
# that does the work: it writes the row, naming the task by its declared name,
# in the transaction of the change that calls for it.


def rank_vacancy_key(vacancy_id: int) -> str:
    """The key of a vacancy's ranking request (matching's reconciler looks for recent ones)."""
    return f"vacancy:{vacancy_id}"


def rank_vacancy_requested(*, vacancy_id: int) -> None:
    """A vacancy opened or changed: rank the roster for it (matching)."""
    outbox_enqueue(task=tasknames.RANK_VACANCY, key=rank_vacancy_key(vacancy_id), kwargs={"vacancy_id": vacancy_id})


def rank_vacancies_batch_requested(*, vacancy_ids: list[int]) -> None:
    """Rank several open vacancies in one engine pass (matching's nightly rematch)."""
    outbox_enqueue(
        task=tasknames.RANK_VACANCY_BATCH,
        key=f"batch:{vacancy_ids[0]}-{vacancy_ids[-1]}:{len(vacancy_ids)}",
        kwargs={"vacancy_ids": vacancy_ids},
    )


def rescore_volunteer_requested(*, volunteer_id: int) -> None:
    """A profile or its consent changed: rescore it against the open vacancies (matching)."""
    outbox_enqueue(
        task=tasknames.RESCORE_VOLUNTEER, key=f"volunteer:{volunteer_id}", kwargs={"volunteer_id": volunteer_id}
    )


def outcome_requested(*, application_event_id: int) -> None:
    """An application moved a step: record it as an outcome for learning (matching)."""
    outbox_enqueue(
        task=tasknames.RECORD_OUTCOME,
        key=f"event:{application_event_id}",
        kwargs={"application_event_id": application_event_id},
    )


def alerts_for_vacancy_requested(*, vacancy_id: int) -> None:
    """A vacancy's stored results were replaced: create the alerts they call for (alerts)."""
    outbox_enqueue(
        task=tasknames.CREATE_ALERTS_FOR_VACANCY, key=f"vacancy:{vacancy_id}", kwargs={"vacancy_id": vacancy_id}
    )


def alerts_for_volunteer_requested(*, volunteer_id: int) -> None:
    """A rescored profile entered stored results: create the alerts they call for (alerts)."""
    outbox_enqueue(
        task=tasknames.CREATE_ALERTS_FOR_VOLUNTEER,
        key=f"volunteer:{volunteer_id}",
        kwargs={"volunteer_id": volunteer_id},
    )


def application_status_note_requested(*, application_id: int, step: str) -> None:
    """A manager moved an application: tell its volunteer (alerts), once per step."""
    outbox_enqueue(
        task=tasknames.APPLICATION_STATUS_NOTE,
        key=f"application:{application_id}:{step}",
        kwargs={"application_id": application_id, "step": step},
    )
