"""Reads of matching data, scoped to who is asking."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from assignments.models import Application, Vacancy
from matching.engine.model import load_model
from matching.models import MatchResult, MatchRun
from volunteers.models import matchable_q


def match_floor() -> float:
    """The score below which a pair shows no evidence of doing the work (the ranker's
    calibrated floor): such candidates and vacancies are not listed by default."""
    return load_model().floor


def shortlist_for_vacancy(
    *,
    vacancy: Vacancy,
    min_score: float | None = None,
    residence_country: str | None = None,
    language: str | None = None,
    include_all: bool = False,
) -> QuerySet[MatchResult]:
    """The stored ranked shortlist, best first, with whether each person applied.

    Candidates below the floor (no evidence of doing this work) are left out unless
    `include_all`.
    """
    applied = Application.objects.filter(vacancy=vacancy, volunteer=OuterRef("volunteer"))
    queryset = (
        MatchResult.objects.filter(matchable_q("volunteer__"), vacancy=vacancy)
        .select_related("volunteer")
        .annotate(has_applied=Exists(applied))
        .order_by("-score", "volunteer_id")
    )
    if not include_all:
        queryset = queryset.filter(score__gte=match_floor())
    if min_score is not None:
        queryset = queryset.filter(score__gte=min_score)
    if residence_country:
        queryset = queryset.filter(volunteer__residence_country=residence_country.upper())
    if language:
        queryset = queryset.filter(volunteer__languages__has_key=language.lower())
    return queryset


def matches_for_volunteer(*, volunteer_id: int) -> QuerySet[MatchResult]:
    """A volunteer's best open vacancies, best first: only those above the floor."""
    return (
        MatchResult.objects.filter(
            volunteer_id=volunteer_id, vacancy__status=Vacancy.Status.OPEN, score__gte=match_floor()
        )
        .select_related("vacancy", "vacancy__host_institution", "vacancy__programme")
        .order_by("-score", "vacancy_id")
    )


def runs_for_vacancy(*, vacancy: Vacancy) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(vacancy=vacancy).order_by("-started_at", "-id")
