"""A form body with more fields than Django takes answers 400 in the API's error shape, not an HTML page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.api.conftest import World, client_for

pytestmark = pytest.mark.django_db

TOO_MANY = urlencode({f"f{n}": "x" for n in range(5000)})


def _assert_error_shape(response: object) -> None:
    assert response.status_code == 400, response.content[:200]  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json"  # type: ignore[index]
    errors = response.json()["errors"]  # type: ignore[attr-defined]
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert errors == {"non_field_errors": [f"Too many form fields: the limit is {limit}."]}


def test_an_upload_answers_too_many_fields_in_the_error_shape(world: World) -> None:
    # The roster uploads are the operations that read forms.
    response = client_for(world.staff).post(
        "/api/v1/roster/volunteers/import", TOO_MANY, content_type="application/x-www-form-urlencoded"
    )
    _assert_error_shape(response)


def test_a_json_operation_refuses_the_form_in_the_error_shape() -> None:
    response = APIClient().post("/api/v1/auth/token", TOO_MANY, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert set(response.json()) == {"errors"}
