"""Once a volunteer withdraws, the programme's manager no longer sees their contact details, as before they
applied; staff still do."""

from __future__ import annotations

import pytest

from assignments.models import Application
from matching.models import MatchResult
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


@pytest.mark.parametrize("status", Application.Status.values)
@pytest.mark.parametrize("persona", ["manager", "staff"])
def test_the_volunteer_list_and_the_shortlist_agree_on_whom_they_show_at_every_step(
    world: World, status: str, persona: str
) -> None:
    # One rule decides both: a person is in the volunteer list exactly when a shortlist names them.
    Application.objects.filter(pk=world.application.pk).update(status=status)
    MatchResult.objects.create(vacancy=world.vacancy, volunteer=world.volunteer, score=0.9, engine_version="test")
    client = client_for(world.user(persona))

    listed = world.volunteer.external_id in {
        row["external_id"] for row in client.get("/api/v1/volunteers/").json()["results"]
    }
    shortlist = client.get(f"/api/v1/vacancies/{world.vacancy.external_id}/shortlist").json()["results"]
    named = next(row for row in shortlist if row["volunteer"] == world.volunteer.external_id)["contact"] is not None

    assert listed == named == (status != Application.Status.WITHDRAWN or persona == "staff")
