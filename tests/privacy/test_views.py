"""The person's own buttons: download my data, erase my account (web pages and API)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import VolunteerFactory
from tests.privacy.conftest import Person

pytestmark = pytest.mark.django_db


def test_it_downloads_my_data_as_a_json_attachment(client: Client, person: Person) -> None:
    client.force_login(person.user)

    response = client.get(reverse("privacy_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == person.user.email


def test_it_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    for name in ("privacy_export", "privacy_erase"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_it_erases_my_account_only_once_i_confirm(client: Client, person: Person) -> None:
    client.force_login(person.user)
    assert client.get(reverse("privacy_erase")).status_code == 200

    refused = client.post(reverse("privacy_erase"), {})
    person.volunteer.refresh_from_db()
    assert refused.status_code == 400
    assert person.volunteer.erased_at is None

    done = client.post(reverse("privacy_erase"), {"confirm": "yes"})
    person.volunteer.refresh_from_db()
    assert done.status_code == 200
    assert person.volunteer.erased_at is not None
    assert "_auth_user_id" not in client.session


def test_it_ends_my_other_sessions_when_i_erase(person: Person) -> None:
    phone, laptop = Client(), Client()
    phone.force_login(person.user)
    laptop.force_login(person.user)

    laptop.post(reverse("privacy_erase"), {"confirm": "yes"})

    assert phone.get(reverse("privacy_export")).status_code == 302


def test_it_exports_my_data_through_the_api(person: Person) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {person.token_key}")

    response = api.get("/api/v1/me/export")

    assert response.status_code == 200
    assert response.json()["volunteer_profile"][0]["external_id"] == person.volunteer.external_id


@pytest.mark.parametrize(
    ("body", "reason"),
    [({}, "This field is required."), ({"confirm": False}, "must be true to erase the account")],
)
def test_it_refuses_to_erase_through_the_api_without_confirmation(person: Person, body: dict, reason: str) -> None:
    api = APIClient()
    api.force_authenticate(person.user)

    response = api.post("/api/v1/me/erase", body, format="json")

    person.volunteer.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == {"errors": {"confirm": [reason]}}
    assert person.volunteer.erased_at is None


def test_it_erases_through_the_api_and_the_token_stops_working(person: Person) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {person.token_key}")

    response = api.post("/api/v1/me/erase", {"confirm": True}, format="json")

    person.volunteer.refresh_from_db()
    assert response.status_code == 204
    assert person.volunteer.erased_at is not None
    assert api.get("/api/v1/me/export").status_code in (401, 403)


def test_it_keeps_the_privacy_api_for_signed_in_people() -> None:
    VolunteerFactory()
    api = APIClient()

    assert api.get("/api/v1/me/export").status_code in (401, 403)
    assert api.post("/api/v1/me/erase", {"confirm": True}, format="json").status_code in (401, 403)
