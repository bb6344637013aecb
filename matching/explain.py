"""Why a named volunteer is, or is not, on a vacancy's stored list."""

from __future__ import annotations

from dataclasses import dataclass, field

from assignments.models import Vacancy
from matching import engine
from matching.convert import rules_for_programme, vacancy_to_engine
from matching.index_cache import roster_index
from matching.models import MatchResult
from matching.rank import today
from volunteers.models import Volunteer

# What a manager is told about someone who cannot be matched (withdrew consent
# to matching, or erased): that they are not available, never why.
NOT_AVAILABLE = "not_available"


@dataclass(frozen=True)
class Explanation:
    """A person's standing for one vacancy: the rules they fail, or their score, its parts and their place."""

    volunteer: str
    eligible: bool
    failed_rules: list[str]
    on_shortlist: bool
    rank: int | None
    score: float
    lowest_shortlisted_score: float | None
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matched_skills: list[list[str]] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)


def candidate_explain(*, vacancy: Vacancy, volunteer: Volunteer) -> Explanation:
    """Why ``volunteer`` is, or is not, on ``vacancy``'s stored list.

    Names the hard rule they fail, or gives their score's parts and where that
    score falls against the stored list.
    """
    stored = MatchResult.objects.filter(vacancy=vacancy)
    row = stored.filter(volunteer=volunteer).first()
    lowest = stored.order_by("score").values_list("score", flat=True).first()
    rank = stored.filter(score__gt=row.score).count() + 1 if row else None
    if not Volunteer.objects.matchable().filter(pk=volunteer.pk).exists():
        return Explanation(
            volunteer=volunteer.external_id,
            eligible=False,
            failed_rules=[NOT_AVAILABLE],
            on_shortlist=row is not None,
            rank=rank,
            score=0.0,
            lowest_shortlisted_score=lowest,
        )
    candidate = engine.explain(
        roster_index(),
        vacancy_to_engine(vacancy),
        str(volunteer.pk),
        rules=rules_for_programme(vacancy.programme),
        today=today(),
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
    )
