"""A programme's own rule reaches the engine on every Django path.

MIDA-style programmes deploy people from the diaspora: someone living in the
duty country is never shortlisted, never in their own matches and never
alerted for such a programme's vacancy, however the ranking was reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from alerts.models import Alert
from core.tasknames import CREATE_ALERTS_FOR_VACANCY, CREATE_ALERTS_FOR_VOLUNTEER
from matching import explain, rank, rescore
from matching.index_cache import roster_index_reset
from matching.models import MatchResult
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.outbox import outbox_run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index(settings: Any) -> Iterator[None]:
    settings.ALERT_MIN_SCORE = 0.0  # every stored candidate is strong enough to alert
    roster_index_reset()
    yield
    roster_index_reset()


@pytest.fixture
def world() -> dict[str, Any]:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager], rule_residence_outside_duty_country=True)
    vacancy = VacancyFactory(programme=programme, country="SO")
    at_home = VolunteerFactory(residence_country="SO")  # the same midwife, living in the duty country
    abroad = VolunteerFactory(residence_country="SE")
    return {"manager": manager, "vacancy": vacancy, "at_home": at_home, "abroad": abroad}


def _stored(world: dict[str, Any]) -> set[int]:
    return set(MatchResult.objects.filter(vacancy=world["vacancy"]).values_list("volunteer_id", flat=True))


def test_a_single_ranking_leaves_out_whoever_lives_in_the_duty_country(world: dict[str, Any]) -> None:
    rank.vacancy_rank(vacancy_id=world["vacancy"].pk)
    assert _stored(world) == {world["abroad"].pk}


def test_a_chunked_ranking_leaves_them_out(world: dict[str, Any], settings: Any) -> None:
    settings.MATCHING_CHUNK_SIZE = 1
    run, ranges = rank.vacancy_rank(vacancy_id=world["vacancy"].pk)
    assert run is not None
    for number, (low, high) in enumerate(ranges):
        rank.vacancy_rank_chunk(run_id=run.pk, number=number, low_id=low, high_id=high)
    assert _stored(world) == {world["abroad"].pk}


def test_the_nightly_batch_leaves_them_out(world: dict[str, Any]) -> None:
    rank.vacancies_rank_batch(vacancy_ids=[world["vacancy"].pk])
    assert _stored(world) == {world["abroad"].pk}


def test_rescoring_their_profile_leaves_them_out(world: dict[str, Any]) -> None:
    rank.vacancy_rank(vacancy_id=world["vacancy"].pk)
    rescore.volunteer_rescore(volunteer_id=world["at_home"].pk)
    assert _stored(world) == {world["abroad"].pk}


def test_they_are_not_on_the_shortlist_nor_in_their_own_matches(world: dict[str, Any]) -> None:
    rank.vacancy_rank(vacancy_id=world["vacancy"].pk)
    rescore.volunteer_rescore(volunteer_id=world["at_home"].pk)
    manager, volunteer = APIClient(), APIClient()
    manager.force_authenticate(world["manager"])
    volunteer.force_authenticate(world["at_home"].user)

    shortlist = manager.get(f"/api/v1/vacancies/{world['vacancy'].external_id}/shortlist").json()["results"]
    matches = volunteer.get("/api/v1/matches").json()["results"]

    assert [row["volunteer"] for row in shortlist] == [world["abroad"].external_id]
    assert matches == []


def test_they_are_never_alerted(world: dict[str, Any]) -> None:
    rank.vacancy_rank(vacancy_id=world["vacancy"].pk)
    rescore.volunteer_rescore(volunteer_id=world["at_home"].pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY, CREATE_ALERTS_FOR_VOLUNTEER))

    alerted = set(Alert.objects.filter(kind=Alert.Kind.MATCH).values_list("volunteer_id", flat=True))
    assert alerted == {world["abroad"].pk}


def test_asked_why_the_manager_is_told_the_rule(world: dict[str, Any]) -> None:
    answer = explain.candidate_explain(vacancy=world["vacancy"], volunteer=world["at_home"])
    assert answer.eligible is False
    assert answer.failed_rules == ["residence"]


def test_the_ranking_command_leaves_them_out(world: dict[str, Any]) -> None:
    out = StringIO()
    call_command("rank_candidates", "--vacancy", world["vacancy"].external_id, "--include-all", stdout=out)
    assert world["at_home"].external_id not in out.getvalue()
    assert world["abroad"].external_id in out.getvalue()
