"""Ranking, run by the workers: load rows, hand plain values to the engine, store what it returns.

The engine (matching/engine) knows nothing of the database; this module is the
bridge. Every function here is safe to run twice: results are keyed on
(vacancy, volunteer) and replaced, never duplicated.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.services.creation import alerts_for_stored_results
from assignments.models import Vacancy
from matching import engine
from matching.convert import rules_for_programme, vacancy_to_engine
from matching.engine.types import Candidate
from matching.index_cache import roster_index
from matching.models import MatchResult, MatchRun, MatchRunChunk
from volunteers.models import Volunteer


def _today() -> date:
    return timezone.localdate()


def _open_vacancy(vacancy_id: int) -> Vacancy | None:
    return (
        Vacancy.objects.select_related("programme", "host_institution")
        .filter(pk=vacancy_id, status=Vacancy.Status.OPEN)
        .first()
    )


def candidate_to_json(candidate: Candidate) -> dict:
    return {
        "profile_id": candidate.profile_id,
        "score": candidate.score,
        "parts": candidate.parts,
        "reasons": candidate.reasons,
        "matched_skills": [list(pair) for pair in candidate.matched_skills],
        "missing_skills": candidate.missing_skills,
    }


def _store_results(*, vacancy: Vacancy, run: MatchRun, candidates: Sequence[dict]) -> int:
    """Replace the vacancy's stored shortlist with `candidates` (best first).

    Upserts on (vacancy, volunteer) and deletes whoever fell off, so a rerun
    leaves the same rows as the first run, never duplicates.
    """
    top = sorted(candidates, key=lambda c: (-c["score"], int(c["profile_id"])))[: settings.MATCHING_TOP_K]
    ids = [int(c["profile_id"]) for c in top]
    # A profile erased or withdrawn since the index was read must not be stored.
    live = set(Volunteer.objects.matchable().filter(pk__in=ids).values_list("pk", flat=True))
    rows = [
        MatchResult(
            vacancy=vacancy,
            volunteer_id=int(c["profile_id"]),
            run=run,
            score=round(float(c["score"]), 6),
            parts=c["parts"],
            reasons=c["reasons"],
            matched_skills=c["matched_skills"],
            missing_skills=c["missing_skills"],
            engine_version=run.engine_version,
        )
        for c in top
        if int(c["profile_id"]) in live
    ]
    with transaction.atomic():
        MatchResult.objects.filter(vacancy=vacancy).exclude(volunteer_id__in=live).delete()
        MatchResult.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["vacancy", "volunteer"],
            update_fields=[
                "run",
                "score",
                "parts",
                "reasons",
                "matched_skills",
                "missing_skills",
                "engine_version",
                "computed_at",
            ],
        )
        # In the same transaction: the alerts a shortlist calls for commit with it, or not at all.
        alerts_for_stored_results(vacancy_id=vacancy.pk)
    return len(rows)


def _finish_run(*, run: MatchRun, vacancy: Vacancy, candidates: Sequence[dict], scored: int) -> None:
    stored = _store_results(vacancy=vacancy, run=run, candidates=candidates)
    finished = timezone.now()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE,
        scored=scored,
        stored=stored,
        finished_at=finished,
        duration_ms=int((finished - run.started_at).total_seconds() * 1000),
    )


def _rank_slice(vacancy: Vacancy, *, only_ids: Collection[str] | None = None) -> tuple[list[Candidate], int]:
    """The best candidates among `only_ids` (or the whole roster), and how many were scored."""
    index = roster_index()
    candidates = engine.rank(
        index,
        vacancy_to_engine(vacancy),
        rules=rules_for_programme(vacancy.programme),
        today=_today(),
        top_k=settings.MATCHING_TOP_K,
        only_ids=only_ids,
    )
    return candidates, len(index) if only_ids is None else len(only_ids)


def vacancy_rank(*, vacancy_id: int) -> tuple[MatchRun | None, list[list[int]]]:
    """Rank the roster for an open vacancy.

    Small rosters are ranked here and stored at once. A roster larger than
    MATCHING_CHUNK_SIZE is split by primary key into chunks; the caller queues
    one chunk task per returned [low, high] id range, and the last chunk to
    finish merges them. Returns (run, chunk ranges); (None, []) when the
    vacancy is gone or no longer open.
    """
    vacancy = _open_vacancy(vacancy_id)
    if vacancy is None:
        return None, []
    run = MatchRun.objects.create(
        vacancy=vacancy, engine_version=engine.ENGINE_VERSION, vacancy_updated_at=vacancy.updated_at
    )
    size = settings.MATCHING_CHUNK_SIZE
    if Volunteer.objects.matchable().count() <= size:
        candidates, scored = _rank_slice(vacancy)
        _finish_run(
            run=run,
            vacancy=vacancy,
            candidates=[candidate_to_json(c) for c in candidates],
            scored=scored,
        )
        run.refresh_from_db()
        return run, []
    ids = list(Volunteer.objects.matchable().order_by("pk").values_list("pk", flat=True))
    ranges = [[ids[i], ids[min(i + size, len(ids)) - 1]] for i in range(0, len(ids), size)]
    MatchRun.objects.filter(pk=run.pk).update(chunks_total=len(ranges))
    run.chunks_total = len(ranges)
    return run, ranges


def vacancies_rank_batch(*, vacancy_ids: Sequence[int]) -> tuple[list[MatchRun], list[int]]:
    """Rank several open vacancies in one pass of the engine (the nightly rematch).

    One sparse product scores the whole batch, which is many times cheaper than
    one task per vacancy. Returns the finished runs, and the vacancies left for
    one chunked task each when the roster is larger than MATCHING_CHUNK_SIZE.
    """
    vacancies = list(
        Vacancy.objects.open().filter(pk__in=vacancy_ids).select_related("programme", "host_institution").order_by("pk")
    )
    if Volunteer.objects.matchable().count() > settings.MATCHING_CHUNK_SIZE:
        return [], [v.pk for v in vacancies]
    index = roster_index()
    by_id = {str(v.pk): v for v in vacancies}
    runs = {
        key: MatchRun.objects.create(vacancy=v, engine_version=engine.ENGINE_VERSION, vacancy_updated_at=v.updated_at)
        for key, v in by_id.items()
    }
    ranked = engine.rank_many(
        index,
        [vacancy_to_engine(v) for v in vacancies],
        rules_for=lambda ev: rules_for_programme(by_id[ev.id].programme),
        today=_today(),
        top_k=settings.MATCHING_TOP_K,
    )
    for key, candidates in ranked.items():
        _finish_run(
            run=runs[key],
            vacancy=by_id[key],
            candidates=[candidate_to_json(c) for c in candidates],
            scored=len(index),
        )
    return list(runs.values()), []


def vacancy_rank_chunk(*, run_id: int, number: int, low_id: int, high_id: int) -> bool:
    """Rank one id range of the roster for a run; merge if it was the last chunk.

    Returns True when this call merged the run. A chunk computed twice
    overwrites its own row; only one caller wins the merge (a conditional
    update from running to merging).
    """
    run = MatchRun.objects.select_related("vacancy__programme", "vacancy__host_institution").filter(pk=run_id).first()
    if run is None or run.status != MatchRun.Status.RUNNING:
        return False
    vacancy = run.vacancy
    ids = Volunteer.objects.matchable().filter(pk__gte=low_id, pk__lte=high_id).values_list("pk", flat=True)
    candidates, scored = _rank_slice(vacancy, only_ids={str(pk) for pk in ids})
    MatchRunChunk.objects.update_or_create(
        run=run,
        number=number,
        defaults={
            "scored": scored,
            "candidates": [candidate_to_json(c) for c in candidates],
        },
    )
    if MatchRunChunk.objects.filter(run=run).count() < run.chunks_total:
        return False
    won = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(status=MatchRun.Status.MERGING)
    if not won:
        return False
    chunks = list(MatchRunChunk.objects.filter(run=run))
    merged = [c for chunk in chunks for c in chunk.candidates]
    _finish_run(
        run=run,
        vacancy=vacancy,
        candidates=merged,
        scored=sum(c.scored for c in chunks),
    )
    MatchRunChunk.objects.filter(run=run).delete()
    return True


def volunteer_rescore(*, volunteer_id: int) -> int:
    """Rescore one profile against every open vacancy; return how many lists changed.

    The profile enters a vacancy's stored list when it beats the lowest stored
    score (or the list is not full), and leaves it when it no longer qualifies.
    """
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    matchable = volunteer is not None and volunteer.matching_consent and volunteer.erased_at is None
    if not matchable:
        deleted, _ = MatchResult.objects.filter(volunteer_id=volunteer_id).delete()
        return deleted
    index = roster_index()
    today = _today()
    changed = 0
    vacancies = Vacancy.objects.open().select_related("programme", "host_institution")
    for vacancy in vacancies:
        candidate = engine.explain(
            index,
            vacancy_to_engine(vacancy),
            str(volunteer_id),
            rules=rules_for_programme(vacancy.programme),
            today=today,
        )
        existing = MatchResult.objects.filter(vacancy=vacancy)
        if not candidate.eligible:
            changed += existing.filter(volunteer_id=volunteer_id).delete()[0]
            continue
        count = existing.count()
        floor = existing.order_by("score").values_list("score", flat=True).first()
        already = existing.filter(volunteer_id=volunteer_id).exists()
        if count >= settings.MATCHING_TOP_K and not already and floor is not None and candidate.score <= floor:
            continue
        data = candidate_to_json(candidate)
        with transaction.atomic():
            MatchResult.objects.update_or_create(
                vacancy=vacancy,
                volunteer_id=volunteer_id,
                defaults={
                    "score": round(float(candidate.score), 6),
                    "parts": data["parts"],
                    "reasons": data["reasons"],
                    "matched_skills": data["matched_skills"],
                    "missing_skills": data["missing_skills"],
                    "engine_version": engine.ENGINE_VERSION,
                },
            )
            if count + (0 if already else 1) > settings.MATCHING_TOP_K:
                lowest = existing.order_by("score", "-id").values_list("pk", flat=True).first()
                if lowest is not None:
                    MatchResult.objects.filter(pk=lowest).delete()
            alerts_for_stored_results(vacancy_id=vacancy.pk, volunteer_ids={volunteer_id})
        changed += 1
    return changed


def vacancies_needing_rank() -> list[int]:
    """Open vacancies without a current finished run (never ranked, edited since, or an older engine)."""
    current = MatchRun.objects.filter(
        vacancy=OuterRef("pk"),
        status=MatchRun.Status.DONE,
        engine_version=engine.ENGINE_VERSION,
        vacancy_updated_at__gte=OuterRef("updated_at"),
    )
    return list(Vacancy.objects.open().filter(~Exists(current)).order_by("pk").values_list("pk", flat=True))


def open_vacancy_ids() -> list[int]:
    return list(Vacancy.objects.open().order_by("pk").values_list("pk", flat=True))


def candidate_explain(*, vacancy: Vacancy, volunteer: Volunteer) -> dict:
    """Why a named volunteer is, or is not, on a vacancy's shortlist.

    Names the hard rule they fail, or gives their score's parts and where that
    score falls against the stored list.
    """
    stored = MatchResult.objects.filter(vacancy=vacancy)
    engine_vacancy = vacancy_to_engine(vacancy)
    rules = rules_for_programme(vacancy.programme)
    if not volunteer.matching_consent:
        failed = ["consent"]
        candidate = None
    else:
        index = roster_index()
        candidate = engine.explain(index, engine_vacancy, str(volunteer.pk), rules=rules, today=_today())
        failed = candidate.failed_rules
    row = stored.filter(volunteer=volunteer).first()
    rank = stored.filter(score__gt=row.score).count() + 1 if row else None
    lowest = stored.order_by("score").values_list("score", flat=True).first()
    return {
        "volunteer": volunteer.external_id,
        "eligible": not failed,
        "failed_rules": failed,
        "on_shortlist": row is not None,
        "rank": rank,
        "score": round(candidate.score, 6) if candidate else 0.0,
        "lowest_shortlisted_score": lowest,
        "parts": candidate.parts if candidate else {},
        "reasons": candidate.reasons if candidate else [],
        "matched_skills": [list(p) for p in candidate.matched_skills] if candidate else [],
        "missing_skills": candidate.missing_skills if candidate else [],
    }
