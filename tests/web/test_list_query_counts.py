"""The main list pages cost the same number of queries for one row as for many."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import InboxMessage
from tests.factories import ApplicationFactory, VacancyFactory, VolunteerFactory
from tests.web.manager_support import signed_in, store, world

pytestmark = pytest.mark.django_db


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _same_for_one_and_many(client: Any, url: str, add: Callable[[int], None]) -> None:
    add(1)
    one = _queries(client, url)
    add(7)
    many = _queries(client, url)
    assert many == one, f"{url}: {one} queries for one row, {many} for eight"


def test_a_volunteers_matches_page() -> None:
    volunteer = VolunteerFactory()

    def add(n: int) -> None:
        for _ in range(n):
            store(VacancyFactory(), volunteer, 0.8)

    _same_for_one_and_many(signed_in(volunteer.user), "/matches/", add)


def test_the_open_vacancies_page() -> None:
    volunteer = VolunteerFactory()
    _same_for_one_and_many(signed_in(volunteer.user), "/vacancies/", lambda n: [VacancyFactory() for _ in range(n)])


def test_a_volunteers_applications_page() -> None:
    volunteer = VolunteerFactory()

    def add(n: int) -> None:
        for _ in range(n):
            ApplicationFactory(volunteer=volunteer, vacancy=VacancyFactory())

    _same_for_one_and_many(signed_in(volunteer.user), "/applications/", add)


def test_the_inbox_page() -> None:
    volunteer = VolunteerFactory()

    def add(n: int) -> None:
        for i in range(n):
            InboxMessage.objects.create(user=volunteer.user, title=f"Message {i}", body="...")

    _same_for_one_and_many(signed_in(volunteer.user), "/inbox/", add)


def test_a_managers_shortlist_page() -> None:
    w = world(candidates=0)

    def add(n: int) -> None:
        for _ in range(n):
            volunteer = VolunteerFactory()
            store(w.vacancy, volunteer, 0.7)
            ApplicationFactory(vacancy=w.vacancy, volunteer=volunteer)

    _same_for_one_and_many(signed_in(w.manager), f"/manage/vacancies/{w.vacancy.external_id}/shortlist/", add)


def test_a_managers_vacancy_page_with_its_applications() -> None:
    w = world(candidates=0)

    def add(n: int) -> None:
        for _ in range(n):
            ApplicationFactory(vacancy=w.vacancy, volunteer=VolunteerFactory())

    _same_for_one_and_many(signed_in(w.manager), f"/manage/vacancies/{w.vacancy.external_id}/", add)
