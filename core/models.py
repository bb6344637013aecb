"""The task outbox: work to queue, written in the same transaction as the change that causes it."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    # The request (or task) that asked for the work, carried to the task when
    # beat relays the row later, so its log lines join the request's.
    request_id = models.CharField(max_length=64, blank=True)

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


class AuditRecord(models.Model):
    """Someone looked at something personal: who (a user id), what (a type and an id), when.

    Written when a shortlist, a volunteer's contact details, or one
    candidate's profile or match explanation (why-not, compare) is shown, on
    the API and on the pages. It holds no personal data itself, only ids, so
    it can outlive an erasure: the ids then point at anonymised rows. The
    actor is a plain id rather than a foreign key because core stands above
    the accounts app; staff read the records in the admin, read-only.
    """

    class Action(models.TextChoices):
        SHORTLIST_VIEW = "shortlist.view", "Viewed a shortlist"
        SHORTLIST_EXPORT = "shortlist.export", "Downloaded a shortlist"
        CONTACT_VIEW = "contact.view", "Viewed contact details"
        CANDIDATE_VIEW = "candidate.view", "Viewed a candidate's profile or match explanation"

    actor_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="the user's id; empty if anonymous")
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=32, help_text="e.g. vacancy, volunteer")
    object_id = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id", "at"], name="core_audit_object_idx"),
            models.Index(fields=["actor_id", "at"], name="core_audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"user {self.actor_id} {self.action} {self.object_type} {self.object_id} at {self.at:%Y-%m-%d %H:%M}"
