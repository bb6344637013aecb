"""What the signed links in an alert do: interest, "not for me", "not available until", unsubscribe.

Each is safe to repeat: a link used twice does the thing once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.links import answer_read, unsubscribe_read
from alerts.models import Alert
from alerts.services.preferences import alert_preference_pause, alert_preference_unsubscribe
from assignments.models import Application
from assignments.services import application_express_interest
from matching.outcomes import outcome_not_for_me
from volunteers.models import Volunteer
from volunteers.services import volunteer_consents_set, volunteer_profile_update


class LinkGone(Exception):
    """The link was genuine, but what it points at is gone (an erased account): answered 410."""


def answer_link_resolve(*, token: str) -> tuple[Alert, str]:
    """The match alert and action a signed answer link names.

    Raises LinkInvalid (tampered), LinkExpired, or LinkGone (alert deleted,
    account erased).
    """
    link = answer_read(token)
    alert = (
        Alert.objects.select_related("volunteer", "vacancy__host_institution")
        .filter(pk=link.alert_id, kind=Alert.Kind.MATCH)
        .first()
    )
    if alert is None or alert.volunteer is None or alert.volunteer.erased_at is not None:
        raise LinkGone("this account or alert no longer exists")
    return alert, link.action


def _record(alert: Alert, answer: str) -> bool:
    # A conditional update: the second use of the same link changes nothing.
    changed = Alert.objects.filter(pk=alert.pk).exclude(answer=answer).update(answer=answer, answered_at=timezone.now())
    return changed == 1


@transaction.atomic
def alert_answer_interested(*, alert: Alert) -> Application:
    """Express interest in the alert's vacancy for its volunteer (the application is created once)."""
    if alert.volunteer is None or alert.vacancy is None:
        raise LinkGone("this account or vacancy no longer exists")
    application = application_express_interest(
        volunteer=alert.volunteer, vacancy=alert.vacancy, actor=alert.volunteer.user
    )
    _record(alert, Alert.Answer.INTERESTED)
    return application


@transaction.atomic
def alert_answer_not_for_me(*, alert: Alert) -> bool:
    """Record that the volunteer declined this vacancy; the alert is kept. True if this call recorded it."""
    recorded = _record(alert, Alert.Answer.NOT_FOR_ME)
    if recorded and alert.vacancy_id is not None and alert.volunteer_id is not None:
        outcome_not_for_me(vacancy_id=alert.vacancy_id, volunteer_id=alert.volunteer_id)
    return recorded


@transaction.atomic
def alert_answer_unavailable(*, alert: Alert, until: date | None) -> Volunteer:
    """Not available until ``until``: pause alerts until then and move the profile's available_from there.

    The profile change goes through the volunteers' update service, which
    also requests rescoring. Repeating it with the same date changes nothing.
    """
    if until is None:
        raise ValidationError({"until": ["give the date from which you are available"]})
    if until <= timezone.localdate():
        raise ValidationError({"until": ["must be a date in the future"]})
    volunteer = alert.volunteer
    if volunteer is None:
        raise LinkGone("this account no longer exists")
    alert_preference_pause(volunteer=volunteer, until=until)
    if volunteer.available_from != until:
        volunteer = volunteer_profile_update(volunteer=volunteer, data={"available_from": until})
    _record(alert, Alert.Answer.UNAVAILABLE)
    return volunteer


def unsubscribe_link_resolve(*, token: str) -> Volunteer:
    """The volunteer a signed unsubscribe link names; LinkInvalid, LinkExpired or LinkGone otherwise."""
    volunteer_id = unsubscribe_read(token)
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None or volunteer.erased_at is not None:
        raise LinkGone("this account no longer exists")
    return volunteer


@transaction.atomic
def volunteer_unsubscribe(*, volunteer: Volunteer) -> Volunteer:
    """Withdraw consent to alerts (recorded with its time); nothing more is sent, not even what is queued.

    The preferences then say so too (rhythm off, no email), so the API and the
    preferences page show the true state.
    """
    volunteer = volunteer_consents_set(volunteer=volunteer, alerts=False)
    alert_preference_unsubscribe(volunteer=volunteer)
    return volunteer
