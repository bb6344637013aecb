"""Store a vacancy's ranked list as a finished ranking run would, with the scores a test chooses."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from assignments.models import Vacancy
from matching.models import MatchRun
from matching.results import StoredCandidate, results_replace
from volunteers.models import Volunteer


def store_results(
    vacancy: Vacancy,
    scored: Sequence[tuple[Volunteer, float]],
    *,
    reasons: Sequence[str] = ("midwifery",),
    matched_skills: Sequence[tuple[str, str]] = (),
    engine_version: str = "test",
) -> MatchRun:
    """Replace ``vacancy``'s stored list through matching's own path (which asks for alerts in its transaction)."""
    run = MatchRun.objects.create(
        vacancy=vacancy,
        engine_version=engine_version,
        vacancy_updated_at=vacancy.updated_at or timezone.now(),
        status=MatchRun.Status.DONE,
    )
    candidates = [
        StoredCandidate(
            volunteer_id=volunteer.pk,
            score=score,
            parts={"text": score},
            reasons=list(reasons),
            matched_skills=[list(pair) for pair in matched_skills],
            missing_skills=[],
        )
        for volunteer, score in scored
    ]
    results_replace(vacancy_id=vacancy.pk, run=run, candidates=candidates)
    return run
