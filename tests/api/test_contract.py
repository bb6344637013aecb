"""The API's contract: JSON under /api/v1/ always, only the media types the schema lists, every answer documented."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import World, client_for
from tests.support.openapi import raw_schema

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/applications/null,null", "/api/v1/programmes/null,null", "/api/v1/nowhere"])
def test_a_path_no_route_matches_answers_json_even_with_debug_on(
    world: World, settings: Any, path: str, debug: bool
) -> None:
    settings.DEBUG = debug
    response = client_for(world.manager).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"errors"}


def test_a_form_body_is_refused_where_the_schema_lists_json(world: World) -> None:
    client = client_for(world.volunteer_user)
    world.volunteer.alerts_consent = True
    world.volunteer.save(update_fields=["alerts_consent"])

    response = client.post("/api/v1/profile/consents", {"alerts": "0"}, format="multipart")

    assert response.status_code == 415
    assert set(response.json()) == {"errors"}
    world.volunteer.refresh_from_db()
    assert world.volunteer.alerts_consent is True


def test_json_operations_list_only_json_bodies() -> None:
    schema = raw_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            media = set(operation.get("requestBody", {}).get("content", {}))
            if "import" in path:
                assert media == {"multipart/form-data"}, (method, path)
            elif media:
                assert media == {"application/json"}, (method, path)


def test_every_operation_documents_its_refusals() -> None:
    schema = raw_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path != "/api/v1/auth/token":
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "429"} <= codes, (method, path)


def test_a_page_past_the_end_is_a_documented_404(world: World) -> None:
    response = client_for(world.manager).get("/api/v1/vacancies/?page=999")
    assert response.status_code == 404
    assert "404" in raw_schema()["paths"]["/api/v1/vacancies/"]["get"]["responses"]


def test_anonymous_token_answers_stay_documented() -> None:
    codes = set(raw_schema()["paths"]["/api/v1/auth/token"]["post"]["responses"])
    assert {"200", "400", "415", "429"} <= codes
    assert APIClient().post("/api/v1/auth/token", "email=a", content_type="text/plain").status_code == 415


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/profile/consents", {"alerts": 0}, "alerts"),
        ("/api/v1/profile/consents", {"matching": "yes"}, "matching"),
        ("/api/v1/me", {"full_name": 5}, "full_name"),
        ("/api/v1/profile", {"years_experience": "9"}, "years_experience"),
        ("/api/v1/profile", {"skills": "midwifery"}, "skills"),
        ("/api/v1/profile", {"skills": [0]}, "skills"),
        ("/api/v1/profile", {"languages": {"so": 1}}, "languages"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_coerced(world: World, path: str, body: Any, field: str) -> None:
    method = "post" if path.endswith("consents") else "patch"
    response = getattr(client_for(world.volunteer_user), method)(path, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_request_bodies_are_documented_as_closed() -> None:
    components = raw_schema()["components"]["schemas"]
    assert components["PatchedMeInputRequest"]["additionalProperties"] is False
    assert components["ProfileInputRequest"]["additionalProperties"] is False


def test_an_operation_with_query_parameters_documents_its_400() -> None:
    operation = raw_schema()["paths"]["/api/v1/programmes/{slug}/vacancies/export"]["get"]
    assert "400" in operation["responses"]
