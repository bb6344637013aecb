"""Outcomes recorded for learning: each manager step and volunteer answer, as a graded pair.

A manager's decisions are the grades of roster-format.md's scale, given after
reading the person's whole file; a volunteer's answer is their own reading of
the fit. Both are kept with the engine version and the score the pair had,
so `manage.py train_ranker` can refit the weights from them (outcome_pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from assignments.models import Application, ApplicationEvent
from matching import engine
from matching.models import MatchOutcome, MatchResult

S = MatchOutcome.Signal

# A step's grade on the roster format's 0-3 scale. "Not selected" at first look
# says the person did not fit (0); after a shortlist or an interview it says
# they came close (1). An interested volunteer judged it a fit (1, weaker than
# any manager's yes); "not for me" is a 0. Withdrawals, deployment and completion
# say nothing new about the fit and are not recorded.
GRADES: dict[str, int] = {
    S.SELECTED: 3,
    S.INTERVIEW: 2,
    S.SHORTLISTED: 2,
    S.INTERESTED: 1,
    S.NOT_FOR_ME: 0,
}
_CLOSE_CALL = {Application.Status.SHORTLISTED, Application.Status.INTERVIEW}
# The application steps that are outcomes, by the signal they record.
_STEP_SIGNALS: dict[str, str] = {
    Application.Status.INTEREST: S.INTERESTED,
    Application.Status.SHORTLISTED: S.SHORTLISTED,
    Application.Status.INTERVIEW: S.INTERVIEW,
    Application.Status.SELECTED: S.SELECTED,
    Application.Status.NOT_SELECTED: S.NOT_SELECTED,
}


def grade_of(*, signal: str, from_status: str = "") -> int:
    """The 0-3 grade an outcome gives the pair."""
    if signal == S.NOT_SELECTED:
        return 1 if from_status in _CLOSE_CALL else 0
    return GRADES[signal]


def _stored_score(*, vacancy_id: int, volunteer_id: int) -> float | None:
    return (
        MatchResult.objects.filter(vacancy_id=vacancy_id, volunteer_id=volunteer_id)
        .values_list("score", flat=True)
        .first()
    )


@transaction.atomic
def outcome_from_application_event(*, event_id: int) -> MatchOutcome | None:
    """Record the outcome an application step is (once); None for a step that is not one, or is gone."""
    event = ApplicationEvent.objects.select_related("application").filter(pk=event_id).first()
    if event is None:
        return None
    signal = _STEP_SIGNALS.get(event.to_status)
    application = event.application
    volunteer_id = application.volunteer_id
    if signal is None or volunteer_id is None:  # not a judgement, or the person erased their account
        return None
    outcome, _ = MatchOutcome.objects.get_or_create(
        application_event=event,
        defaults={
            "vacancy_id": application.vacancy_id,
            "volunteer_id": volunteer_id,
            "signal": signal,
            "from_status": event.from_status,
            "grade": grade_of(signal=signal, from_status=event.from_status),
            "score": _stored_score(vacancy_id=application.vacancy_id, volunteer_id=volunteer_id),
            "engine_version": engine.ENGINE_VERSION,
        },
    )
    return outcome


def outcome_not_for_me(*, vacancy_id: int, volunteer_id: int) -> None:
    """Record that a volunteer declined a vacancy they were alerted to (once)."""
    try:
        with transaction.atomic():
            MatchOutcome.objects.get_or_create(
                vacancy_id=vacancy_id,
                volunteer_id=volunteer_id,
                signal=S.NOT_FOR_ME,
                application_event=None,
                defaults={
                    "grade": grade_of(signal=S.NOT_FOR_ME),
                    "score": _stored_score(vacancy_id=vacancy_id, volunteer_id=volunteer_id),
                    "engine_version": engine.ENGINE_VERSION,
                },
            )
    except IntegrityError:
        pass  # a concurrent answer recorded it


_VOLUNTEER_SIGNALS = {S.INTERESTED, S.NOT_FOR_ME}


@dataclass(frozen=True)
class GradedPair:
    """One (vacancy, volunteer) judgement to learn from."""

    vacancy_id: int
    volunteer_id: int
    grade: int


def outcome_pairs() -> list[GradedPair]:
    """Every judged pair with its grade: the manager's latest decision, else the volunteer's own answer.

    A shortlist followed by "not selected" grades the pair 1, not 2: the later
    decision is the better informed one.
    """
    manager: dict[tuple[int, int], int] = {}
    volunteer: dict[tuple[int, int], int] = {}
    rows = MatchOutcome.objects.order_by("created_at", "id").values_list(
        "vacancy_id", "volunteer_id", "signal", "grade"
    )
    for vacancy_id, volunteer_id, signal, grade in rows:
        key = (vacancy_id, volunteer_id)
        if signal in _VOLUNTEER_SIGNALS:
            volunteer[key] = max(volunteer.get(key, 0), grade)
        else:
            manager[key] = grade
    graded = {**volunteer, **manager}
    return [GradedPair(vacancy_id=v, volunteer_id=p, grade=g) for (v, p), g in sorted(graded.items())]
