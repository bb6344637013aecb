"""A line break or other control character in a one-line field (a title, a name, an institution) is refused
on every path that writes it: the API (400 naming the field), the roster import, the admin's forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from assignments.models import HostInstitution, Programme, Vacancy
from tests.api.conftest import World, client_for
from tests.factories import ProgrammeFactory, VolunteerFactory
from tests.roster.conftest import a_vacancy, a_volunteer, fields_rejected, import_vacancies, import_volunteers, jsonl
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

# A header injection, a bare CR, a tab, NEL, a Unicode line separator, an escape.
BREAKS = [
    "Midwife\r\nBcc: all@example.org",
    "Midwife\rtutor",
    "Midwife\ttutor",
    "Mid\x85wife",
    "Mid\u2028wife",
    "\x1b[2J",
]

_VACANCY = {
    "title": "Public Financial Management Adviser",
    "host_institution": "Ministry of Finance",
    "country": "SO",
    "sector": "Finance",
    "location": "Mogadishu",
    "description": "Support budget execution reform.\nTwo lines are fine here.",
    "start_date": "2027-04-01",
    "end_date": "2027-09-30",
}


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("field", ["title", "host_institution", "sector", "location"])
@pytest.mark.parametrize("value", BREAKS)
def test_the_api_refuses_a_control_character_in_a_vacancy_one_line_field(world: World, field: str, value: str) -> None:
    body = {**_VACANCY, "programme": world.programme.slug, field: value}
    _refused(client_for(world.manager).post("/api/v1/vacancies/", body, format="json"), field)


def test_the_api_keeps_line_breaks_in_a_description(world: World) -> None:
    body = {**_VACANCY, "programme": world.programme.slug}
    assert client_for(world.manager).post("/api/v1/vacancies/", body, format="json").status_code == 201


def test_the_api_refuses_a_line_break_in_a_changed_title(world: World) -> None:
    response = client_for(world.manager).patch(
        f"/api/v1/vacancies/{world.vacancy.external_id}", {"title": "Adviser\nBcc: x@example.org"}, format="json"
    )
    _refused(response, "title")


@pytest.mark.parametrize("field", ["full_name", "headline"])
def test_the_api_refuses_a_line_break_in_a_profile_one_line_field(world: World, field: str) -> None:
    _refused(client_for(world.volunteer_user).patch("/api/v1/profile", {field: "Amina\nYusuf"}, format="json"), field)


def test_the_api_refuses_a_line_break_in_an_account_name(world: World) -> None:
    _refused(
        client_for(world.volunteer_user).patch("/api/v1/me", {"full_name": "Amina\r\nYusuf"}, format="json"),
        "full_name",
    )


@pytest.mark.parametrize("field", ["title", "host_institution", "sector", "location"])
def test_the_roster_import_refuses_a_line_break_in_a_vacancy(field: str) -> None:
    report = import_vacancies(jsonl([a_vacancy(**{field: "Ministry\nof Health"})]))
    assert fields_rejected(report) == {field}
    assert Vacancy.objects.count() == 0


@pytest.mark.parametrize("field", ["full_name", "headline"])
def test_the_roster_import_refuses_a_line_break_in_a_volunteer(field: str) -> None:
    report = import_volunteers(jsonl([a_volunteer(**{field: "Amina\r\nYusuf"})]))
    assert fields_rejected(report) == {field}
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize(
    ("model", "fields", "field"),
    [
        (Programme, ("name", "slug"), "name"),
        (HostInstitution, ("name", "country"), "name"),
    ],
)
def test_the_admin_forms_refuse_a_line_break(model: Any, fields: tuple[str, ...], field: str) -> None:
    # The admin's change forms are ModelForms over these models: the model's validators are theirs.
    form = modelform_factory(model, fields=fields)({"name": "Ministry\nof Health", "slug": "x-1", "country": "SO"})
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_full_clean_refuses_a_line_break_in_a_vacancy_title() -> None:
    vacancy = Vacancy(title="Adviser\nBcc: x@example.org", programme=ProgrammeFactory())
    with pytest.raises(ValidationError) as caught:
        vacancy.full_clean()
    assert "title" in caught.value.message_dict


def test_full_clean_refuses_a_line_break_in_a_volunteer_name() -> None:
    volunteer = VolunteerFactory.build(full_name="Amina\nYusuf")
    with pytest.raises(ValidationError) as caught:
        volunteer.full_clean(validate_constraints=False)
    assert "full_name" in caught.value.message_dict
