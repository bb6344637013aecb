"""Celery tasks of matching: thin, named once (core.tasknames), taking ids, idempotent.

Each task loads what it needs by id and ends quietly when the row is gone.
Transient database errors are retried with backoff (core.tasks.DB_RETRY);
everything else fails loudly in the worker log.
"""

from __future__ import annotations

import logging

from celery import group, shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from core import tasknames
from core.tasks import DB_RETRY
from matching import outcomes, rank, rescore
from matching.index_cache import roster_index, vocabulary_refit

logger = logging.getLogger(__name__)


@shared_task(name=tasknames.RANK_VACANCY, acks_late=True, **DB_RETRY)
def rank_vacancy(vacancy_id: int) -> None:
    """Rank the roster for a vacancy; fan out chunk tasks for a large roster."""
    run, ranges = rank.vacancy_rank(vacancy_id=vacancy_id)
    if run is None:
        logger.info("vacancy %s is gone or not open; nothing to rank", vacancy_id)
        return
    if ranges and rank.partitioned():
        # One task per partition, each routed to its partition's queue (config.routes).
        group(
            rank_vacancy_partition.s(run_id=run.pk, partition=partition, vocabulary_id=vocabulary_id)
            for partition, vocabulary_id in ranges
        ).apply_async()
    elif ranges:
        group(
            rank_vacancy_chunk.s(run_id=run.pk, number=number, low_id=low, high_id=high)
            for number, (low, high) in enumerate(ranges)
        ).apply_async()


@shared_task(name=tasknames.RANK_VACANCY_CHUNK, acks_late=True, **DB_RETRY)
def rank_vacancy_chunk(run_id: int, number: int, low_id: int, high_id: int) -> None:
    """Rank one slice of the roster; the last slice to finish merges the run."""
    rank.vacancy_rank_chunk(run_id=run_id, number=number, low_id=low_id, high_id=high_id)


@shared_task(name=tasknames.RANK_VACANCY_PARTITION, acks_late=True, **DB_RETRY)
def rank_vacancy_partition(run_id: int, partition: int, vocabulary_id: int) -> None:
    """Rank one partition of the roster (queue match.p<partition>); the last partition merges the run."""
    rank.vacancy_rank_partition(run_id=run_id, partition=partition, vocabulary_id=vocabulary_id)


@shared_task(name=tasknames.RESCORE_VOLUNTEER, acks_late=True, **DB_RETRY)
def rescore_volunteer(volunteer_id: int) -> None:
    """Rescore a changed profile against every open vacancy."""
    rescore.volunteer_rescore(volunteer_id=volunteer_id)


@shared_task(name=tasknames.RECORD_OUTCOME, acks_late=True, **DB_RETRY)
def record_outcome(application_event_id: int) -> None:
    """Record an application's step as a graded outcome (once)."""
    outcomes.outcome_from_application_event(event_id=application_event_id)


@shared_task(name=tasknames.RECONCILE_OPEN_VACANCIES, acks_late=True)
def reconcile_open_vacancies() -> int:
    """Rank again every open vacancy without a current ranking: lost tasks, and runs whose worker died."""
    vacancy_ids = rank.vacancies_reconcile()
    if vacancy_ids:
        logger.info("reconciler requested a ranking of %d open vacancies: %s", len(vacancy_ids), vacancy_ids[:20])
    return len(vacancy_ids)


@shared_task(name=tasknames.RANK_VACANCY_BATCH, acks_late=True, **DB_RETRY)
def rank_vacancy_batch(vacancy_ids: list[int]) -> None:
    """Rank a batch of vacancies in one engine pass; large rosters go one chunked task each,
    a partitioned roster one batch task per partition."""
    if rank.partitioned():
        run_ids, pairs = rank.vacancies_rank_batch_partitioned(vacancy_ids=vacancy_ids)
        group(
            rank_batch_partition.s(run_ids=run_ids, partition=partition, vocabulary_id=vocabulary_id)
            for partition, vocabulary_id in pairs
        ).apply_async()
        return
    _, left = rank.vacancies_rank_batch(vacancy_ids=vacancy_ids)
    for vacancy_id in left:
        rank_vacancy.delay(vacancy_id)


@shared_task(name=tasknames.RANK_BATCH_PARTITION, acks_late=True, **DB_RETRY)
def rank_batch_partition(run_ids: list[int], partition: int, vocabulary_id: int) -> None:
    """Rank one partition of the roster for a batch of runs (queue match.p<partition>); the
    last partition of each run merges it."""
    rank.runs_rank_partition(run_ids=run_ids, partition=partition, vocabulary_id=vocabulary_id)


# Refitting a partitioned roster's statistics reads every profile's text: minutes at
# a million, past the default limits (CELERY_TASK_SOFT_TIME_LIMIT).
@shared_task(name=tasknames.REMATCH_ALL, acks_late=True, soft_time_limit=3600, time_limit=3660)
def rematch_all() -> int:
    """Nightly: rank every open vacancy afresh, in batches.

    A partitioned roster first refits the shared statistics on the whole roster,
    as a single index does when its profiles drift; each partition rebuilds on
    the next run naming them.
    """
    if rank.partitioned():
        vocabulary_refit()
    return rank.vacancies_rematch()


@worker_process_init.connect
def _prewarm_roster_index(**_: object) -> None:
    # Each pool process keeps its own index; build it before the first task
    # arrives, so no vacancy waits seconds for a cold index.
    if not settings.MATCHING_PREWARM_INDEX or rank.partitioned():
        # Partitioned: each process builds the partitions its queues bring it, on first use.
        return
    try:
        roster_index()
    except DatabaseError:
        logger.warning("could not prewarm the roster index; the first task will build it", exc_info=True)
    finally:
        close_old_connections()
