"""Reads of alerts data: preferences with their defaults, who may receive what, the inbox."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, AlertPreference, InboxMessage, Rhythm
from volunteers.models import Volunteer


def preference_for(*, volunteer: Volunteer) -> AlertPreference:
    """The volunteer's preferences, or the defaults (unsaved) when they never set any."""
    try:
        return volunteer.alert_preference
    except AlertPreference.DoesNotExist:
        return AlertPreference(volunteer=volunteer)


def preference_paused(preference: AlertPreference, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return preference.paused_until is not None and preference.paused_until > today


def volunteer_may_receive(*, volunteer: Volunteer | None, channel: str, today: date | None = None) -> str:
    """Why this volunteer may not be sent a match alert on ``channel`` now; "" when they may.

    Checked when an alert is created and again when it is sent: consent
    withdrawn in between means nothing more goes out, even what is queued.
    """
    if volunteer is None or volunteer.erased_at is not None:
        return "account erased"
    if not volunteer.alerts_consent:
        return "no consent to alerts"
    if volunteer.email_confirmed_at is None:
        return "email address not confirmed"
    if channel == "inapp" and volunteer.user_id is None:
        return "no account for an inbox"
    preference = preference_for(volunteer=volunteer)
    if preference.rhythm == Rhythm.OFF:
        return "alerts turned off"
    if preference_paused(preference, today=today):
        return f"alerts paused until {preference.paused_until}"
    if channel not in preference.channels:
        return f"channel {channel} not chosen"
    return ""


def alerts_for_vacancy_pending(*, vacancy_id: int) -> QuerySet[Alert]:
    """Instant alerts about a vacancy still waiting to go out."""
    return Alert.objects.filter(vacancy_id=vacancy_id, status=Alert.Status.PENDING, deliver=Rhythm.INSTANT)


def inbox_for_user(*, user: User) -> QuerySet[InboxMessage]:
    """The signed-in user's in-app messages, newest first."""
    return InboxMessage.objects.filter(user=user).order_by("-created_at", "-id")


def inbox_unread_count(*, user: User) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
