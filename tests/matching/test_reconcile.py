"""A ranking lost with its worker is redone by the reconciler within a lease, and only once.

The embedded filesystem broker forgets a message once a worker has received it,
and Redis gives an unacknowledged one back only after its visibility timeout
(an hour): neither redelivers a ranking whose worker was killed in time. Runs
carry a lease renewed while they work; the reconciler fails runs whose lease
ran out and requests a fresh ranking through the outbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core import tasknames
from core.models import DeadLetter, OutboxMessage
from core.outbox import rank_vacancy_key
from matching import rank
from matching.index_cache import roster_index_reset
from matching.models import MatchResult, MatchRun, MatchRunChunk
from matching.tasks import reconcile_open_vacancies, rematch_all
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_lease(settings: Any) -> Iterator[None]:
    settings.MATCHING_RUN_LEASE = 5
    settings.OUTBOX_RELAY_ON_COMMIT = False  # the requests stay visible as pending rows
    roster_index_reset()
    yield
    roster_index_reset()


def _requests(vacancy_id: int) -> int:
    return OutboxMessage.objects.filter(task=tasknames.RANK_VACANCY, key=rank_vacancy_key(vacancy_id)).count()


def _age(**lookup: Any) -> None:
    """Move the given runs' leases past their end, as a worker killed that long ago would leave them."""
    MatchRun.objects.filter(**lookup).update(lease_until=timezone.now() - timedelta(seconds=1))


def _killed_run(vacancy: Any) -> MatchRun:
    """A run whose worker died after starting it: running, never finished, never renewed again."""
    return rank._new_run(vacancy)


def test_a_run_starts_with_a_lease_of_the_configured_length() -> None:
    VolunteerFactory()
    vacancy = VacancyFactory()
    before = timezone.now()
    run, _ = rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert run is not None
    assert run.lease_until is not None
    assert timedelta(seconds=4) < run.lease_until - before <= timedelta(seconds=6)


def test_a_run_within_its_lease_is_left_to_its_worker() -> None:
    vacancy = VacancyFactory()
    run = _killed_run(vacancy)

    assert reconcile_open_vacancies() == 0

    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING
    assert _requests(vacancy.pk) == 0


def test_a_run_whose_lease_ran_out_is_failed_and_its_vacancy_ranked_again() -> None:
    VolunteerFactory()
    vacancy = VacancyFactory()
    run = _killed_run(vacancy)
    _age(pk=run.pk)

    assert reconcile_open_vacancies() == 1

    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert _requests(vacancy.pk) == 1


def test_a_second_pass_does_not_request_the_same_ranking_again() -> None:
    vacancy = VacancyFactory()
    _age(pk=_killed_run(vacancy).pk)
    assert reconcile_open_vacancies() == 1

    # Pending in the outbox (the broker may be away), then sent a moment ago:
    # either way its task may still be on its way, so it is left alone.
    assert reconcile_open_vacancies() == 0
    OutboxMessage.objects.filter(key=rank_vacancy_key(vacancy.pk)).update(sent_at=timezone.now())
    assert reconcile_open_vacancies() == 0
    assert _requests(vacancy.pk) == 1


def test_a_request_sent_longer_than_a_lease_ago_without_a_run_was_lost() -> None:
    vacancy = VacancyFactory()
    lost = OutboxMessage.objects.create(
        task=tasknames.RANK_VACANCY, key=rank_vacancy_key(vacancy.pk), kwargs={"vacancy_id": vacancy.pk}
    )
    OutboxMessage.objects.filter(pk=lost.pk).update(sent_at=timezone.now() - timedelta(seconds=2))
    assert reconcile_open_vacancies() == 0  # two seconds: maybe still queued

    OutboxMessage.objects.filter(pk=lost.pk).update(sent_at=timezone.now() - timedelta(seconds=6))
    assert reconcile_open_vacancies() == 1
    assert _requests(vacancy.pk) == 2


def _chunked_run(settings: Any) -> tuple[MatchRun, list[list[int]]]:
    """A ranking of four volunteers started in two chunks, none of them ranked yet."""
    settings.MATCHING_CHUNK_SIZE = 2
    for _ in range(4):
        VolunteerFactory()
    run, ranges = rank.vacancy_rank(vacancy_id=VacancyFactory().pk)
    assert run is not None
    return run, ranges


def test_each_chunk_renews_its_runs_lease(settings: Any) -> None:
    run, ranges = _chunked_run(settings)
    _age(pk=run.pk)  # the first chunk waited long in the queue

    (low, high) = ranges[0]
    rank.vacancy_rank_chunk(run_id=run.pk, number=0, low_id=low, high_id=high)

    run.refresh_from_db()
    assert run.lease_until is not None
    assert run.lease_until > timezone.now()
    assert reconcile_open_vacancies() == 0


def test_a_chunk_of_a_failed_run_does_nothing(settings: Any) -> None:
    run, ranges = _chunked_run(settings)
    _age(pk=run.pk)
    rank.runs_expire()

    (low, high) = ranges[0]
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=0, low_id=low, high_id=high) is False
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED


def test_the_redone_ranking_stores_each_candidate_once() -> None:
    volunteers = [VolunteerFactory() for _ in range(3)]
    vacancy = VacancyFactory()
    # The killed worker had stored its list before dying, then the reconciler's ranking runs.
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    first = sorted(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer_id", "score"))
    MatchRun.objects.filter(vacancy=vacancy).update(status=MatchRun.Status.RUNNING)
    _age(vacancy=vacancy)

    assert reconcile_open_vacancies() == 1
    rank.vacancy_rank(vacancy_id=vacancy.pk)

    again = sorted(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer_id", "score"))
    assert again == first
    assert len(again) == len(volunteers)
    assert reconcile_open_vacancies() == 0


def test_vacancies_waiting_in_a_rematch_batch_are_left_alone() -> None:
    first, second = VacancyFactory(), VacancyFactory()

    assert rematch_all() == 2

    batch = OutboxMessage.objects.get(task=tasknames.RANK_VACANCY_BATCH)
    assert batch.kwargs == {"vacancy_ids": [first.pk, second.pk]}
    assert reconcile_open_vacancies() == 0
    OutboxMessage.objects.filter(pk=batch.pk).update(sent_at=timezone.now() - timedelta(seconds=6))
    assert reconcile_open_vacancies() == 2  # the batch went out a lease ago and ranked nothing: lost


def test_a_ranking_dead_lettered_is_not_requested_again_until_the_vacancy_is_edited() -> None:
    poison = VacancyFactory()
    DeadLetter.objects.create(task=tasknames.RANK_VACANCY, task_id="t", kwargs={"vacancy_id": poison.pk}, deliveries=3)

    assert reconcile_open_vacancies() == 0

    poison.title = "Midwifery tutor (fixed)"
    poison.save()
    assert reconcile_open_vacancies() == 1


def _chunk_ranked(run: MatchRun, ranges: list[list[int]], number: int) -> None:
    (low, high) = ranges[number]
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=number, low_id=low, high_id=high) is False


def test_a_failed_runs_chunks_are_deleted_by_the_reconciler(settings: Any) -> None:
    run, ranges = _chunked_run(settings)
    _chunk_ranked(run, ranges, 0)
    _age(pk=run.pk)  # its other chunk's worker died

    reconcile_open_vacancies()
    reconcile_open_vacancies()

    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert not MatchRunChunk.objects.filter(run=run).exists()


def test_a_chunk_stored_after_its_run_failed_goes_at_the_next_pass(settings: Any) -> None:
    # A chunk that took longer than the lease: it began while the run was alive, and stores
    # its row after the reconciler failed the run. The failed run never merges it.
    run, _ = _chunked_run(settings)
    _age(pk=run.pk)
    reconcile_open_vacancies()
    MatchRunChunk.objects.create(run=run, number=1, scored=2, candidates=[])

    reconcile_open_vacancies()

    assert not MatchRunChunk.objects.filter(run=run).exists()


def test_a_working_runs_chunks_are_kept_for_its_merge(settings: Any) -> None:
    run, ranges = _chunked_run(settings)
    _chunk_ranked(run, ranges, 0)

    reconcile_open_vacancies()

    assert MatchRunChunk.objects.filter(run=run).count() == 1
    (low, high) = ranges[1]
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=1, low_id=low, high_id=high) is True
    assert MatchResult.objects.filter(run=run).count() == 4
