"""Reasons only where they are read: a list stores reasons for its best, the rest are
computed when first read, and what readers see is the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assignments.models import Vacancy
from matching import rank
from matching.explain import results_explain
from matching.index_cache import roster_index_reset
from matching.models import MatchResult, MatchRunChunk
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

SKILLS = (
    ["midwifery", "clinical teaching", "EmONC"],
    ["midwifery"],
    ["nursing", "patient safety"],
    ["clinical audit", "teaching"],
    ["EmONC", "labour ward"],
    ["project management"],
)


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _roster(n: int = 14) -> list[Volunteer]:
    return [
        VolunteerFactory(
            headline=("Midwife", "Midwifery tutor", "Nurse educator", "Clinical tutor")[i % 4],
            summary=f"{4 + i} years on a labour ward and in the skills lab.",
            skills=SKILLS[i % len(SKILLS)],
            years_experience=4 + i,
            available_from=date(2027, 1, 1) if i % 3 == 0 else None,
            available_until=date(2027, 9, 30) if i % 3 == 0 else None,
        )
        for i in range(n)
    ]


def _explain_everything(settings: Any) -> None:
    settings.MATCHING_EXPLAIN_TOP = 1000


def _explain_top(settings: Any, n: int) -> None:
    settings.MATCHING_EXPLAIN_TOP = n
    settings.ALERT_TOP_N = n


def _shortlist(client: APIClient, vacancy: Vacancy) -> list[dict[str, Any]]:
    rows = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist?include=all").json()["results"]
    for row in rows:
        row.pop("computed_at")
    return rows


@pytest.fixture
def world() -> dict[str, Any]:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    volunteers = _roster()
    client = APIClient()
    client.force_authenticate(manager)
    return {"client": client, "vacancy": vacancy, "volunteers": volunteers}


def test_the_shortlist_api_answers_the_same_with_and_without_lazy_reasons(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    _explain_everything(settings)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    eager = _shortlist(world["client"], vacancy)
    assert len(eager) == 14

    _explain_top(settings, 3)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    stored = list(MatchResult.objects.filter(vacancy=vacancy).order_by("-score", "volunteer_id"))
    assert [r.explained for r in stored] == [True] * 3 + [False] * 11
    assert not any(r.reasons or r.matched_skills or r.missing_skills for r in stored[3:])

    assert _shortlist(world["client"], vacancy) == eager
    # Kept on the rows once computed: the next read computes nothing.
    kept = list(MatchResult.objects.filter(vacancy=vacancy).order_by("-score", "volunteer_id"))
    assert all(r.explained for r in kept)
    assert [r.reasons for r in kept] == [row["reasons"] for row in eager]
    assert _shortlist(world["client"], vacancy) == eager


def test_a_volunteers_matches_are_explained_when_read(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    _explain_everything(settings)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    last = MatchResult.objects.filter(vacancy=vacancy).order_by("score").select_related("volunteer__user").first()
    assert last is not None
    client = APIClient()
    client.force_authenticate(last.volunteer.user)
    eager = client.get("/api/v1/matches").json()["results"]
    assert eager
    assert eager[0]["reasons"]

    _explain_top(settings, 1)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert not MatchResult.objects.get(pk=last.pk).explained

    assert client.get("/api/v1/matches").json()["results"] == eager


def test_reasons_computed_for_a_replaced_row_are_not_kept(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    _explain_top(settings, 1)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    stale = list(MatchResult.objects.filter(vacancy=vacancy, explained=False))
    rank.vacancy_rank(vacancy_id=vacancy.pk)  # a newer run replaces every row meanwhile

    explained = results_explain(stale)

    assert all(r.explained and r.reasons for r in explained)  # the reader still gets them
    assert MatchResult.objects.filter(vacancy=vacancy, explained=False).count() == len(stale)


def test_the_shortlist_page_and_csv_show_reasons_computed_on_read(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    _explain_top(settings, 0)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert not MatchResult.objects.filter(vacancy=vacancy, explained=True).exists()
    manager = vacancy.programme.managers.first()
    client = Client()
    client.force_login(manager)
    csv = client.get(f"/manage/vacancies/{vacancy.external_id}/shortlist.csv")
    body = b"".join(csv.streaming_content).decode()
    assert "midwifery \u2190 'midwifery'" in body
    assert not MatchResult.objects.filter(vacancy=vacancy, explained=False).exists()


def test_the_best_are_explained_in_a_chunked_run_too(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    _explain_top(settings, 4)
    settings.MATCHING_CHUNK_SIZE = 5
    run, ranges = rank.vacancy_rank(vacancy_id=vacancy.pk)
    assert run is not None
    assert len(ranges) == 3
    for number, (low, high) in enumerate(ranges):
        rank.vacancy_rank_chunk(run_id=run.pk, number=number, low_id=low, high_id=high)
    assert not MatchRunChunk.objects.filter(run=run).exists()
    stored = list(MatchResult.objects.filter(vacancy=vacancy).order_by("-score", "volunteer_id"))
    assert len(stored) == 14
    assert all(r.explained and r.reasons for r in stored[:4])


def test_everyone_an_alert_may_quote_is_explained_with_the_ranking(world: dict[str, Any], settings: Any) -> None:
    vacancy = world["vacancy"]
    settings.MATCHING_EXPLAIN_TOP = 0
    settings.ALERT_TOP_N = 5
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    stored = list(MatchResult.objects.filter(vacancy=vacancy).order_by("-score", "volunteer_id"))
    assert [r.explained for r in stored] == [True] * 5 + [False] * 9
    assert all(r.reasons for r in stored[:5])
