"""Reads of matching data, scoped to who is asking."""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from accounts.models import User
from assignments.models import Application, Vacancy
from assignments.selectors import applicant_status_shown_to
from matching.engine.lexicon import DATA_DIR
from matching.engine.model import load_model
from matching.models import MatchResult, MatchRun
from volunteers.models import matchable_q


def match_floor() -> float:
    """The score below which a pair shows no evidence of doing the work (the ranker's
    calibrated floor): such candidates and vacancies are not listed by default."""
    return load_model().floor


def _shortlisted(
    *,
    vacancy: Vacancy,
    min_score: float | None = None,
    residence_country: str | None = None,
    language: str | None = None,
    include_all: bool = False,
) -> QuerySet[MatchResult]:
    """The stored shortlist rows of a vacancy that pass the filters, in no order."""
    queryset = MatchResult.objects.filter(matchable_q("volunteer__"), vacancy=vacancy)
    if not include_all:
        queryset = queryset.filter(score__gte=match_floor())
    if min_score is not None:
        queryset = queryset.filter(score__gte=min_score)
    if residence_country:
        queryset = queryset.filter(volunteer__residence_country=residence_country.upper())
    if language:
        queryset = queryset.filter(volunteer__languages__has_key=language.lower())
    return queryset


def shortlist_for_vacancy(
    *,
    vacancy: Vacancy,
    min_score: float | None = None,
    residence_country: str | None = None,
    language: str | None = None,
    include_all: bool = False,
    applicants_only: bool = False,
) -> QuerySet[MatchResult]:
    """The stored ranked shortlist, best first, with whether each person applied.

    Each row carries ``has_applied`` and ``application_status`` (None if they did
    not apply; at most one application per person and vacancy), which
    `candidate_contact` and `candidate_withdrew` read. Candidates below the floor
    (no evidence of doing this work) are left out unless `include_all`; those who
    did not apply to the vacancy, with `applicants_only`.
    """
    application = Application.objects.filter(vacancy=vacancy, volunteer=OuterRef("volunteer"))
    queryset = (
        _shortlisted(
            vacancy=vacancy,
            min_score=min_score,
            residence_country=residence_country,
            language=language,
            include_all=include_all,
        )
        .select_related("volunteer")
        .annotate(has_applied=Exists(application), application_status=Subquery(application.values("status")[:1]))
        .order_by("-score", "volunteer_id")
    )
    if applicants_only:
        queryset = queryset.filter(has_applied=True)
    return queryset


@dataclass(frozen=True)
class ShortlistFacets:
    """How many of a shortlist's candidates live in each country and speak each language."""

    countries: dict[str, int]  # ISO 3166 code, upper case -> candidates
    languages: dict[str, int]  # ISO 639-1 code, lower case -> candidates


def shortlist_facets(
    *,
    vacancy: Vacancy,
    min_score: float | None = None,
    residence_country: str | None = None,
    language: str | None = None,
    include_all: bool = False,
) -> ShortlistFacets:
    """The countries and languages of a shortlist's candidates, for its filter lists.

    Each is counted with the other filters applied, as a filter list of a shop counts:
    with a country chosen, the languages are those of the people living there, and the
    countries still show every one a choice of country could lead to. Two queries over
    the stored rows (at most the stored top of the vacancy).
    """
    shortlisted = partial(_shortlisted, vacancy=vacancy, min_score=min_score, include_all=include_all)
    countries = Counter(shortlisted(language=language).values_list("volunteer__residence_country", flat=True))
    languages: Counter[str] = Counter()
    for spoken in shortlisted(residence_country=residence_country).values_list("volunteer__languages", flat=True):
        languages.update({code.lower() for code in spoken or {}})
    return ShortlistFacets(countries={code: n for code, n in countries.items() if code}, languages=dict(languages))


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
    """How many candidates each vacancy's shortlist lists, as its page does by default
    (`shortlist_for_vacancy`: people who can be matched, above the floor); one query."""
    rows = (
        MatchResult.objects.filter(
            matchable_q("volunteer__"), vacancy__in=vacancies.values("pk"), score__gte=match_floor()
        )
        .values("vacancy_id")
        .annotate(n=Count("pk"))
        .values_list("vacancy_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class Contact:
    full_name: str
    email: str


def candidate_contact(result: MatchResult, *, user: User | AnonymousUser | None) -> Contact | None:
    """A candidate's name and email as ``user`` is shown them on the shortlist.

    The applications' rule (`assignments.selectors.applicant_shown_to`): only once
    they applied to this vacancy, and to a manager no longer once they withdrew.
    ``result`` comes from `shortlist_for_vacancy`, which annotates ``application_status``.
    """
    if not applicant_status_shown_to(status=getattr(result, "application_status", None), user=user):
        return None
    return Contact(full_name=result.volunteer.full_name, email=result.volunteer.email)


def contacts_shown(results: Iterable[MatchResult], *, user: User | AnonymousUser | None) -> list[int]:
    """The volunteers among ``results`` (from `shortlist_for_vacancy`) whose name and email ``user`` is shown:
    the ones a shortlist records a contact view of (core.audit)."""
    return [result.volunteer_id for result in results if candidate_contact(result, user=user) is not None]


def candidate_withdrew(result: MatchResult) -> bool:
    """Whether the candidate applied to this vacancy and then withdrew (``result`` from `shortlist_for_vacancy`)."""
    return getattr(result, "application_status", None) == Application.Status.WITHDRAWN


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
