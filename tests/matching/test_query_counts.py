"""Rescoring a profile, the shortlist and a volunteer's matches cost the same queries for 1 open vacancy or 20."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assignments.models import Application
from core.models import AuditRecord
from matching import rank, rescore
from matching.index_cache import roster_index, roster_index_reset
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

# Pinned: a change that makes any of these grow with the number of vacancies fails here.
RESCORE_QUERIES = 13
SHORTLIST_QUERIES = 4  # with the audit record's INSERT
CONTACT_AUDIT_QUERIES = 1  # one INSERT of the contact-view records of every applicant the page shows
# Reading candidates stored without reasons: their profiles, their vacancy, one update keeping the reasons.
EXPLAIN_ON_READ_QUERIES = 3
MATCHES_QUERIES = 3


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _open_vacancies(n: int, **fields: Any) -> list[Any]:
    return [VacancyFactory(external_id=f"Q-{n}-{i}", **fields) for i in range(n)]


@pytest.mark.parametrize("open_vacancies", [1, 20])
def test_rescoring_a_profile_does_not_grow_with_open_vacancies(
    open_vacancies: int, django_assert_num_queries: Any
) -> None:
    volunteers = [VolunteerFactory() for _ in range(3)]
    for vacancy in _open_vacancies(open_vacancies):
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    roster_index()  # warm, as in a worker process
    newcomer = VolunteerFactory()  # enters every list, so each path (insert, alerts request) runs

    with django_assert_num_queries(RESCORE_QUERIES):
        changed = rescore.volunteer_rescore(volunteer_id=newcomer.pk)

    assert changed == open_vacancies
    assert volunteers


@pytest.mark.parametrize("open_vacancies", [1, 20])
def test_rescoring_into_full_lists_does_not_grow_with_open_vacancies(
    open_vacancies: int, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.MATCHING_TOP_K = 2
    weaker = {"years_experience": 3, "skills": ["midwifery"], "summary": "Midwife."}
    [VolunteerFactory(**weaker) for _ in range(2)]
    for vacancy in _open_vacancies(open_vacancies):
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    roster_index()
    stronger = VolunteerFactory()

    with CaptureQueriesContext(connection) as queries:
        rescore.volunteer_rescore(volunteer_id=stronger.pk)

    # One more statement than a list with room: the lowest row of each full list goes, all at once.
    assert len(queries) == RESCORE_QUERIES + 2


@pytest.mark.parametrize("candidates", [1, 20])
def test_the_shortlist_does_not_grow_with_candidates(candidates: int, django_assert_num_queries: Any) -> None:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    for _ in range(candidates):
        VolunteerFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    client = APIClient()
    client.force_authenticate(manager)

    with django_assert_num_queries(SHORTLIST_QUERIES):
        rows = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist").json()["results"]

    assert len(rows) == candidates


@pytest.mark.parametrize("candidates", [1, 20])
def test_a_shortlist_of_applicants_records_their_contact_views_in_one_insert(
    candidates: int, django_assert_num_queries: Any
) -> None:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    for _ in range(candidates):
        Application.objects.create(vacancy=vacancy, volunteer=VolunteerFactory())
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    client = APIClient()
    client.force_authenticate(manager)

    with django_assert_num_queries(SHORTLIST_QUERIES + CONTACT_AUDIT_QUERIES):
        rows = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist").json()["results"]

    assert len(rows) == candidates
    assert all(row["contact"] for row in rows)
    assert AuditRecord.objects.filter(action=AuditRecord.Action.CONTACT_VIEW).count() == candidates


@pytest.mark.parametrize("candidates", [1, 20])
def test_explaining_the_shortlist_on_read_does_not_grow_with_candidates(
    candidates: int, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.MATCHING_EXPLAIN_TOP = 0
    settings.ALERT_TOP_N = 0
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    for _ in range(candidates):
        VolunteerFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    client = APIClient()
    client.force_authenticate(manager)

    with django_assert_num_queries(SHORTLIST_QUERIES + EXPLAIN_ON_READ_QUERIES):
        rows = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist").json()["results"]
    with django_assert_num_queries(SHORTLIST_QUERIES):
        again = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist").json()["results"]

    assert len(rows) == candidates
    assert all(row["reasons"] for row in rows)
    assert [row["reasons"] for row in again] == [row["reasons"] for row in rows]


@pytest.mark.parametrize("open_vacancies", [1, 20])
def test_a_volunteers_matches_do_not_grow_with_open_vacancies(
    open_vacancies: int, django_assert_num_queries: Any
) -> None:
    volunteer = VolunteerFactory()
    for vacancy in _open_vacancies(open_vacancies):
        rank.vacancy_rank(vacancy_id=vacancy.pk)
    client = APIClient()
    client.force_authenticate(volunteer.user)

    with django_assert_num_queries(MATCHES_QUERIES):
        rows = client.get("/api/v1/matches").json()["results"]

    assert len(rows) == open_vacancies
