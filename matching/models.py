"""Stored match results, the runs that produced them, and the task outbox."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class MatchRun(models.Model):
    """One ranking of a vacancy against the roster: when, how many, how long, which engine."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        MERGING = "merging", "Merging chunks"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    vacancy = models.ForeignKey("assignments.Vacancy", on_delete=models.CASCADE, related_name="match_runs")
    engine_version = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    # The vacancy's updated_at when the run began: a run is current only while
    # the vacancy has not been edited since.
    vacancy_updated_at = models.DateTimeField()
    chunks_total = models.PositiveIntegerField(default=1)
    scored = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["vacancy", "-started_at"])]

    def __str__(self) -> str:
        return f"run {self.pk} of vacancy {self.vacancy_id}: {self.status}"


class MatchRunChunk(models.Model):
    """The top candidates of one slice of the roster, kept until the run merges them."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    scored = models.PositiveIntegerField(default=0)
    candidates = models.JSONField(default=list)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["run", "number"], name="matching_chunk_unique_per_run"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.number} of run {self.run_id}"


class MatchResult(models.Model):
    """A volunteer's place on a vacancy's ranked shortlist, with its explanation.

    Keyed on (vacancy, volunteer): a rerun replaces the row, never duplicates it.
    """

    vacancy = models.ForeignKey("assignments.Vacancy", on_delete=models.CASCADE, related_name="match_results")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="match_results")
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    score = models.FloatField()
    parts = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    matched_skills = models.JSONField(default=list)
    missing_skills = models.JSONField(default=list)
    engine_version = models.CharField(max_length=32)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-score", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vacancy", "volunteer"], name="matching_result_unique_pair"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["vacancy", "-score"]),
            models.Index(fields=["volunteer", "-score"]),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} for {self.vacancy_id}: {self.score:.3f}"


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
                fields=["task", "key"], condition=Q(sent_at__isnull=True), name="matching_outbox_one_pending"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["sent_at"], name="matching_outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.task}({self.key})"
