"""While the database is away (a restart, a fail-over) a request answers 503 with Retry-After, not 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from assignments.api.vacancies import VacancyListView
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

GONE = OperationalError("server closed the connection unexpectedly")


def _client(world: World | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if world is not None:
        client.force_login(world.volunteer_user)
    return client


def test_the_api_answers_503_in_its_error_shape_with_retry_after(world: World) -> None:
    with mock.patch.object(VacancyListView, "get", side_effect=GONE):
        response = _client(world).get("/api/v1/vacancies/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "errors": {"non_field_errors": ["The service is briefly unavailable: try again in a few seconds."]}
    }


def test_a_page_answers_503_with_a_page_that_says_to_try_again() -> None:
    with mock.patch("web.views.vacancies.render", side_effect=GONE):
        response = _client().get("/vacancies/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again in a few seconds" in response.content.decode()


def test_any_other_error_is_still_a_500_and_says_nothing_of_its_cause(world: World) -> None:
    with mock.patch.object(VacancyListView, "get", side_effect=RuntimeError("secret detail")):
        response = _client(world).get("/api/v1/vacancies/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "secret" not in response.content.decode()
    assert response.json() == {"errors": {"non_field_errors": ["Something went wrong on our side."]}}
