"""The programme dashboard: a manager's vacancies, their pipelines, and what waits on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.dashboard import programme_dashboard, vacancy_ready_to_fill
from assignments.models import Application, Vacancy
from tests.factories import ApplicationFactory, VacancyFactory, VolunteerFactory
from tests.web.manager_support import signed_in, store, world

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_log_in() -> None:
    from django.test import Client

    response = Client().get("/manage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/manage/")


def test_a_volunteer_finds_no_manager_page() -> None:
    volunteer = VolunteerFactory()
    for path in ("/manage/", "/manage/charts/", "/manage/import/", "/manage/vacancies/new/"):
        assert signed_in(volunteer.user).get(path).status_code == 404, path


def test_it_shows_the_managers_vacancies_with_their_figures() -> None:
    w = world(candidates=3)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0], status=Application.Status.SHORTLISTED)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[1])
    store(w.vacancy, VolunteerFactory(), 0.0)  # ranked, below the floor: not on the shortlist's page

    page = signed_in(w.manager).get("/manage/").content.decode()

    assert "Clinical Midwifery Tutor" in page
    assert f'href="/manage/vacancies/{w.vacancy.external_id}/shortlist/">3<' in page  # the shortlist's 3
    assert "Waiting on you, longest first" in page
    assert "Hodan Ali 0" in page
    assert "Hodan Ali 1" in page


def test_another_programmes_manager_does_not_see_them() -> None:
    w = world()
    page = signed_in(w.outsider).get("/manage/").content.decode()
    assert "Clinical Midwifery Tutor" not in page
    assert "Hodan Ali" not in page


def test_applications_waiting_longest_come_first_and_ended_steps_are_left_out() -> None:
    w = world(candidates=3)
    now = timezone.now()
    recent = ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0])
    oldest = ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[1], status=Application.Status.INTERVIEW)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[2], status=Application.Status.NOT_SELECTED)
    Application.objects.filter(pk=recent.pk).update(status_changed_at=now - timedelta(days=2))
    Application.objects.filter(pk=oldest.pk).update(status_changed_at=now - timedelta(days=9))

    dashboard = programme_dashboard(user=w.manager, now=now)

    assert [a.pk for a in dashboard.waiting] == [oldest.pk, recent.pk]
    [row] = dashboard.vacancies
    assert (row.applications, row.pipeline["interest"], row.pipeline["interview"], row.pipeline["not_selected"]) == (
        3,
        1,
        1,
        1,
    )


def test_days_open_and_days_to_fill() -> None:
    w = world(candidates=0)
    now = timezone.now()
    Vacancy.objects.filter(pk=w.vacancy.pk).update(status_changed_at=now - timedelta(days=12))
    filled = VacancyFactory(programme=w.programme, status=Vacancy.Status.FILLED, status_changed_at=now)
    Vacancy.objects.filter(pk=filled.pk).update(created_at=now - timedelta(days=40))

    rows = {row.vacancy.pk: row for row in programme_dashboard(user=w.manager, now=now).vacancies}

    assert (rows[w.vacancy.pk].days_open, rows[w.vacancy.pk].days_to_fill) == (12, None)
    assert (rows[filled.pk].days_open, rows[filled.pk].days_to_fill) == (None, 40)


def test_the_number_of_queries_does_not_grow_with_vacancies_and_applications() -> None:
    w = world(candidates=2)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0])
    client = signed_in(w.manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/manage/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        vacancy = VacancyFactory(programme=w.programme)
        for volunteer in (VolunteerFactory(), VolunteerFactory()):
            store(vacancy, volunteer, 0.5)
            ApplicationFactory(vacancy=vacancy, volunteer=volunteer)
    assert queries() == few


def test_it_offers_to_mark_a_vacancy_filled_once_its_positions_are_taken() -> None:
    w = world(candidates=2)
    application = ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0], status=Application.Status.SHORTLISTED)
    assert not vacancy_ready_to_fill(vacancy=w.vacancy)
    assert "Mark it filled?" not in signed_in(w.manager).get("/manage/").content.decode()

    Application.objects.filter(pk=application.pk).update(status=Application.Status.COMPLETED)

    assert vacancy_ready_to_fill(vacancy=w.vacancy)
    page = signed_in(w.manager).get("/manage/").content.decode()
    assert "1 selected for 1 position(s). Mark it filled?" in page
