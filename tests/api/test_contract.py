"""The API's contract: JSON under /api/v1/ always, only the media types the schema lists, every answer documented."""

from __future__ import annotations

import re
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


# Python's str.strip(), which DRF's trim_whitespace uses, also takes away these control characters
# (U+001C-001F, VT, FF, NEL) and, from a one-line field, a line break: each is refused where the
# schema's pattern refuses it, whether it ends the value or is all of it, never trimmed off and taken.
_TEXT_FIELDS: list[tuple[str, str, str, str, Any]] = [
    ("volunteer", "patch", "/api/v1/me", "full_name", "Amina\u001d"),
    ("volunteer", "patch", "/api/v1/me", "full_name", "\u001d"),
    ("volunteer", "patch", "/api/v1/me", "full_name", "Amina\n"),
    ("volunteer", "patch", "/api/v1/profile", "full_name", "\u001cAmina Yusuf"),
    ("volunteer", "patch", "/api/v1/profile", "headline", "Midwife\u0085"),
    ("volunteer", "patch", "/api/v1/profile", "summary", "Trained midwives.\n\u001e"),
    ("volunteer", "patch", "/api/v1/profile", "skills", ["midwifery", "clinical teaching\u001f"]),
    ("manager", "patch", "/api/v1/vacancies/{vacancy}", "title", "Adviser\u000b"),
    ("manager", "patch", "/api/v1/vacancies/{vacancy}", "description", "Support reform.\u000c"),
    ("manager", "patch", "/api/v1/vacancies/{vacancy}", "host_institution", "Ministry of Health\u001d"),
    ("manager", "patch", "/api/v1/vacancies/{vacancy}", "required_skills", ["budgeting\u001d"]),
    ("staff", "post", "/api/v1/programmes/", "name", "MIDA Ethiopia\u001d"),
    ("manager", "post", "/api/v1/host-institutions/", "name", "Ministry of Education\u001e"),
    ("manager", "post", "/api/v1/applications/{application}/transition", "note", "Strong.\u001d"),
    ("volunteer", "post", "/api/v1/applications/{application}/withdraw", "note", "Found a post.\u001f"),
    ("other_volunteer", "post", "/api/v1/vacancies/{vacancy}/interest", "motivation", "I trained midwives.\u001d"),
    ("volunteer", "patch", "/api/v1/alerts/preferences", "sectors", ["Health\u001c"]),
]

# What these operations need besides the field under test.
_REST_OF_BODY = {
    "/api/v1/programmes/": {"slug": "mida-ethiopia"},
    "/api/v1/host-institutions/": {"country": "SO"},
    "/api/v1/applications/{application}/transition": {"status": "shortlisted"},
}


@pytest.mark.parametrize(("persona", "method", "path", "field", "value"), _TEXT_FIELDS)
def test_a_control_character_that_trimming_would_remove_is_refused_naming_the_field(
    world: World, as_persona: Any, persona: str, method: str, path: str, field: str, value: Any
) -> None:
    body = {**_REST_OF_BODY.get(path, {}), field: value}
    url = path.format(vacancy=world.vacancy.external_id, application=world.application.pk)

    response = getattr(as_persona(persona), method)(url, body, format="json")

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [field]


def test_the_schema_refuses_the_control_character_the_server_refuses() -> None:
    full_name = raw_schema()["components"]["schemas"]["PatchedMeInputRequest"]["properties"]["full_name"]
    pattern = next(option["pattern"] for option in full_name["oneOf"] if "pattern" in option)
    assert re.search(pattern, "Amina") is not None
    assert re.search(pattern, "Amina\u001d") is None


def test_surrounding_spaces_are_still_trimmed_from_a_name(world: World) -> None:
    body = {"full_name": "  Amina Yusuf \u00a0"}
    response = client_for(world.volunteer_user).patch("/api/v1/me", body, format="json")
    assert response.status_code == 200
    world.volunteer_user.refresh_from_db()
    assert world.volunteer_user.full_name == "Amina Yusuf"


def test_a_string_filter_of_only_whitespace_is_refused_as_the_schema_says(world: World) -> None:
    parameters = raw_schema()["paths"]["/api/v1/applications/"]["get"]["parameters"]
    vacancy = next(parameter["schema"] for parameter in parameters if parameter["name"] == "vacancy")

    response = client_for(world.staff).get("/api/v1/applications/?vacancy=%09")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["vacancy"]
    assert re.search(vacancy["pattern"], "\t") is None


def test_a_string_filter_with_whitespace_around_a_value_is_taken_as_the_schema_says(world: World) -> None:
    parameters = raw_schema()["paths"]["/api/v1/applications/"]["get"]["parameters"]
    vacancy = next(parameter["schema"] for parameter in parameters if parameter["name"] == "vacancy")
    value = f"\t{world.vacancy.external_id} "

    response = client_for(world.staff).get("/api/v1/applications/", {"vacancy": value})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [world.application.pk]
    assert re.search(vacancy["pattern"], value) is not None


def test_every_string_filter_documents_that_whitespace_alone_is_empty() -> None:
    whitespace = "".join(char for char in map(chr, range(0x10000)) if char.isspace())
    for path, operations in raw_schema()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                if parameter["in"] != "query" or schema.get("type") != "string" or "enum" in schema:
                    continue
                pattern = re.compile(schema["pattern"])
                # What the server strips away (str.isspace, as str.strip) is what the pattern does not count.
                assert not any(pattern.search(char) for char in whitespace), (method, path, parameter["name"])


def test_a_text_filter_documents_the_longest_value_the_server_takes(world: World) -> None:
    parameters = raw_schema()["paths"]["/api/v1/vacancies/"]["get"]["parameters"]
    search = next(parameter["schema"] for parameter in parameters if parameter["name"] == "search")
    staff = client_for(world.staff)

    assert search["maxLength"] == 200
    assert staff.get("/api/v1/vacancies/", {"search": "a" * 200}).status_code == 200
    refused = staff.get("/api/v1/vacancies/", {"search": "a" * 201})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["search"]


def test_a_nul_in_a_string_filter_is_refused_as_the_schema_says(world: World) -> None:
    parameters = raw_schema()["paths"]["/api/v1/applications/"]["get"]["parameters"]
    vacancy = next(parameter["schema"] for parameter in parameters if parameter["name"] == "vacancy")

    response = client_for(world.staff).get("/api/v1/applications/", {"vacancy": "LV-1\x00"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["vacancy"]
    assert re.search(vacancy["pattern"], "LV-1\x00") is None
    assert re.search(vacancy["pattern"], "LV-1") is not None


def test_a_name_longer_than_its_limit_as_sent_is_refused_though_trimming_would_shorten_it(world: World) -> None:
    full_name = raw_schema()["components"]["schemas"]["PatchedMeInputRequest"]["properties"]["full_name"]
    longest = next(option["maxLength"] for option in full_name["oneOf"] if "maxLength" in option)
    volunteer = client_for(world.volunteer_user)

    refused = volunteer.patch("/api/v1/me", {"full_name": "A" * longest + "  "}, format="json")
    taken = volunteer.patch("/api/v1/me", {"full_name": "A" * longest}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["full_name"]
    assert taken.status_code == 200


def test_a_blank_sector_is_refused_as_the_schema_says(world: World) -> None:
    preferences = raw_schema()["components"]["schemas"]["PatchedPreferenceInputRequest"]["properties"]
    pattern = preferences["sectors"]["items"]["pattern"]

    response = client_for(world.volunteer_user).patch("/api/v1/alerts/preferences", {"sectors": [" "]}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["sectors"]
    assert re.search(pattern, " ") is None
    assert re.search(pattern, "Health\u001c") is None
    assert re.search(pattern, " Public health ") is not None
