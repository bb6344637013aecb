"""Reads of matching data, scoped to who is asking."""

from __future__ import annotations

import tomllib
from functools import cache

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from assignments.models import Application, Vacancy
from matching.engine.lexicon import DATA_DIR
from matching.models import MatchResult, MatchRun
from volunteers.models import matchable_q


def shortlist_for_vacancy(
    *,
    vacancy: Vacancy,
    min_score: float | None = None,
    residence_country: str | None = None,
    language: str | None = None,
) -> QuerySet[MatchResult]:
    """The stored ranked shortlist, best first, with whether each person applied."""
    applied = Application.objects.filter(vacancy=vacancy, volunteer=OuterRef("volunteer"))
    queryset = (
        MatchResult.objects.filter(matchable_q("volunteer__"), vacancy=vacancy)
        .select_related("volunteer")
        .annotate(has_applied=Exists(applied))
        .order_by("-score", "volunteer_id")
    )
    if min_score is not None:
        queryset = queryset.filter(score__gte=min_score)
    if residence_country:
        queryset = queryset.filter(volunteer__residence_country=residence_country.upper())
    if language:
        queryset = queryset.filter(volunteer__languages__has_key=language.lower())
    return queryset


def matches_for_volunteer(*, volunteer_id: int) -> QuerySet[MatchResult]:
    """A volunteer's best open vacancies, best first; none below the match floor (MATCH_MIN_SCORE)."""
    return (
        MatchResult.objects.filter(
            volunteer_id=volunteer_id, vacancy__status=Vacancy.Status.OPEN, score__gte=settings.MATCH_MIN_SCORE
        )
        .select_related("vacancy", "vacancy__host_institution", "vacancy__programme")
        .order_by("-score", "vacancy_id")
    )


def runs_for_vacancy(*, vacancy: Vacancy) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(vacancy=vacancy).order_by("-started_at", "-id")


@cache
def domain_vocabulary() -> tuple[str, ...]:
    """The matcher's professional vocabulary as people write it: each concept's name and its plain English terms.

    Read from the lexicon's data files (matching/engine/data), so a skill
    suggested from it is one the matcher recognises.
    """
    words: dict[str, None] = {}
    for path in sorted(DATA_DIR.glob("lexicon_*.toml")):
        for concept in tomllib.loads(path.read_text(encoding="utf-8")).get("concept", []):
            if concept.get("kind") == "sector":
                continue
            words.setdefault(concept["id"].replace("_", " "), None)
            for term in concept.get("terms", []):
                plain = "*" not in term and term.isascii() and len(term) > 3 and any(c == " " for c in term)
                if plain or (term.isascii() and term.isalpha() and len(term) > 5):
                    words.setdefault(term, None)
    return tuple(words)
