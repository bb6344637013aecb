"""Writes on vacancies and applications. One function owns each lifecycle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assignments.models import Application, ApplicationEvent, Vacancy
from volunteers.models import Volunteer

S = Application.Status

# The selection pipeline. A manager moves an application forward (or to
# not_selected); only the volunteer withdraws, from any step before deployment.
MANAGER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTEREST: frozenset({S.SHORTLISTED, S.NOT_SELECTED}),
    S.SHORTLISTED: frozenset({S.INTERVIEW, S.SELECTED, S.NOT_SELECTED}),
    S.INTERVIEW: frozenset({S.SELECTED, S.NOT_SELECTED}),
    S.SELECTED: frozenset({S.DEPLOYED, S.NOT_SELECTED}),
    S.DEPLOYED: frozenset({S.COMPLETED}),
    S.NOT_SELECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
WITHDRAWABLE: frozenset[str] = frozenset({S.INTEREST, S.SHORTLISTED, S.INTERVIEW, S.SELECTED})

VACANCY_TRANSITIONS: dict[str, frozenset[str]] = {
    Vacancy.Status.DRAFT: frozenset({Vacancy.Status.OPEN, Vacancy.Status.CLOSED}),
    Vacancy.Status.OPEN: frozenset({Vacancy.Status.CLOSED, Vacancy.Status.FILLED}),
    Vacancy.Status.CLOSED: frozenset({Vacancy.Status.OPEN}),
    Vacancy.Status.FILLED: frozenset(),
}


def _record(application: Application, *, from_status: str, actor: Any, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, from_status=from_status, to_status=application.status, actor=actor, note=note
    )


@transaction.atomic
def application_express_interest(
    *, volunteer: Volunteer, vacancy: Vacancy, motivation: str = "", actor: Any = None
) -> Application:
    """A volunteer says they are interested in an open vacancy.

    Saying it twice returns the existing application rather than failing, so a
    double click or a reused alert link does the thing once.
    """
    if vacancy.status != Vacancy.Status.OPEN:
        raise ValidationError({"vacancy": ["is not open for applications"]})
    application, created = Application.objects.get_or_create(
        vacancy=vacancy, volunteer=volunteer, defaults={"motivation": motivation}
    )
    if created:
        _record(application, from_status="", actor=actor)
    return application


@transaction.atomic
def application_advance(*, application: Application, to_status: str, actor: Any, note: str = "") -> Application:
    """Move an application one allowed step through selection; every step is kept."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in S.values:
        raise ValidationError({"status": [f"unknown status {to_status!r}"]})
    if to_status == S.WITHDRAWN:
        raise ValidationError({"status": ["only the volunteer can withdraw an application"]})
    allowed = MANAGER_TRANSITIONS[locked.status]
    if to_status not in allowed:
        raise ValidationError(
            {
                "status": [
                    f"cannot move from {locked.status} to {to_status}; allowed: {', '.join(sorted(allowed)) or 'none'}"
                ]
            }
        )
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    _record(locked, from_status=from_status, actor=actor, note=note)
    return locked


@transaction.atomic
def application_withdraw(*, application: Application, actor: Any, note: str = "") -> Application:
    """The volunteer withdraws; allowed at any step before deployment."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == S.WITHDRAWN:
        return locked
    if locked.status not in WITHDRAWABLE:
        raise ValidationError({"status": [f"an application that is {locked.status} can no longer be withdrawn"]})
    from_status = locked.status
    locked.status = S.WITHDRAWN
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    _record(locked, from_status=from_status, actor=actor, note=note)
    return locked


@transaction.atomic
def vacancy_set_status(*, vacancy: Vacancy, status: str, actor: Any) -> Vacancy:
    """Move a vacancy through draft → open → closed / filled, recording who and when.

    Opening a vacancy queues its ranking once the transaction commits.
    """
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if status not in Vacancy.Status.values:
        raise ValidationError({"status": [f"unknown status {status!r}"]})
    if status == locked.status:
        return locked
    allowed = VACANCY_TRANSITIONS[locked.status]
    if status not in allowed:
        raise ValidationError(
            {
                "status": [
                    f"cannot move from {locked.status} to {status}; allowed: {', '.join(sorted(allowed)) or 'none'}"
                ]
            }
        )
    locked.status = status
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    vacancy_changed(vacancy_id=locked.pk)
    return locked


def vacancy_changed(*, vacancy_id: int) -> None:
    """Hook for everything that follows a change to a vacancy (matching, alerts).

    Kept as one function so the matching app plugs in at a single place; it
    writes an outbox row in the caller's transaction.
    """
    from matching.services import vacancy_match_requested

    vacancy_match_requested(vacancy_id=vacancy_id)
