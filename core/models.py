"""The task outbox: work to queue, written in the same transaction as the change that causes it."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A task to queue, written in the same transaction as the change that causes it.

    If the broker is down at commit time the row waits; the relay (on commit,
    and every 30 s on beat) queues it once the broker is back.
    """

    task = models.CharField(max_length=100)
    key = models.CharField(max_length=100, help_text="Identifies the work, e.g. vacancy:42")
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A relay that is publishing the row holds it until then, so two relays
    # (after a commit and on beat) do not publish it twice; a relay that died
    # mid-publish lets the lease run out and the row goes out again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            # At most one pending message per piece of work: ten edits before the
            # relay runs still queue one ranking.
            models.UniqueConstraint(
                fields=["task", "key"], condition=Q(sent_at__isnull=True), name="core_outbox_one_pending"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["sent_at"], name="core_outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.task}({self.key})"


class TaskDelivery(models.Model):
    """How many times a worker has started one delivery of a task (one row per task id and retry).

    Written at task start, before any work, and deleted when the task returns
    or raises: a row that stays and grows is a task whose process keeps dying
    (killed, out of memory, a crash in C), which no exception handler sees.
    """

    key = models.CharField(max_length=200, unique=True, help_text="task id and retry number")
    task = models.CharField(max_length=100)
    deliveries = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task} {self.key}: {self.deliveries}"


class DeadLetter(models.Model):
    """A task set aside after its process died CELERY_TASK_MAX_DELIVERIES times running it: for staff to look at."""

    task = models.CharField(max_length=100)
    task_id = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    deliveries = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs}) dead after {self.deliveries} deliveries"
