"""The vacancy page an alert links to: public for open vacancies, where a volunteer says "I'm interested"."""

from __future__ import annotations

import pytest
from django.test import Client

from assignments.models import Application, Vacancy
from tests.factories import UserFactory, VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def _url(vacancy: Vacancy) -> str:
    return f"/vacancies/{vacancy.external_id}/"


def test_anyone_can_read_an_open_vacancy() -> None:
    vacancy = VacancyFactory(title="Clinical Midwifery Tutor", description="Mentor tutors on the labour ward.")
    response = Client().get(_url(vacancy))
    assert response.status_code == 200
    assert b"Clinical Midwifery Tutor" in response.content
    assert b"Mentor tutors on the labour ward." in response.content
    assert b"Log in" in response.content


@pytest.mark.parametrize("status", [Vacancy.Status.DRAFT, Vacancy.Status.CLOSED, Vacancy.Status.FILLED])
def test_a_vacancy_that_is_not_open_is_not_found(status: str) -> None:
    assert Client().get(_url(VacancyFactory(status=status))).status_code == 404


def test_a_volunteer_says_they_are_interested_once_however_often_they_click() -> None:
    vacancy = VacancyFactory()
    volunteer = VolunteerFactory()
    client = Client()
    client.force_login(volunteer.user)
    for _ in range(2):
        response = client.post(_url(vacancy), {"motivation": "Waxaan ahay umuliso."})
        assert response.status_code == 302
    application = Application.objects.get(vacancy=vacancy, volunteer=volunteer)
    assert application.motivation == "Waxaan ahay umuliso."
    assert b"You expressed interest" in client.get(_url(vacancy)).content


def test_someone_without_a_profile_is_sent_to_log_in_and_nothing_is_created() -> None:
    vacancy = VacancyFactory()
    response = Client().post(_url(vacancy), {"motivation": "hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client = Client()
    client.force_login(UserFactory())
    client.post(_url(vacancy))
    assert not Application.objects.exists()
