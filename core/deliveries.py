"""Counting each task's deliveries, and dead-lettering one whose process dies every time it runs it.

With late acknowledgement and CELERY_TASK_REJECT_ON_WORKER_LOST, a task whose
worker process dies (SIGKILL, the OOM killer, os._exit, a crash in C) goes back
on the queue and runs again: right for a worker that was merely killed, an
endless loop for a task that kills its process itself. No exception handler
sees such a death, so the count is written before the task runs, in the
database (it must outlive the process), and removed when it returns or raises.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from core.models import DeadLetter, TaskDelivery

logger = logging.getLogger(__name__)


def _key(task_id: str, retries: int) -> str:
    return f"{task_id}:{retries}"


def delivery_start(*, task: str, task_id: str, retries: int) -> int | None:
    """Count one more delivery of this task id and retry; return the count (None if the database is away).

    One statement, so that two workers given the same message count two.
    """
    now = timezone.now()
    table = TaskDelivery._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {table} ("key", task, deliveries, first_at, last_at) '  # noqa: S608 - our own table
                "VALUES (%s, %s, 1, %s, %s) "
                f'ON CONFLICT ("key") DO UPDATE SET deliveries = {table}.deliveries + 1, last_at = excluded.last_at '
                "RETURNING deliveries",
                [_key(task_id, retries), task[:100], now, now],
            )
            row = cursor.fetchone()
    except DatabaseError:
        # The task's own retry policy deals with a database that is away; it is not a poison task.
        logger.warning("could not count a delivery of %s %s", task, task_id, exc_info=True)
        return None
    return int(row[0]) if row else None


def delivery_end(*, task_id: str, retries: int) -> None:
    """The task returned or raised: its process survived it, so the count is no longer needed."""
    try:
        TaskDelivery.objects.filter(key=_key(task_id, retries)).delete()
    except DatabaseError:
        logger.warning("could not clear the delivery count of %s", task_id, exc_info=True)


def delivery_dead_letter(*, task: str, task_id: str, retries: int, args: Any, kwargs: Any, deliveries: int) -> bool:
    """Set the task aside instead of running it when it has been delivered too often; True if it was."""
    if deliveries <= settings.CELERY_TASK_MAX_DELIVERIES:
        return False
    DeadLetter.objects.create(
        task=task[:100],
        task_id=task_id[:200],
        args=list(args or []),
        kwargs=dict(kwargs or {}),
        deliveries=deliveries - 1,
    )
    TaskDelivery.objects.filter(key=_key(task_id, retries)).delete()
    logger.error("dead-lettered %s %s: its process died in each of %d deliveries", task, task_id, deliveries - 1)
    return True
