"""Explanations: the reasons of stored candidates ranked without them, and why a named
volunteer is, or is not, on a vacancy's stored list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Case, F, JSONField, Q, Value, When

from assignments.models import Vacancy
from matching import engine
from matching.convert import PROFILE_FIELDS, profile_from_row, rules_for_programme, vacancy_to_engine
from matching.engine.explain import StoredExplainer, works_in_sector
from matching.engine.model import load_model
from matching.index_cache import index_for_volunteer
from matching.models import MatchResult
from matching.rank import today
from matching.selectors import match_floor, shortlist_for_vacancy
from volunteers.models import Volunteer

# What a manager is told about someone who cannot be matched (withdrew consent
# to matching, or erased): that they are not available, never why.
NOT_AVAILABLE = "not_available"


def band_of(score: float, matched_skills: Sequence[object]) -> str:
    """The band of an explained candidate under the current ranker model: "strong" only
    with one of the vacancy's skills in the person's own words (`RankerModel.band`)."""
    return load_model().band(score, same_skill=bool(matched_skills))


@dataclass(frozen=True)
class Explanation:
    """A person's standing for one vacancy: the rules they fail, or their score, its parts and their place."""

    volunteer: str
    eligible: bool
    failed_rules: list[str]
    on_shortlist: bool  # on the shortlist as its page and API list it by default
    rank: int | None  # their place there (None when not on it)
    score: float
    lowest_shortlisted_score: float | None
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matched_skills: list[list[str]] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    # The score below which a pair shows no evidence of doing the work: such candidates are
    # ranked and stored, but left off the shortlist unless every one is asked for.
    floor: float = 0.0


def candidate_explain(*, vacancy: Vacancy, volunteer: Volunteer) -> Explanation:
    """Why ``volunteer`` is, or is not, on ``vacancy``'s shortlist.

    Names the hard rule they fail, or gives their score's parts and where that
    score falls against the shortlist as its page shows it (`shortlist_for_vacancy`:
    people who can be matched, above the floor), so that the rank given here is the
    one on the page.
    """
    shortlist = shortlist_for_vacancy(vacancy=vacancy)
    floor = match_floor()
    row = shortlist.filter(volunteer=volunteer).first()
    lowest = shortlist.order_by("score").values_list("score", flat=True).first()
    rank = shortlist.filter(score__gt=row.score).count() + 1 if row else None
    if not Volunteer.objects.matchable().filter(pk=volunteer.pk).exists():
        return Explanation(
            volunteer=volunteer.external_id,
            eligible=False,
            failed_rules=[NOT_AVAILABLE],
            on_shortlist=False,
            rank=None,
            score=0.0,
            lowest_shortlisted_score=lowest,
            floor=floor,
        )
    candidate = engine.explain(
        index_for_volunteer(volunteer.pk),
        vacancy_to_engine(vacancy),
        str(volunteer.pk),
        rules=rules_for_programme(vacancy.programme),
        today=today(),
        with_rank=False,  # their place is the shortlist's (`rank`), not the index's
    )
    return Explanation(
        volunteer=volunteer.external_id,
        eligible=not candidate.failed_rules,
        failed_rules=list(candidate.failed_rules),
        on_shortlist=row is not None,
        rank=rank,
        score=round(candidate.score, 6),
        lowest_shortlisted_score=lowest,
        parts=dict(candidate.parts),
        reasons=list(candidate.reasons),
        matched_skills=[list(pair) for pair in candidate.matched_skills],
        missing_skills=list(candidate.missing_skills),
        floor=floor,
    )


_EXPLANATION_FIELDS = ("reasons", "matched_skills", "missing_skills")


def results_explain(results: Iterable[MatchResult]) -> list[MatchResult]:
    """The stored candidates ``results``, every one with its reasons, in the same order.

    A list stores reasons only for its best (MATCHING_EXPLAIN_TOP); the others are
    explained here, the first time something reads them, from the profile, the
    vacancy and the stored score parts: the same reasons the ranking would have
    stored (the engine's `StoredExplainer`). They are then kept on the row, unless
    a newer ranking or a rescore replaced it meanwhile. Three queries however
    many rows wait; none when none do.
    """
    rows = list(results)
    waiting = [r for r in rows if not r.explained]
    if not waiting:
        return rows
    profiles = {
        row["id"]: profile_from_row(row)
        for row in Volunteer.objects.filter(pk__in={r.volunteer_id for r in waiting}).values(*PROFILE_FIELDS)
    }
    vacancies = {
        v.pk: vacancy_to_engine(v)
        for v in Vacancy.objects.filter(pk__in={r.vacancy_id for r in waiting}).select_related("host_institution")
    }
    explainer = StoredExplainer()
    done: list[MatchResult] = []
    for row in waiting:
        profile, vacancy = profiles.get(row.volunteer_id), vacancies.get(row.vacancy_id)
        if profile is None or vacancy is None:  # deleted since the page was read
            continue
        parts = row.parts if isinstance(row.parts, dict) else {}
        reasons, matched, missing = explainer.explain(
            profile, vacancy, parts.get("availability"), parts.get("occupation"), works_in_sector(parts)
        )
        row.reasons, row.matched_skills, row.missing_skills = reasons, [list(p) for p in matched], missing
        row.explained = True
        done.append(row)
    if done:
        _keep(done)
    return rows


def _keep(rows: list[MatchResult]) -> None:
    """Store computed reasons on their rows in one statement, each only if the row is still
    the one they were computed for (same run and score, still unexplained)."""

    def same(row: MatchResult) -> Q:
        return Q(pk=row.pk, run_id=row.run_id, score=row.score)

    def case(name: str) -> Case:
        whens = [When(same(r), then=Value(getattr(r, name), output_field=JSONField())) for r in rows]
        return Case(*whens, default=F(name), output_field=JSONField())

    updates: dict[str, Any] = {name: case(name) for name in _EXPLANATION_FIELDS}
    updates["explained"] = Case(*[When(same(r), then=Value(True)) for r in rows], default=Value(False))
    MatchResult.objects.filter(pk__in=[r.pk for r in rows], explained=False).update(**updates)


def results_explain_stream(results: Iterable[MatchResult], *, batch: int = 200) -> Iterator[MatchResult]:
    """`results_explain` over a long stream (a CSV export), a batch at a time."""
    stream = iter(results)
    while chunk := list(islice(stream, batch)):
        yield from results_explain(chunk)
