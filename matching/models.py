"""Stored match results and the runs that produced them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


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
    # A running run is alive while this is in the future: set when it starts and
    # renewed as its chunks work. A worker killed mid-run stops renewing it, and
    # the reconciler (every MATCHING_RECONCILE_INTERVAL) fails the run and ranks
    # the vacancy again; no broker redelivery is needed (the embedded
    # filesystem broker has none).
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["vacancy", "-started_at"])]

    def __str__(self) -> str:
        return f"run {self.pk} of vacancy {self.vacancy_id}: {self.status}"


class MatchingVocabulary(models.Model):
    """Corpus statistics (vocabulary, IDF, headline n-grams) fitted once on the whole roster
    and shared by every partition's index, so that partitions score alike.

    Only read when the roster is partitioned (MATCHING_PARTITIONS > 1); the newest
    row of the current engine is the one new indexes are built with.
    """

    engine_version = models.CharField(max_length=32)
    roster_size = models.PositiveIntegerField(default=0)
    data = models.BinaryField()  # matching.engine.Fitted.to_bytes(): compressed JSON
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-id"]

    def __str__(self) -> str:
        return f"vocabulary {self.pk} ({self.engine_version}, {self.roster_size} profiles)"


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
    # False while reasons, matched and missing skills wait to be computed on first
    # read (candidates below the explained top of a list; see MATCHING_EXPLAIN_TOP).
    explained = models.BooleanField(default=True)
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


class MatchOutcome(models.Model):
    """What a person did with a match: a manager's step or the volunteer's own answer, graded for learning.

    Each row keeps the engine version and the score the pair had when it
    happened, so `train_ranker` can learn from outcomes and say which engine
    they judged. One row per application step, and one per volunteer answer
    to a vacancy (both unique), so a task run twice records once.
    """

    class Signal(models.TextChoices):
        INTERESTED = "interested", "Volunteer said interested"
        NOT_FOR_ME = "not_for_me", "Volunteer said not for me"
        SHORTLISTED = "shortlisted", "Manager shortlisted"
        INTERVIEW = "interview", "Manager invited to interview"
        SELECTED = "selected", "Manager selected"
        NOT_SELECTED = "not_selected", "Manager did not select"

    vacancy = models.ForeignKey("assignments.Vacancy", on_delete=models.CASCADE, related_name="match_outcomes")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="match_outcomes")
    signal = models.CharField(max_length=16, choices=Signal.choices)
    # The step the application left (for "not selected": at first look, or after a shortlist or interview).
    from_status = models.CharField(max_length=16, blank=True)
    grade = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True, help_text="The stored score then; empty when not on the list")
    engine_version = models.CharField(max_length=32)
    application_event = models.OneToOneField(
        "assignments.ApplicationEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["vacancy", "volunteer"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["vacancy", "volunteer", "signal"],
                condition=models.Q(application_event__isnull=True),
                name="matching_outcome_one_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal} ({self.grade}) for {self.volunteer_id} on {self.vacancy_id}"
