"""Run pending outbox work in the test process, as the relay and a worker would."""

from __future__ import annotations

from celery import current_app
from django.utils import timezone

import alerts.tasks
import core.tasks
import matching.tasks
from core.models import OutboxMessage

# The worker registers every app's tasks at start; so does this module, for the test process.
_TASK_MODULES = (alerts.tasks, core.tasks, matching.tasks)


def outbox_run_pending(*, tasks: tuple[str, ...] | None = None, rounds: int = 10) -> list[str]:
    """Run each pending row's task body in order (optionally only ``tasks``), mark it sent; return the names run.

    Work that queues more work is followed for up to ``rounds`` rounds, as a
    worker would pick up what a task wrote. The task bodies run directly:
    the point is what they do, not Celery's delivery (tests/integration has that).
    """
    ran: list[str] = []
    for _ in range(rounds):
        pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("id")
        if tasks is not None:
            pending = pending.filter(task__in=tasks)
        batch = list(pending)
        if not batch:
            break
        for message in batch:
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
            current_app.tasks[message.task].run(**message.kwargs)
            ran.append(message.task)
    return ran
