"""Celery tasks of core: the outbox relay, and the retry policy every app's tasks share."""

from __future__ import annotations

from typing import Any, Final

from celery import shared_task
from django.db import OperationalError

from core import tasknames
from core.outbox import outbox_relay

# Transient database errors (a restart, a failover, a dropped connection) are
# retried with jittered exponential backoff; anything else fails loudly in the
# worker log. Each task that reads or writes the database takes this policy.
DB_RETRY: Final[dict[str, Any]] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name=tasknames.RELAY_OUTBOX, acks_late=True)
def relay_outbox() -> int:
    """Publish outbox rows left pending while the broker was away."""
    return outbox_relay()
