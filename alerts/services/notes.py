"""A volunteer hears each time a manager moves their application (shortlisted, interview, selected, ...).

One note per application and step, on the channels the volunteer chose
(email only to a confirmed address, in-app only with an account). Nobody is
left without an answer: with no usable channel chosen, the note still goes
to the inbox (or, without an account, to the confirmed email address).
"""

from __future__ import annotations

from django.db import transaction

from alerts.models import Alert, Channel
from alerts.selectors import preference_for
from alerts.services.dispatch import alert_send_requested
from alerts.services.managers import _create_once
from assignments.models import Application
from volunteers.models import Volunteer

# The steps a manager moves an application to; each earns the volunteer a note.
NOTE_STEPS = frozenset(
    {
        Application.Status.SHORTLISTED,
        Application.Status.INTERVIEW,
        Application.Status.SELECTED,
        Application.Status.NOT_SELECTED,
        Application.Status.DEPLOYED,
        Application.Status.COMPLETED,
    }
)


def note_channels(volunteer: Volunteer) -> list[str]:
    """Where a note about the volunteer's own application goes, by their preferences."""
    usable: list[str] = []
    if volunteer.user_id is not None:
        usable.append(Channel.INAPP)
    if volunteer.email_confirmed_at is not None:
        usable.append(Channel.EMAIL)
    chosen = [channel for channel in usable if channel in preference_for(volunteer=volunteer).channels]
    return chosen or usable[:1]


@transaction.atomic
def application_status_note_create(*, application_id: int, step: str) -> int:
    """Tell the volunteer their application moved to ``step``; return how many notes were created.

    Safe to run twice (keyed per application, step and channel). Nothing is
    created when the application has moved on since, or its volunteer erased
    their account.
    """
    application = (
        Application.objects.select_related("volunteer", "vacancy__host_institution").filter(pk=application_id).first()
    )
    if application is None or application.status != step or step not in NOTE_STEPS:
        return 0
    volunteer = application.volunteer
    if volunteer is None or volunteer.erased_at is not None:
        return 0
    created = 0
    for channel in note_channels(volunteer):
        alert = _create_once(
            kind=Alert.Kind.STATUS_NOTE,
            key=f"moved:{application.pk}:{step}",
            channel=channel,
            volunteer=volunteer,
            vacancy=application.vacancy,
            application=application,
            context={"step": step, "moved": True},
        )
        if alert is not None:
            alert_send_requested(alert=alert)
            created += 1
    return created
