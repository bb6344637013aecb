"""A partitioned roster (MATCHING_PARTITIONS > 1): each partition ranked on its own worker,
merged by the last one, stores what one index of the whole roster stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from assignments.models import Vacancy
from config.routes import route_partition_task
from core import tasknames
from matching import index_cache, rank, rescore, tasks
from matching.engine import ProfileIndex
from matching.index_cache import partition_index, partition_of, roster_index_reset
from matching.models import MatchingVocabulary, MatchResult, MatchRun, MatchRunChunk
from tests.factories import VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

HEADLINES = ("Midwife", "Midwifery tutor", "Nurse educator", "Clinical tutor", "Obstetric nurse")
SKILLS = (
    ["midwifery", "clinical teaching", "EmONC"],
    ["midwifery"],
    ["nursing", "patient safety"],
    ["clinical audit", "teaching"],
    ["EmONC", "labour ward"],
    ["project management"],
    [],
)


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _roster(n: int) -> list[Volunteer]:
    return [
        VolunteerFactory(
            headline=HEADLINES[i % len(HEADLINES)],
            summary=f"{3 + i % 11} years on a labour ward; word{i % 7} and skills lab {i % 5}.",
            skills=SKILLS[i % len(SKILLS)],
            years_experience=3 + i % 13,
            available_from=date(2027, 1, 1) if i % 4 == 0 else None,
            available_until=date(2027, 9, 30) if i % 4 == 0 else None,
        )
        for i in range(n)
    ]


def _stored(vacancy: Any) -> list[tuple[Any, ...]]:
    return list(
        MatchResult.objects.filter(vacancy=vacancy)
        .order_by("-score", "volunteer_id")
        .values_list("volunteer_id", "score", "parts", "reasons", "explained")
    )


def _rank_partitioned(vacancy: Any, order: list[int] | None = None) -> MatchRun:
    run, pairs = rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert run is not None
    assert [k for k, _ in pairs] == list(range(len(pairs)))
    merged = []
    for k in order or list(range(len(pairs))):
        merged.append(rank.vacancy_rank_partition(run_id=run.pk, partition=k, vocabulary_id=pairs[k][1]))
    assert merged == [False] * (len(pairs) - 1) + [True]
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("partitions", [2, 4])
def test_partitions_merged_store_what_one_index_stores(partitions: int, settings: Any) -> None:
    settings.MATCHING_TOP_K = 12
    settings.MATCHING_EXPLAIN_TOP = 4
    settings.ALERT_TOP_N = 4
    _roster(40)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    single = _stored(vacancy)
    assert len(single) == 12

    settings.MATCHING_PARTITIONS = partitions
    run = _rank_partitioned(vacancy, order=list(reversed(range(partitions))))

    assert run.status == MatchRun.Status.DONE
    assert run.chunks_total == partitions
    assert run.scored == Volunteer.objects.matchable().count()
    assert not MatchRunChunk.objects.filter(run=run).exists()
    assert _stored(vacancy) == single


def test_a_batch_over_partitions_stores_what_one_index_stores_for_each_vacancy(settings: Any) -> None:
    settings.MATCHING_TOP_K = 12
    settings.MATCHING_EXPLAIN_TOP = 4
    _roster(40)
    first = VacancyFactory()
    second = VacancyFactory(title="Nurse educator", required_skills=["nursing", "clinical teaching"])
    closed = VacancyFactory(status=Vacancy.Status.CLOSED)
    for vacancy in (first, second):
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    single = {v.pk: _stored(v) for v in (first, second)}

    settings.MATCHING_PARTITIONS = 3
    run_ids, pairs = rank.vacancies_rank_batch_partitioned(vacancy_ids=[first.pk, second.pk, closed.pk])
    merged = [
        rank.runs_rank_partition(run_ids=run_ids, partition=k, vocabulary_id=vocabulary_id)
        for k, vocabulary_id in reversed(pairs)
    ]

    assert [k for k, _ in pairs] == [0, 1, 2]
    assert merged == [0, 0, 2]  # the last partition in merges both runs
    runs = MatchRun.objects.filter(pk__in=run_ids)
    assert sorted(runs.values_list("vacancy_id", flat=True)) == [first.pk, second.pk]
    assert set(runs.values_list("status", "chunks_total", "scored")) == {(MatchRun.Status.DONE, 3, 40)}
    assert not MatchRunChunk.objects.exists()
    assert {v.pk: _stored(v) for v in (first, second)} == single
    assert not MatchResult.objects.filter(vacancy=closed).exists()


def test_a_partition_batch_delivered_twice_merges_each_run_once(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 2
    _roster(10)
    vacancies = [VacancyFactory(), VacancyFactory(title="Clinical tutor")]
    run_ids, pairs = rank.vacancies_rank_batch_partitioned(vacancy_ids=[v.pk for v in vacancies])

    def partition(k: int) -> int:
        return rank.runs_rank_partition(run_ids=run_ids, partition=k, vocabulary_id=pairs[k][1])

    # acks_late: a worker killed after ranking its partition gets the task again.
    assert [partition(0), partition(0), partition(1), partition(1)] == [0, 0, 2, 0]
    assert MatchRun.objects.filter(pk__in=run_ids, status=MatchRun.Status.DONE).count() == 2
    for vacancy in vacancies:
        stored = list(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer_id", flat=True))
        assert len(stored) == len(set(stored)) == 10


def test_the_nightly_batch_of_a_partitioned_roster_queues_one_task_per_partition(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 3
    _roster(6)
    vacancy = VacancyFactory()
    with mock.patch("matching.tasks.group") as group:
        tasks.rank_vacancy_batch(vacancy_ids=[vacancy.pk])

    (signatures,) = group.call_args.args
    queued = [(s.task, s.kwargs["partition"]) for s in signatures]
    assert queued == [(tasknames.RANK_BATCH_PARTITION, k) for k in range(3)]
    group.return_value.apply_async.assert_called_once_with()
    run = MatchRun.objects.get(vacancy=vacancy)
    assert (run.status, run.chunks_total) == (MatchRun.Status.RUNNING, 3)


def test_a_partition_holds_only_its_own_profiles_with_the_shared_vocabulary(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 3
    volunteers = _roster(12)
    indexes = [partition_index(k) for k in range(3)]
    for k, index in enumerate(indexes):
        assert set(index.rows) == {str(v.pk) for v in volunteers if v.pk % 3 == k}
    assert MatchingVocabulary.objects.count() == 1
    assert len({index.n_words for index in indexes}) == 1
    assert indexes[0].vocab == indexes[2].vocab


def test_a_profile_change_touches_only_its_partition(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 2
    volunteers = _roster(10)
    before = [partition_index(k) for k in range(2)]
    changed = volunteers[3]
    mine, other = partition_of(changed.pk), 1 - partition_of(changed.pk)
    changed.headline = "Anaesthetist"
    changed.save()

    with (
        mock.patch.object(index_cache.ProfileIndex, "build", wraps=ProfileIndex.build) as build,
        mock.patch.object(ProfileIndex, "upsert", autospec=True, side_effect=ProfileIndex.upsert) as upsert,
    ):
        assert partition_index(other) is before[other]
        assert upsert.call_count == 0
        index = partition_index(mine)
        assert upsert.call_count == 1
        assert upsert.call_args.args[0] is before[mine]
    assert build.call_count == 0
    assert index is before[mine]
    assert index.profile(index.rows[str(changed.pk)]).headline == "Anaesthetist"


def test_a_profile_deleted_and_created_again_is_never_ranked_twice(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 2
    volunteers = _roster(9)
    vacancy = VacancyFactory()
    _rank_partitioned(vacancy)  # every partition's index warm
    gone = volunteers[0]
    fields = {
        name: getattr(gone, name)
        for name in ("external_id", "headline", "summary", "skills", "years_experience", "languages")
    }
    gone.delete()
    user = volunteers[1].user
    volunteers[1].delete()
    back = VolunteerFactory(**fields)  # the same person, a new key
    VolunteerFactory(user=user)  # and another, for the other partition
    assert back.pk != gone.pk

    _rank_partitioned(vacancy)

    stored = list(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer__external_id", flat=True))
    assert len(stored) == len(set(stored)) == 9
    assert stored.count(fields["external_id"]) == 1
    held = [pid for k in range(2) for pid in partition_index(k).rows]
    assert len(held) == len(set(held)) == 9
    assert str(gone.pk) not in held


def test_rescoring_reads_the_profiles_partition(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 3
    _roster(6)
    vacancy = VacancyFactory()
    _rank_partitioned(vacancy)
    newcomer = VolunteerFactory(headline="Midwifery tutor", years_experience=20)

    assert rescore.volunteer_rescore(volunteer_id=newcomer.pk) == 1

    assert MatchResult.objects.filter(vacancy=vacancy, volunteer=newcomer, explained=True).exists()
    assert str(newcomer.pk) in partition_index(partition_of(newcomer.pk)).rows


def test_partition_tasks_are_routed_to_their_partitions_queue(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 4
    assert route_partition_task(tasknames.RESCORE_VOLUNTEER, (), {"volunteer_id": 10}, {}) == {"queue": "match.p2"}
    assert route_partition_task(
        tasknames.RANK_VACANCY_PARTITION, (), {"run_id": 1, "partition": 3, "vocabulary_id": 1}, {}
    ) == {"queue": "match.p3"}
    assert route_partition_task(
        tasknames.RANK_BATCH_PARTITION, (), {"run_ids": [1, 2], "partition": 1, "vocabulary_id": 1}, {}
    ) == {"queue": "match.p1"}
    assert route_partition_task(tasknames.RANK_VACANCY, (5,), {}, {}) is None
    settings.MATCHING_PARTITIONS = 1
    assert route_partition_task(tasknames.RESCORE_VOLUNTEER, (), {"volunteer_id": 10}, {}) is None


def test_statistics_fitted_at_the_same_time_by_several_processes_are_all_kept(settings: Any) -> None:
    """Tasks of a new roster that find no statistics each fit their own and start runs
    naming them; a third fit must not delete the first while its runs are in progress."""
    settings.MATCHING_PARTITIONS = 2
    _roster(4)
    fitted = [index_cache.vocabulary_refit() for _ in range(3)]
    assert set(MatchingVocabulary.objects.values_list("pk", flat=True)) == set(fitted)
    for pk in fitted:
        assert partition_index(0, vocabulary_id=pk) is not None
    assert MatchingVocabulary.objects.count() == 3  # none refitted for want of its row


def test_a_refit_deletes_statistics_older_than_the_previous_once_they_are_an_hour_old(settings: Any) -> None:
    settings.MATCHING_PARTITIONS = 2
    _roster(4)
    first, second = index_cache.vocabulary_refit(), index_cache.vocabulary_refit()
    MatchingVocabulary.objects.filter(pk__in=[first, second]).update(created_at=timezone.now() - timedelta(hours=2))
    third = index_cache.vocabulary_refit()
    assert set(MatchingVocabulary.objects.values_list("pk", flat=True)) == {second, third}
