"""Ranking through the database: stored shortlists, chunked runs, rescoring, explanations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assignments.models import Vacancy
from matching import explain, rank, rescore
from matching.index_cache import roster_index_reset
from matching.models import MatchResult, MatchRun, MatchRunChunk
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _midwives(n: int) -> list:
    return [
        VolunteerFactory(
            headline="Midwife and clinical tutor",
            summary=f"{5 + i} years on a labour ward, teaching students in the skills lab.",
            years_experience=5 + i,
        )
        for i in range(n)
    ]


def _auditors(n: int) -> list:
    return [
        VolunteerFactory(
            headline="External auditor",
            summary="Financial audits of ministries under ISSAI.",
            skills=["financial audit", "ISSAI"],
        )
        for _ in range(n)
    ]


def _stored(vacancy: Vacancy) -> list[tuple[int, float]]:
    return list(
        MatchResult.objects.filter(vacancy=vacancy)
        .order_by("-score", "volunteer_id")
        .values_list("volunteer_id", "score")
    )


def test_it_stores_the_ranked_shortlist_with_reasons_and_records_the_run() -> None:
    midwives = _midwives(3)
    _auditors(2)
    vacancy = VacancyFactory()

    run, ranges = rank.vacancy_rank(vacancy_id=vacancy.pk)

    assert ranges == []
    assert run is not None
    assert run.status == MatchRun.Status.DONE
    assert run.scored == 5
    assert run.stored == len(_stored(vacancy))
    assert run.duration_ms is not None
    top = [volunteer_id for volunteer_id, _ in _stored(vacancy)[:3]]
    assert set(top) == {m.pk for m in midwives}
    assert all(result.reasons for result in MatchResult.objects.filter(vacancy=vacancy))


def test_a_rerun_replaces_the_rows_and_never_duplicates_them() -> None:
    _midwives(3)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    first = _stored(vacancy)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert _stored(vacancy) == first
    assert MatchRun.objects.filter(vacancy=vacancy).count() == 2


def test_it_drops_from_the_list_someone_who_is_no_longer_eligible() -> None:
    midwife, *_ = _midwives(2)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    midwife.languages = {"en": "native"}  # no longer speaks the required Somali
    midwife.save()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert midwife.pk not in {volunteer_id for volunteer_id, _ in _stored(vacancy)}


def test_ranking_in_chunks_stores_what_one_pass_stores(settings) -> None:  # type: ignore[no-untyped-def]
    _midwives(4)
    _auditors(3)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    whole = _stored(vacancy)

    settings.MATCHING_CHUNK_SIZE = 3
    run, ranges = rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert run is not None
    assert len(ranges) == 3
    merged = [
        rank.vacancy_rank_chunk(run_id=run.pk, number=n, low_id=low, high_id=high)
        for n, (low, high) in enumerate(ranges)
    ]

    assert merged == [False, False, True]  # the last chunk to finish merges
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.scored == 7
    assert _stored(vacancy) == whole
    assert not MatchRunChunk.objects.exists()


def test_a_chunk_delivered_twice_merges_once(settings) -> None:  # type: ignore[no-untyped-def]
    _midwives(4)
    settings.MATCHING_CHUNK_SIZE = 2
    vacancy = VacancyFactory()
    run, ranges = rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert run is not None
    (low0, high0), (low1, high1) = ranges
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=0, low_id=low0, high_id=high0) is False
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=0, low_id=low0, high_id=high0) is False
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=1, low_id=low1, high_id=high1) is True
    assert rank.vacancy_rank_chunk(run_id=run.pk, number=1, low_id=low1, high_id=high1) is False
    assert len(_stored(vacancy)) == 4


def test_it_ends_quietly_for_a_vacancy_that_is_gone_or_not_open() -> None:
    draft = VacancyFactory(status=Vacancy.Status.DRAFT)
    assert rank.vacancy_rank(vacancy_id=draft.pk) == (None, [])
    assert rank.vacancy_rank(vacancy_id=987654) == (None, [])
    assert rank.vacancy_rank_chunk(run_id=987654, number=0, low_id=1, high_id=2) is False


def test_a_changed_profile_enters_and_leaves_the_lists_of_open_vacancies() -> None:
    _midwives(2)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    newcomer = VolunteerFactory(headline="Midwife", languages={"en": "native"})
    assert rescore.volunteer_rescore(volunteer_id=newcomer.pk) == 0

    newcomer.languages = {"en": "native", "so": "native"}
    newcomer.save()
    rescore.volunteer_rescore(volunteer_id=newcomer.pk)
    assert MatchResult.objects.filter(vacancy=vacancy, volunteer=newcomer).exists()

    newcomer.matching_consent = False
    newcomer.save()
    rescore.volunteer_rescore(volunteer_id=newcomer.pk)
    assert not MatchResult.objects.filter(volunteer=newcomer).exists()


def test_a_rescored_row_is_the_row_a_ranking_stores() -> None:
    _midwives(3)
    vacancies = [VacancyFactory(), VacancyFactory(title="Labour ward mentor", required_skills=["midwifery"])]
    for vacancy in vacancies:
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    newcomer = VolunteerFactory(
        headline="Senior midwife",
        summary="Twelve years on a labour ward; I train student midwives.",
        years_experience=12,
    )
    rescore.volunteer_rescore(volunteer_id=newcomer.pk)
    fields = ("vacancy_id", "score", "parts", "reasons", "matched_skills", "missing_skills", "explained")
    rescored = sorted(MatchResult.objects.filter(volunteer=newcomer).values_list(*fields))
    assert len(rescored) == 2

    for vacancy in vacancies:
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert sorted(MatchResult.objects.filter(volunteer=newcomer).values_list(*fields)) == rescored


def test_rescoring_a_deleted_profile_ends_quietly() -> None:
    assert rescore.volunteer_rescore(volunteer_id=987654) == 0


def test_it_explains_why_someone_is_not_on_the_list() -> None:
    midwife, *_ = _midwives(2)
    no_somali = VolunteerFactory(headline="Midwife", languages={"en": "native"})
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)

    outside = explain.candidate_explain(vacancy=vacancy, volunteer=no_somali)
    inside = explain.candidate_explain(vacancy=vacancy, volunteer=midwife)

    assert outside.eligible is False
    assert outside.failed_rules == ["language:so"]
    assert outside.on_shortlist is False
    assert inside.eligible is True
    assert inside.on_shortlist is True
    assert inside.rank >= 1
    assert inside.parts
    assert inside.reasons


def test_it_says_only_not_available_of_someone_who_withdrew_consent() -> None:
    midwife, *_ = _midwives(2)
    vacancy = VacancyFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    type(midwife).objects.filter(pk=midwife.pk).update(matching_consent=False)

    answer = explain.candidate_explain(vacancy=vacancy, volunteer=midwife)

    assert answer.eligible is False
    assert answer.failed_rules == ["not_available"]
    assert answer.score == 0.0
    assert answer.reasons == []


def test_it_lists_open_vacancies_without_a_current_ranking() -> None:
    _midwives(1)
    ranked, unranked = VacancyFactory(), VacancyFactory()
    VacancyFactory(status=Vacancy.Status.CLOSED)
    rank.vacancy_rank(vacancy_id=ranked.pk)
    assert rank.vacancies_needing_rank() == [unranked.pk]

    ranked.title = "Senior midwifery tutor"
    ranked.save()  # edited since its run: no longer current
    assert rank.vacancies_needing_rank() == [ranked.pk, unranked.pk]


def test_a_batch_ranks_each_open_vacancy_as_a_single_run_would() -> None:
    _midwives(3)
    _auditors(2)
    first, second = VacancyFactory(), VacancyFactory(title="Financial audit specialist", required_skills=["audit"])
    closed = VacancyFactory(status=Vacancy.Status.CLOSED)
    rank.vacancy_rank(vacancy_id=first.pk)
    rank.vacancy_rank(vacancy_id=second.pk)
    singles = {v.pk: _stored(v) for v in (first, second)}

    runs, left = rank.vacancies_rank_batch(vacancy_ids=[first.pk, second.pk, closed.pk])

    assert left == []
    assert sorted(run.vacancy_id for run in runs) == [first.pk, second.pk]
    assert {v.pk: _stored(v) for v in (first, second)} == singles
    assert not MatchResult.objects.filter(vacancy=closed).exists()


def test_a_batch_leaves_a_large_roster_to_chunked_runs(settings) -> None:  # type: ignore[no-untyped-def]
    _midwives(3)
    settings.MATCHING_CHUNK_SIZE = 2
    vacancy = VacancyFactory()
    assert rank.vacancies_rank_batch(vacancy_ids=[vacancy.pk]) == ([], [vacancy.pk])
