"""Storing what the engine returned: a vacancy's ranked list, replaced as a whole or one person at a time.

Every write here is keyed on (vacancy, volunteer), so a rerun replaces rows and
never duplicates them, and each one writes, in its own transaction, the outbox
row that asks alerts to react: matching never calls the alerts app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.outbox import alerts_for_vacancy_requested
from matching.engine.types import Candidate
from matching.models import MatchResult, MatchRun
from volunteers.models import Volunteer

# The columns a stored result carries besides its key; upserts rewrite them all.
RESULT_FIELDS: tuple[str, ...] = (
    "score",
    "parts",
    "reasons",
    "matched_skills",
    "missing_skills",
    "explained",
    "engine_version",
)


@dataclass(frozen=True)
class StoredCandidate:
    """One candidate as stored for a vacancy: the engine's answer, keyed by the volunteer's primary key."""

    volunteer_id: int
    score: float
    parts: dict[str, float]
    reasons: list[str]
    matched_skills: list[list[str]]
    missing_skills: list[str]
    # False: ranked without reasons (below the explained top); they are computed on read.
    explained: bool = True
    # The engine's unrounded score: chunks and partitions are merged on it, so that the
    # merge keeps exactly the candidates one ranking of the whole roster would.
    exact: float | None = None

    @classmethod
    def from_engine(cls, candidate: Candidate) -> StoredCandidate:
        return cls(
            volunteer_id=int(candidate.profile_id),
            score=round(float(candidate.score), 6),
            parts=dict(candidate.parts),
            reasons=list(candidate.reasons),
            matched_skills=[list(pair) for pair in candidate.matched_skills],
            missing_skills=list(candidate.missing_skills),
            explained=candidate.explained,
            exact=float(candidate.score),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredCandidate:
        """Read back what `to_json` wrote (a chunk's candidates wait as JSON until the merge)."""
        return cls(
            volunteer_id=int(data["volunteer_id"]),
            score=float(data["score"]),
            parts=dict(data["parts"]),
            reasons=list(data["reasons"]),
            matched_skills=[list(pair) for pair in data["matched_skills"]],
            missing_skills=list(data["missing_skills"]),
            explained=bool(data.get("explained", True)),
            exact=data.get("exact"),
        )

    def without_reasons(self) -> StoredCandidate:
        """The same candidate, its reasons left to be computed when read."""
        return replace(self, reasons=[], matched_skills=[], missing_skills=[], explained=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "volunteer_id": self.volunteer_id,
            "score": self.score,
            "parts": self.parts,
            "reasons": self.reasons,
            "matched_skills": self.matched_skills,
            "missing_skills": self.missing_skills,
            "explained": self.explained,
            "exact": self.exact,
        }

    def to_row(self, *, vacancy_id: int, run_id: int | None, engine_version: str) -> MatchResult:
        return MatchResult(
            vacancy_id=vacancy_id,
            volunteer_id=self.volunteer_id,
            run_id=run_id,
            score=self.score,
            parts=self.parts,
            reasons=self.reasons,
            matched_skills=self.matched_skills,
            missing_skills=self.missing_skills,
            explained=self.explained,
            engine_version=engine_version,
        )


def explain_top() -> int:
    """How many of a list's best are explained when ranked: MATCHING_EXPLAIN_TOP, and at
    least the ALERT_TOP_N whose reasons an alert quotes from the stored row."""
    return max(int(settings.MATCHING_EXPLAIN_TOP), int(settings.ALERT_TOP_N))


def best_first(candidates: Sequence[StoredCandidate]) -> list[StoredCandidate]:
    """The stored order: highest score first (unrounded when known), ties by volunteer id,
    at most MATCHING_TOP_K."""

    def key(c: StoredCandidate) -> tuple[float, int]:
        return (-(c.exact if c.exact is not None else c.score), c.volunteer_id)

    return sorted(candidates, key=key)[: settings.MATCHING_TOP_K]


def results_replace(*, vacancy_id: int, run: MatchRun, candidates: Sequence[StoredCandidate]) -> int:
    """Replace a vacancy's stored list with ``candidates``; return how many rows it now holds.

    Upserts on (vacancy, volunteer) and deletes whoever fell off, so a rerun
    leaves the same rows as the first run. The request for alerts commits with
    the rows, or not at all.
    """
    top = best_first(candidates)
    # A profile erased or withdrawn since the index was read must not be stored.
    live = set(Volunteer.objects.matchable().filter(pk__in=[c.volunteer_id for c in top]).values_list("pk", flat=True))
    rows = [
        c.to_row(vacancy_id=vacancy_id, run_id=run.pk, engine_version=run.engine_version)
        for c in top
        if c.volunteer_id in live
    ]
    with transaction.atomic():
        MatchResult.objects.filter(vacancy_id=vacancy_id).exclude(volunteer_id__in=live).delete()
        MatchResult.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["vacancy", "volunteer"],
            update_fields=["run", *RESULT_FIELDS, "computed_at"],
        )
        alerts_for_vacancy_requested(vacancy_id=vacancy_id)
    return len(rows)


def run_finish(*, run: MatchRun, candidates: Sequence[StoredCandidate], scored: int) -> None:
    """Store a finished run's candidates and mark the run done, with its counts and duration."""
    stored = results_replace(vacancy_id=run.vacancy_id, run=run, candidates=candidates)
    finished = timezone.now()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE,
        scored=scored,
        stored=stored,
        finished_at=finished,
        duration_ms=int((finished - run.started_at).total_seconds() * 1000),
    )
