"""Ranking vacancies, run by the workers: one vacancy, a chunk of a large roster, or a nightly batch.

The engine (matching/engine) knows nothing of the database; this module loads
rows, hands plain values to it and stores what it returns (matching/results.py).
Every function here is safe to run twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from assignments.models import Vacancy
from core import tasknames
from core.models import DeadLetter, OutboxMessage
from core.outbox import rank_vacancies_batch_requested, rank_vacancy_requested
from matching import engine
from matching.convert import rules_for_programme, vacancy_to_engine
from matching.index_cache import partition_index, roster_index, vocabulary_current
from matching.models import MatchRun, MatchRunChunk
from matching.results import StoredCandidate, best_first, explain_top, run_finish
from volunteers.models import Volunteer


def today() -> date:
    """The date availability is judged on."""
    return timezone.localdate()


def open_vacancies() -> QuerySet[Vacancy]:
    """Open vacancies with what the engine reads of them (programme rules, host institution)."""
    return Vacancy.objects.open().select_related("programme", "host_institution")


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.MATCHING_RUN_LEASE)


def _new_run(vacancy: Vacancy) -> MatchRun:
    return MatchRun.objects.create(
        vacancy=vacancy,
        engine_version=engine.ENGINE_VERSION,
        vacancy_updated_at=vacancy.updated_at,
        lease_until=_lease_end(),
    )


def run_renew(*, run_id: int) -> bool:
    """Extend a working run's lease; False when the run is no longer working (done, failed or gone)."""
    working = [MatchRun.Status.RUNNING, MatchRun.Status.MERGING]
    return bool(MatchRun.objects.filter(pk=run_id, status__in=working).update(lease_until=_lease_end()))


def runs_expire() -> int:
    """Fail every working run whose lease ran out (its worker died); return how many.

    A conditional update: a chunk that renews the lease first keeps its run alive.
    """
    working = [MatchRun.Status.RUNNING, MatchRun.Status.MERGING]
    stale = MatchRun.objects.filter(status__in=working, lease_until__lt=timezone.now())
    return stale.update(status=MatchRun.Status.FAILED, finished_at=timezone.now())


def finished_runs_chunks_delete() -> int:
    """Delete the chunks of every run that has stopped working (failed or done); return how many.

    A failed run never merges, so its chunks, each holding a slice's best candidates
    with their reasons, would stay forever. A chunk that outlived its run's lease
    stores its row after the run failed, and a merge killed after storing the list
    leaves its chunks behind: the next reconciler pass takes those too.
    """
    finished = [MatchRun.Status.DONE, MatchRun.Status.FAILED]
    deleted, _ = MatchRunChunk.objects.filter(run__status__in=finished).delete()
    return deleted


def partitioned() -> bool:
    """Whether the roster is split into partitions (MATCHING_PARTITIONS > 1)."""
    return int(settings.MATCHING_PARTITIONS) > 1


def _rank_slice(
    vacancy: Vacancy, *, only_ids: Collection[str] | None = None, index: engine.ProfileIndex | None = None
) -> tuple[list[StoredCandidate], int]:
    """The best candidates among ``only_ids`` of ``index`` (default: the whole roster's), and how many were scored."""
    index = roster_index() if index is None else index
    candidates = engine.rank(
        index,
        vacancy_to_engine(vacancy),
        rules=rules_for_programme(vacancy.programme),
        today=today(),
        top_k=settings.MATCHING_TOP_K,
        only_ids=only_ids,
        explain_top=explain_top(),
    )
    scored = len(index) if only_ids is None else len(only_ids)
    return [StoredCandidate.from_engine(c) for c in candidates], scored


def vacancy_rank(*, vacancy_id: int) -> tuple[MatchRun | None, list[list[int]]]:
    """Rank the roster for an open vacancy.

    Small rosters are ranked here and stored at once. A roster larger than
    MATCHING_CHUNK_SIZE is split by primary key into chunks; the caller queues
    one chunk task per returned [low, high] id range, and the last chunk to
    finish merges them. Returns (run, chunk ranges); (None, []) when the
    vacancy is gone or no longer open. With MATCHING_PARTITIONS > 1 the pairs are
    [partition, vocabulary id] instead, one task each (`vacancy_rank_partition`).
    """
    vacancy = open_vacancies().filter(pk=vacancy_id).first()
    if vacancy is None:
        return None, []
    if partitioned():
        return vacancy_rank_partitioned(vacancy=vacancy)
    run = _new_run(vacancy)
    size = settings.MATCHING_CHUNK_SIZE
    if Volunteer.objects.matchable().count() <= size:
        candidates, scored = _rank_slice(vacancy)
        run_finish(run=run, candidates=candidates, scored=scored)
        run.refresh_from_db()
        return run, []
    ids = list(Volunteer.objects.matchable().order_by("pk").values_list("pk", flat=True))
    ranges = [[ids[i], ids[min(i + size, len(ids)) - 1]] for i in range(0, len(ids), size)]
    MatchRun.objects.filter(pk=run.pk).update(chunks_total=len(ranges))
    run.chunks_total = len(ranges)
    return run, ranges


def vacancy_rank_partitioned(*, vacancy: Vacancy) -> tuple[MatchRun, list[list[int]]]:
    """Start a run over every partition of the roster: one [partition, vocabulary id] per
    partition task to queue; all of them score with the same shared statistics."""
    partitions = int(settings.MATCHING_PARTITIONS)
    vocabulary_id = vocabulary_current()
    run = _new_run(vacancy)
    MatchRun.objects.filter(pk=run.pk).update(chunks_total=partitions)
    run.chunks_total = partitions
    return run, [[k, vocabulary_id] for k in range(partitions)]


def vacancy_rank_partition(*, run_id: int, partition: int, vocabulary_id: int) -> bool:
    """Rank one partition of the roster for a run, in the worker holding it; merge if it
    was the last partition. Returns True when this call merged the run.

    A partition ranked twice (a worker killed after ranking, its task delivered again
    by acks_late) overwrites its own chunk row; only one caller wins the merge.
    """
    run = MatchRun.objects.select_related("vacancy__programme", "vacancy__host_institution").filter(pk=run_id).first()
    if run is None or run.status != MatchRun.Status.RUNNING or not run_renew(run_id=run.pk):
        return False
    index = partition_index(partition, vocabulary_id=vocabulary_id)
    candidates, scored = _rank_slice(run.vacancy, index=index)
    return _chunk_done(run, partition, candidates, scored)


def vacancy_rank_chunk(*, run_id: int, number: int, low_id: int, high_id: int) -> bool:
    """Rank one id range of the roster for a run; merge if it was the last chunk.

    Returns True when this call merged the run. A chunk computed twice
    overwrites its own row; only one caller wins the merge (a conditional
    update from running to merging).
    """
    run = MatchRun.objects.select_related("vacancy__programme", "vacancy__host_institution").filter(pk=run_id).first()
    if run is None or run.status != MatchRun.Status.RUNNING or not run_renew(run_id=run.pk):
        return False
    ids = Volunteer.objects.matchable().filter(pk__gte=low_id, pk__lte=high_id).values_list("pk", flat=True)
    candidates, scored = _rank_slice(run.vacancy, only_ids={str(pk) for pk in ids})
    return _chunk_done(run, number, candidates, scored)


def _chunk_done(run: MatchRun, number: int, candidates: list[StoredCandidate], scored: int) -> bool:
    """Keep one chunk's best; the caller that completes the set and wins the claim merges them."""
    MatchRunChunk.objects.update_or_create(
        run=run, number=number, defaults={"scored": scored, "candidates": [c.to_json() for c in candidates]}
    )
    if MatchRunChunk.objects.filter(run=run).count() < run.chunks_total:
        run_renew(run_id=run.pk)
        return False
    won = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(status=MatchRun.Status.MERGING)
    if not won:
        return False
    chunks = list(MatchRunChunk.objects.filter(run=run))
    merged = best_first([StoredCandidate.from_json(c) for chunk in chunks for c in chunk.candidates])
    # Each chunk explained its own best; the list stores reasons for its best only, as
    # one ranking of the whole roster would (the others are explained when read).
    top = explain_top()
    merged = [c if i < top else c.without_reasons() for i, c in enumerate(merged)]
    run_finish(run=run, candidates=merged, scored=sum(c.scored for c in chunks))
    MatchRunChunk.objects.filter(run=run).delete()
    return True


def vacancies_rank_batch(*, vacancy_ids: Sequence[int]) -> tuple[list[MatchRun], list[int]]:
    """Rank several open vacancies in one pass of the engine (the nightly rematch).

    One sparse product scores the whole batch, which is many times cheaper than
    one task per vacancy. Returns the finished runs, and the vacancies left for
    one chunked task each when the roster is larger than MATCHING_CHUNK_SIZE.
    """
    vacancies = list(open_vacancies().filter(pk__in=vacancy_ids).order_by("pk"))
    if partitioned() or Volunteer.objects.matchable().count() > settings.MATCHING_CHUNK_SIZE:
        return [], [v.pk for v in vacancies]
    index = roster_index()
    by_id = {str(v.pk): v for v in vacancies}
    runs = {key: _new_run(v) for key, v in by_id.items()}
    ranked = engine.rank_many(
        index,
        [vacancy_to_engine(v) for v in vacancies],
        rules_for=lambda ev: rules_for_programme(by_id[ev.id].programme),
        today=today(),
        top_k=settings.MATCHING_TOP_K,
        explain_top=explain_top(),
    )
    for stored, (key, candidates) in enumerate(ranked.items()):
        if stored % 8 == 0:  # storing a batch takes a while: keep the runs still to store alive
            runs_renew(run_ids=[r.pk for r in runs.values()])
        run_finish(run=runs[key], candidates=[StoredCandidate.from_engine(c) for c in candidates], scored=len(index))
    return list(runs.values()), []


def vacancies_needing_rank() -> list[int]:
    """Open vacancies without a current finished run (never ranked, edited since, or an older engine).

    Left out: a vacancy whose current run is still working within its lease, and
    one whose ranking was requested less than a lease ago (its task may still
    be queued) or is waiting in the outbox for the broker.
    """
    current = MatchRun.objects.filter(
        vacancy=OuterRef("pk"),
        engine_version=engine.ENGINE_VERSION,
        vacancy_updated_at__gte=OuterRef("updated_at"),
    )
    done = current.filter(status=MatchRun.Status.DONE)
    working = current.filter(
        status__in=[MatchRun.Status.RUNNING, MatchRun.Status.MERGING], lease_until__gte=timezone.now()
    )
    candidates = Vacancy.objects.open().filter(~Exists(done), ~Exists(working)).order_by("pk")
    requested = _recently_requested()
    # A ranking set aside because it killed its worker each time (core/deliveries.py)
    # is not tried again until someone edits the vacancy: staff see it in the admin.
    dead = {
        int(kwargs["vacancy_id"]): at
        for kwargs, at in DeadLetter.objects.filter(task=tasknames.RANK_VACANCY).values_list("kwargs", "created_at")
        if "vacancy_id" in kwargs
    }
    return [
        pk
        for pk, updated_at in candidates.values_list("pk", "updated_at")
        if pk not in requested and not (pk in dead and dead[pk] >= updated_at)
    ]


def _recently_requested() -> set[int]:
    """Vacancies whose ranking (alone or in a batch) waits in the outbox or went out less than a lease ago."""
    recent = timezone.now() - timedelta(seconds=settings.MATCHING_RUN_LEASE)
    requests = (
        OutboxMessage.objects.filter(task__in=[tasknames.RANK_VACANCY, tasknames.RANK_VACANCY_BATCH])
        .filter(Q(sent_at__isnull=True) | Q(sent_at__gte=recent))
        .values_list("kwargs", flat=True)
    )
    requested: set[int] = set()
    for kwargs in requests:
        if "vacancy_id" in kwargs:
            requested.add(int(kwargs["vacancy_id"]))
        requested.update(int(pk) for pk in kwargs.get("vacancy_ids", ()))
    return requested


def vacancies_reconcile() -> list[int]:
    """Fail the runs whose worker died, delete the chunks of runs no longer working, and
    request a ranking of every open vacancy left without one.

    The requests go through the outbox, so their publication time is what the
    next pass reads to leave them be for a lease. Returns the vacancies requested.
    """
    runs_expire()
    finished_runs_chunks_delete()
    vacancy_ids = vacancies_needing_rank()
    with transaction.atomic():
        for vacancy_id in vacancy_ids:
            rank_vacancy_requested(vacancy_id=vacancy_id)
    return vacancy_ids


def vacancies_rank_batch_partitioned(*, vacancy_ids: Sequence[int]) -> tuple[list[int], list[list[int]]]:
    """Start one run per open vacancy of a batch over every partition of the roster (the
    nightly rematch of a partitioned roster). Returns the run ids and one [partition,
    vocabulary id] per partition task to queue: each ranks the whole batch over its
    partition in one pass of the engine (`runs_rank_partition`)."""
    vacancies = list(open_vacancies().filter(pk__in=vacancy_ids).order_by("pk"))
    if not vacancies:
        return [], []
    partitions = int(settings.MATCHING_PARTITIONS)
    vocabulary_id = vocabulary_current()
    run_ids = [_new_run(v).pk for v in vacancies]
    MatchRun.objects.filter(pk__in=run_ids).update(chunks_total=partitions)
    return run_ids, [[k, vocabulary_id] for k in range(partitions)]


def runs_rank_partition(*, run_ids: Sequence[int], partition: int, vocabulary_id: int) -> int:
    """Rank one partition of the roster for several runs at once, in the worker holding it;
    each run merges when its last partition is in. Returns how many runs this call merged.

    Runs that stopped working (done, failed, gone) are skipped. Delivered twice (a worker
    killed after ranking), each run's partition overwrites its own chunk row and only
    one caller wins each merge, as with `vacancy_rank_partition`.
    """
    runs = _working_runs(run_ids)
    if not runs:
        return 0
    index = partition_index(partition, vocabulary_id=vocabulary_id)
    by_id = {str(run.vacancy_id): run for run in runs}
    ranked = engine.rank_many(
        index,
        [vacancy_to_engine(run.vacancy) for run in runs],
        rules_for=lambda ev: rules_for_programme(by_id[ev.id].vacancy.programme),
        today=today(),
        top_k=settings.MATCHING_TOP_K,
        explain_top=explain_top(),
    )
    merged = 0
    for stored, (key, candidates) in enumerate(ranked.items()):
        if stored % 8 == 0:  # storing a batch takes a while: keep the runs still to store alive
            runs_renew(run_ids=[run.pk for run in runs])
        run = by_id[key]
        merged += _chunk_done(run, partition, [StoredCandidate.from_engine(c) for c in candidates], len(index))
    return merged


def runs_renew(*, run_ids: Sequence[int]) -> int:
    """Extend the leases of those of `run_ids` still running; return how many."""
    return MatchRun.objects.filter(pk__in=run_ids, status=MatchRun.Status.RUNNING).update(lease_until=_lease_end())


def _working_runs(run_ids: Sequence[int]) -> list[MatchRun]:
    """The runs among `run_ids` still running, their leases extended, with what ranking reads."""
    runs_renew(run_ids=run_ids)
    working = MatchRun.objects.filter(pk__in=run_ids, status=MatchRun.Status.RUNNING)
    return list(working.select_related("vacancy__programme", "vacancy__host_institution").order_by("pk"))


def open_vacancy_ids() -> list[int]:
    return list(Vacancy.objects.open().order_by("pk").values_list("pk", flat=True))


# Vacancies scored together by one nightly task: large enough for the batched
# sparse product to pay, small enough that a batch finishes in seconds.
REMATCH_BATCH = 64


def vacancies_rematch() -> int:
    """Request a fresh ranking of every open vacancy, in batches of REMATCH_BATCH (the nightly rematch).

    Through the outbox, so that the reconciler sees the batches as requested
    and does not queue each of their vacancies again while they wait.
    """
    vacancy_ids = open_vacancy_ids()
    with transaction.atomic():
        for start in range(0, len(vacancy_ids), REMATCH_BATCH):
            rank_vacancies_batch_requested(vacancy_ids=vacancy_ids[start : start + REMATCH_BATCH])
    return len(vacancy_ids)
