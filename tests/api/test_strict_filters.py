"""List filters and page numbers are strict: what the API cannot use is a 400 naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import World


@pytest.mark.parametrize(
    ("persona", "query", "field"),
    [
        ("manager", "/api/v1/vacancies/?status=", "status"),
        ("manager", "/api/v1/vacancies/?start_date_from=", "start_date_from"),
        ("manager", "/api/v1/vacancies/?start_date_to=2027-02-30", "start_date_to"),
        ("manager", "/api/v1/vacancies/?status=open&status=draft", "status"),
        ("manager", "/api/v1/vacancies/?status=sleeping", "status"),
        ("manager", "/api/v1/vacancies/?country=XX", "country"),
        ("manager", "/api/v1/volunteers/?education=", "education"),
        ("manager", "/api/v1/volunteers/?min_years=1.5", "min_years"),
        ("manager", "/api/v1/volunteers/?language=zz", "language"),
        ("manager", "/api/v1/host-institutions/?country=", "country"),
        ("staff", "/api/v1/applications/?status=", "status"),
        ("staff", "/api/v1/applications/?vacancy=", "vacancy"),
        ("manager", "/api/v1/vacancies/{vacancy}/shortlist?residence_country=", "residence_country"),
        ("manager", "/api/v1/vacancies/{vacancy}/shortlist?language=so&language=en", "language"),
        ("staff", "/api/v1/programmes/?page=", "page"),
        ("staff", "/api/v1/programmes/?page=abc", "page"),
        ("staff", "/api/v1/programmes/?page=0", "page"),
        ("staff", "/api/v1/programmes/?page=-3", "page"),
        ("staff", "/api/v1/programmes/?page=1&page=2", "page"),
    ],
)
def test_it_refuses_a_filter_it_cannot_use_naming_it(
    world: World, as_persona: Any, persona: str, query: str, field: str
) -> None:
    response = as_persona(persona).get(query.format(vacancy=world.vacancy.external_id))

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/vacancies/?status=open&country=SO&start_date_from=2027-01-01",
        "/api/v1/volunteers/?min_years=3&language=so&residence_country=GB",
        "/api/v1/programmes/?page=1",
    ],
)
def test_it_still_filters_with_good_values(world: World, as_persona: Any, query: str) -> None:
    client: APIClient = as_persona("staff")

    assert client.get(query).status_code == 200


def test_a_page_past_the_end_is_still_404(world: World, as_persona: Any) -> None:
    assert as_persona("staff").get("/api/v1/programmes/?page=99").status_code == 404


def test_the_schema_states_the_rules(world: World, as_persona: Any) -> None:
    schema = APIClient().get("/api/schema/?format=json").json()
    vacancies = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/vacancies/"]["get"]["parameters"]}
    volunteers = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/volunteers/"]["get"]["parameters"]}

    assert vacancies["page"]["minimum"] == 1
    assert "SO" in vacancies["country"]["enum"]
    assert "so" in volunteers["language"]["enum"]
    assert volunteers["min_years"] == {"type": "integer", "minimum": 0, "maximum": 60}
    assert vacancies["search"]["minLength"] == 1


def test_a_filter_set_made_for_each_request_shares_the_iso_code_lists_instead_of_copying_them() -> None:
    from assignments.api.vacancies import VacancyFilter
    from config.filters import COUNTRY_CHOICES

    first, second = VacancyFilter(data={"country": "SO"}), VacancyFilter(data={"country": "KE"})
    assert first.filters["country"].extra["choices"] is second.filters["country"].extra["choices"] is COUNTRY_CHOICES
    assert first.is_valid()
    assert second.is_valid()
    assert not VacancyFilter(data={"country": "XX"}).is_valid()
