"""List endpoints cost a fixed number of queries, however many rows they return."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments.models import Application, ApplicationEvent
from tests.api.conftest import World, client_for
from tests.factories import HostInstitutionFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory

# (url, persona, the most queries the page may cost). The budget counts the
# token lookup, the page count, the page itself and one query per prefetch,
# and, where a page shows contact details, the one INSERT of its audit records.
LISTS = [
    ("/api/v1/volunteers/", "staff", 4),
    ("/api/v1/volunteers/", "manager", 4),
    ("/api/v1/vacancies/", "volunteer_user", 3),
    ("/api/v1/vacancies/", "manager", 3),
    ("/api/v1/applications/", "manager", 5),
    ("/api/v1/applications/", "staff", 5),
    ("/api/v1/programmes/", "staff", 4),
    ("/api/v1/host-institutions/", "manager", 3),
]


def _grow(world: World, n: int) -> None:
    """Add n rows of everything each list shows to the manager of world.programme."""
    for i in range(n):
        volunteer = VolunteerFactory()
        vacancy = VacancyFactory(programme=world.programme)
        application = Application.objects.create(vacancy=vacancy, volunteer=volunteer)
        ApplicationEvent.objects.create(application=application, to_status="interest", actor=volunteer.user)
        ApplicationEvent.objects.create(
            application=application, from_status="interest", to_status="shortlisted", actor=world.manager
        )
        ProgrammeFactory(managers=[world.manager])
        HostInstitutionFactory(name=f"Regional Hospital {i}")


def _count(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize(("url", "persona", "budget"), LISTS)
def test_it_lists_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any, url: str, persona: str, budget: int
) -> None:
    client = client_for(getattr(world, persona))
    _grow(world, 3)
    small, small_rows = _count(client, url)
    _grow(world, 12)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    large, large_rows = _count(client, url)
    assert large_rows > small_rows
    assert large == small, f"{url}: {small} queries for {small_rows} rows but {large} for {large_rows}"
    assert response.status_code == 200


def _rows(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    return len(queries), len(body["results"] if isinstance(body, dict) else body)


def _same_for_few_and_many(client: Any, url: str, grow: Any) -> None:
    grow(1)
    few, few_rows = _rows(client, url)
    grow(7)
    many, many_rows = _rows(client, url)
    assert many_rows > few_rows
    assert many == few, f"{url}: {few} queries for {few_rows} rows but {many} for {many_rows}"


def test_a_vacancys_ranking_runs_list_in_a_fixed_number_of_queries(world: World) -> None:
    from matching.models import MatchRun

    vacancy = VacancyFactory(programme=world.programme)

    def grow(n: int) -> None:
        for _ in range(n):
            MatchRun.objects.create(vacancy=vacancy, engine_version="test", vacancy_updated_at=vacancy.updated_at)

    _same_for_few_and_many(client_for(world.manager), f"/api/v1/vacancies/{vacancy.external_id}/match-runs", grow)


def test_a_users_api_tokens_list_in_a_fixed_number_of_queries(world: World, settings: Any) -> None:
    from accounts.services import api_token_issue

    settings.API_TOKENS_PER_USER = 50
    client = client_for(world.manager)
    _same_for_few_and_many(
        client, "/api/v1/auth/tokens", lambda n: [api_token_issue(user=world.manager) for _ in range(n)]
    )
