"""Reads of matching data, scoped to who is asking."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Exists, OuterRef, QuerySet

from assignments.models import Application, Vacancy
from matching.engine.lexicon import DATA_DIR
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


def candidates_per_vacancy(*, vacancies: QuerySet[Vacancy]) -> dict[int, int]:
    """How many consenting, non-erased candidates each vacancy's stored shortlist holds (one query)."""
    rows = (
        MatchResult.objects.filter(matchable_q("volunteer__"), vacancy__in=vacancies.values("pk"))
        .values("vacancy_id")
        .annotate(n=Count("pk"))
        .values_list("vacancy_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class Contact:
    full_name: str
    email: str


def candidate_contact(result: MatchResult) -> Contact | None:
    """A candidate's name and email, only once they applied to this vacancy (the shortlist's rule).

    ``result`` comes from `shortlist_for_vacancy`, which annotates ``has_applied``.
    """
    if not getattr(result, "has_applied", False):
        return None
    return Contact(full_name=result.volunteer.full_name, email=result.volunteer.email)


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
