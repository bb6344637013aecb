"""Whatever a client sends: a 4xx in the one error shape naming the field, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.api.conftest import World, client_for
from volunteers.models import Volunteer


def _errors(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"errors"}
    return body["errors"]


@pytest.fixture
def volunteer_client(world: World) -> APIClient:
    return client_for(world.volunteer_user)


@pytest.fixture
def manager_client(world: World) -> APIClient:
    return client_for(world.manager)


def test_it_refuses_an_unknown_field_by_name(volunteer_client: APIClient) -> None:
    errors = _errors(volunteer_client.patch("/api/v1/profile", {"residence_contry": "GB"}, format="json"))
    assert errors == {"residence_contry": ["unknown or read-only field"]}


def test_it_refuses_a_read_only_field_rather_than_ignoring_it(volunteer_client: APIClient, world: World) -> None:
    errors = _errors(volunteer_client.patch("/api/v1/profile", {"external_id": "V-hijack"}, format="json"))
    assert "external_id" in errors
    world.volunteer.refresh_from_db()
    assert world.volunteer.external_id != "V-hijack"


def test_it_refuses_an_invalid_email(world: World) -> None:
    staff = client_for(world.staff)
    errors = _errors(staff.post(f"/api/v1/programmes/{world.programme.slug}/managers", {"email": "not-an-address"}))
    assert list(errors) == ["email"]
    errors = _errors(APIClient().post("/api/v1/auth/token", {"email": "a@", "password": "x"}, format="json"))
    assert list(errors) == ["email"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"languages": {"so": "expert"}}, "languages"),
        ({"languages": {"xx": "native"}}, "languages"),
        ({"languages": ["so"]}, "languages"),
        ({"residence_country": "UK"}, "residence_country"),
        ({"residence_country": "gb"}, "residence_country"),
        ({"heritage_countries": ["SO", "ZZ"]}, "heritage_countries"),
        ({"education": "phd"}, "education"),
        ({"gender": "unknown"}, "gender"),
        ({"years_experience": -1}, "years_experience"),
        ({"years_experience": 61}, "years_experience"),
        ({"years_experience": 10**30}, "years_experience"),
        ({"years_experience": 1.5}, "years_experience"),
        ({"years_experience": "twelve"}, "years_experience"),
        ({"available_from": "2027-02-30"}, "available_from"),
        ({"on_site_ok": "perhaps"}, "on_site_ok"),
        ({"skills": "midwifery"}, "skills"),
        ({"skills": [""]}, "skills"),
        ({"skills": ["x"] * 101}, "skills"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": None}, "full_name"),
    ],
)
def test_it_refuses_a_profile_value_outside_the_rules(
    volunteer_client: APIClient, world: World, body: dict[str, Any], field: str
) -> None:
    before = Volunteer.objects.values().get(pk=world.volunteer.pk)
    errors = _errors(volunteer_client.patch("/api/v1/profile", body, format="json"))
    assert field in errors
    assert Volunteer.objects.values().get(pk=world.volunteer.pk) == before


def test_it_refuses_availability_that_ends_before_it_starts(volunteer_client: APIClient) -> None:
    body = {"available_from": "2027-06-01", "available_until": "2027-05-01"}
    errors = _errors(volunteer_client.patch("/api/v1/profile", body, format="json"))
    assert list(errors) == ["available_until"]


def test_it_checks_date_order_against_the_stored_value_on_a_partial_update(
    volunteer_client: APIClient, world: World
) -> None:
    volunteer_client.patch("/api/v1/profile", {"available_from": "2027-06-01"}, format="json")
    errors = _errors(volunteer_client.patch("/api/v1/profile", {"available_until": "2027-01-01"}, format="json"))
    assert list(errors) == ["available_until"]


def test_it_refuses_a_vacancy_that_ends_before_it_starts(manager_client: APIClient, world: World) -> None:
    response = manager_client.patch(
        f"/api/v1/vacancies/{world.vacancy.external_id}", {"end_date": "2027-01-01"}, format="json"
    )
    assert list(_errors(response)) == ["end_date"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"positions": 0}, "positions"),
        ({"positions": 100000}, "positions"),
        ({"min_years_experience": -3}, "min_years_experience"),
        ({"country": "XX"}, "country"),
        ({"required_languages": {"so": "fluentish"}}, "required_languages"),
        ({"status": "open"}, "status"),
        ({"title": "Tutor\x00"}, "title"),
    ],
)
def test_it_refuses_a_vacancy_value_outside_the_rules(
    manager_client: APIClient, world: World, body: dict[str, Any], field: str
) -> None:
    response = manager_client.patch(f"/api/v1/vacancies/{world.vacancy.external_id}", body, format="json")
    assert field in _errors(response)


@pytest.mark.parametrize("name", ["Amina\x00 Yusuf", "Amina \u202eFusuy", "Amina \u2066Yusuf\u2069", "Amina\x07"])
def test_it_refuses_nul_bidi_override_and_control_characters_in_names(volunteer_client: APIClient, name: str) -> None:
    assert list(_errors(volunteer_client.patch("/api/v1/profile", {"full_name": name}, format="json"))) == ["full_name"]


@pytest.mark.parametrize(
    "text",
    [
        "Xaliimo Maxamed Cabdi",  # Somali in Latin script
        "حليمة محمد عبدي",  # Arabic
        "Caasha Ciise — ممرضة قابلة",  # mixed, with an em dash
    ],
)
def test_it_keeps_somali_and_arabic_text_intact(volunteer_client: APIClient, world: World, text: str) -> None:
    response = volunteer_client.patch("/api/v1/profile", {"full_name": text, "headline": text}, format="json")
    assert response.status_code == 200
    assert response.json()["full_name"] == text
    world.volunteer.refresh_from_db()
    assert world.volunteer.full_name == text
    assert world.volunteer.headline == text


def test_it_answers_413_in_json_for_a_body_over_the_limit(volunteer_client: APIClient, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1024
    body = json.dumps({"summary": "x" * 2000})
    response = volunteer_client.generic("PATCH", "/api/v1/profile", body, content_type="application/json")
    _errors(response, status=413)


@pytest.mark.parametrize(
    "raw",
    ['{"full_name": "Amina', "{full_name: 1}", "[1, 2", '{"a": NaN}', "\xff\xfe", "null", "[]", '"text"'],
)
def test_it_answers_400_to_malformed_or_truncated_json(volunteer_client: APIClient, world: World, raw: str) -> None:
    before = Volunteer.objects.values().get(pk=world.volunteer.pk)
    response = volunteer_client.generic(
        "PATCH", "/api/v1/profile", raw.encode("latin-1"), content_type="application/json"
    )
    _errors(response)
    assert Volunteer.objects.values().get(pk=world.volunteer.pk) == before


def test_it_answers_415_in_the_error_shape_to_a_body_that_is_not_json(volunteer_client: APIClient) -> None:
    response = volunteer_client.generic("PATCH", "/api/v1/profile", b"full_name=x", content_type="text/plain")
    _errors(response, status=415)


@pytest.mark.parametrize(
    "query",
    [
        "status=archived",
        "country=XX",
        "start_date_from=yesterday",
        "search=%00",
        "programme=" + "p" * 500,
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999",
    ],
)
def test_it_answers_a_bad_filter_or_page_with_a_4xx_in_the_error_shape(manager_client: APIClient, query: str) -> None:
    response = manager_client.get(f"/api/v1/vacancies/?{query}")
    assert response.status_code in {400, 404}
    assert set(response.json()) == {"errors"}


@pytest.mark.parametrize(
    "query", ["min_years=-1", "min_years=1e999", "language=xx", "education=phd", "residence_country=%00"]
)
def test_it_refuses_bad_volunteer_filters_by_name(world: World, query: str) -> None:
    response = client_for(world.staff).get(f"/api/v1/volunteers/?{query}")
    assert query.split("=")[0] in _errors(response)


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"skills": ["midwifery", ""]}, "skills", "1: This field may not be blank."),
        ({"heritage_countries": ["SO", "SOM"]}, "heritage_countries", "1: Ensure this field has no more than 2"),
        ({"languages": {"so": "x" * 33}}, "languages", "so: Ensure this field has no more than 32"),
    ],
)
def test_it_names_a_bad_item_of_a_list_or_object_in_a_flat_list_of_reasons(
    volunteer_client: APIClient, body: dict[str, Any], field: str, reason: str
) -> None:
    # The error shape is one list of strings per field; DRF nests item errors
    # by index or key, which clients written to the shape could not read.
    errors = _errors(volunteer_client.patch("/api/v1/profile", body, format="json"))
    assert list(errors) == [field]
    assert len(errors[field]) == 1
    assert errors[field][0].startswith(reason)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/vacancies/", "country=%25s"),
        ("/api/v1/vacancies/", "country=100%25"),
        ("/api/v1/host-institutions/", "country=%25(x)s"),
        ("/api/v1/volunteers/", "residence_country=%25d"),
        ("/api/v1/volunteers/", "language=%25s%25s"),
    ],
)
def test_it_refuses_a_filter_value_that_looks_like_a_format_string_by_name(world: World, path: str, query: str) -> None:
    # django-filter formats each message with its params: a value pasted into
    # the message itself was read as a template and answered 500.
    errors = _errors(client_for(world.staff).get(f"{path}?{query}"))
    name = query.split("=")[0]
    assert list(errors) == [name]
    assert "%" in errors[name][0]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)
_profile_keys = st.sampled_from(
    ["full_name", "languages", "skills", "years_experience", "available_from", "available_until", "gender", "other"]
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(_profile_keys, _json, max_size=4) | _json)
def test_it_never_answers_500_whatever_the_profile_body(volunteer_client: APIClient, body: Any) -> None:
    response = volunteer_client.generic("PATCH", "/api/v1/profile", json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 400}, response.content[:300]
    if response.status_code == 400:
        assert set(response.json()) == {"errors"}


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["status", "note", "x"]), _json, max_size=3))
def test_it_never_answers_500_whatever_the_transition_body(world: World, body: Any) -> None:
    response = client_for(world.manager).generic(
        "POST",
        f"/api/v1/applications/{world.application.pk}/transition",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code in {200, 400}, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/vacancies/%00",
        "/api/v1/vacancies/A%00B/status",
        "/api/v1/volunteers/%E2%80%AEV-1",
        "/api/v1/vacancies/" + "A" * 65,
        "/api/v1/applications/99999999999999999999999",
        "/api/v1/programmes/%00",
        "/api/v1/applications/abc/withdraw",
        "/api/v1/inbox/-1/read",
        "/api/v1/no-such-thing",
    ],
)
def test_it_answers_404_in_the_error_shape_to_an_id_no_object_could_have(world: World, path: str) -> None:
    # These never reach a view (the route's converter refuses them), so the
    # JSON comes from the project's handler404, not from DRF.
    assert _errors(client_for(world.staff).get(path), status=404) == {"non_field_errors": ["Not found."]}


def test_it_keeps_django_s_own_404_page_outside_the_api(world: World) -> None:
    response = client_for(world.staff).get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("slug", ["mida\x00", "", 7, ["x"], "s" * 65])
def test_it_refuses_a_programme_that_cannot_be_a_slug(manager_client: APIClient, slug: Any) -> None:
    response = manager_client.post("/api/v1/vacancies/", {"programme": slug}, format="json")
    assert "programme" in _errors(response)
