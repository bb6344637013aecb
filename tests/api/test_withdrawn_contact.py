"""Once a volunteer withdraws, the programme's manager no longer sees their contact details, as before they
applied; staff still do."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, client_for
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(world: World) -> World:
    response = client_for(world.volunteer_user).post(f"/api/v1/applications/{world.application.pk}/withdraw")
    assert response.status_code == 200
    return world


def test_the_manager_no_longer_finds_the_profile(withdrawn: World) -> None:
    manager = client_for(withdrawn.manager)

    assert manager.get(f"/api/v1/volunteers/{withdrawn.volunteer.external_id}").status_code == 404
    listed = manager.get("/api/v1/volunteers/").json()["results"]
    assert withdrawn.volunteer.external_id not in {row["external_id"] for row in listed}


def test_the_withdrawn_application_no_longer_shows_name_or_email(withdrawn: World) -> None:
    manager = client_for(withdrawn.manager)

    shown = manager.get(f"/api/v1/applications/{withdrawn.application.pk}").json()["volunteer"]
    listed = manager.get("/api/v1/applications/").json()["results"]

    assert shown == {"external_id": withdrawn.volunteer.external_id, "full_name": None, "email": None}
    assert withdrawn.volunteer.email not in str(listed)


def test_staff_still_see_them(withdrawn: World) -> None:
    shown = client_for(withdrawn.staff).get(f"/api/v1/applications/{withdrawn.application.pk}").json()["volunteer"]
    assert shown["email"] == withdrawn.volunteer.email


def test_a_live_application_to_another_vacancy_keeps_them_visible(withdrawn: World) -> None:
    other = VacancyFactory(programme=withdrawn.programme)
    assert (
        client_for(withdrawn.volunteer_user).post(f"/api/v1/vacancies/{other.external_id}/interest").status_code == 201
    )

    manager = client_for(withdrawn.manager)
    assert manager.get(f"/api/v1/volunteers/{withdrawn.volunteer.external_id}").status_code == 200
