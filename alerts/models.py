"""Alert preferences, the alerts themselves (one row per recipient, subject and channel) and the in-app inbox."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    INAPP = "inapp", "In-app"


class Rhythm(models.TextChoices):
    INSTANT = "instant", "At once"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    OFF = "off", "Off"


def _default_channels() -> list[str]:
    return [Channel.EMAIL, Channel.INAPP]


class AlertPreference(models.Model):
    """How, how often and about what a volunteer wants to hear.

    A volunteer without a row has the defaults below. "Paused until a date" is
    ``paused_until``: the rhythm is kept, so alerts resume as they were.
    """

    volunteer = models.OneToOneField("volunteers.Volunteer", on_delete=models.CASCADE, related_name="alert_preference")
    channels = models.JSONField(default=_default_channels, blank=True)
    rhythm = models.CharField(max_length=8, choices=Rhythm.choices, default=Rhythm.INSTANT)
    paused_until = models.DateField(null=True, blank=True)
    # On top of the service-wide ALERT_MIN_SCORE: a person may ask for fewer, better alerts.
    min_score = models.FloatField(default=0.0)
    # Empty means every sector / every country.
    sectors = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(min_score__gte=0) & Q(min_score__lte=1), name="alerts_preference_min_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"alert preferences of {self.volunteer_id}"


class Alert(models.Model):
    """One message to one recipient on one channel, about one thing.

    ``key`` names the thing (``match:<vacancy>:<volunteer>``,
    ``first:<vacancy>:<user>``, ``stale:<application>:<step>:<user>``...) and is
    unique per channel, so an alert is created once whatever reruns; sending is
    claimed with a conditional update from ``pending`` to ``sending``.
    """

    class Kind(models.TextChoices):
        MATCH = "match", "Match for a volunteer"
        MANAGER_FIRST = "manager_first", "First strong candidates (manager)"
        MANAGER_SUMMARY = "manager_summary", "Daily summary of interest (manager)"
        STALE_REMINDER = "stale_reminder", "Application waiting (manager)"
        STATUS_NOTE = "status_note", "Application status note (volunteer)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    class Answer(models.TextChoices):
        INTERESTED = "interested", "Interested"
        NOT_FOR_ME = "not_for_me", "Not for me"
        UNAVAILABLE = "unavailable", "Not available until a date"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Instant, or the digest it waits for (daily / weekly).
    deliver = models.CharField(max_length=8, choices=Rhythm.choices, default=Rhythm.INSTANT)
    # The recipient: a volunteer profile (match alerts, status notes) or a user (managers).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    vacancy = models.ForeignKey(
        "assignments.Vacancy", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    application = models.ForeignKey(
        "assignments.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    score = models.FloatField(null=True, blank=True)
    # What the message says beyond its foreign keys: the engine's reasons for a
    # match, the counts of a summary, the step an application waits at.
    context = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a sender last claimed it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The lease. While "sending": the claim holds until then, and the sending
    # worker moves it on as it works (a heartbeat); past it, the worker is
    # taken for dead and the sweeper gives the alert back. While "pending": a
    # task is expected to claim it by then (a retry's countdown, a batch queued
    # again); past it, the task is taken for lost and the sweeper queues it again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set when a digest claims several alerts at once, to read back exactly those.
    claim_token = models.CharField(max_length=36, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["key", "channel"], name="alerts_alert_once_per_key_channel"),
            # The rule of the issue, stated in the schema itself: one match alert
            # per volunteer, vacancy and channel.
            models.UniqueConstraint(
                fields=["volunteer", "vacancy", "channel"],
                condition=Q(kind="match"),
                name="alerts_alert_one_match_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(user__isnull=False), name="alerts_alert_has_recipient"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "deliver", "channel"], name="alerts_alert_queue_idx"),
            models.Index(fields=["vacancy", "status"], name="alerts_alert_vacancy_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} by {self.channel}: {self.status}"


class InboxMessage(models.Model):
    """An alert delivered in-app. One per alert (a unique key): in-app delivery is exactly once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages")
    alert = models.OneToOneField(Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbox_message")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["user", "read_at"], name="alerts_inbox_unread_idx")]

    def __str__(self) -> str:
        return f"{self.title} to {self.user_id}"
