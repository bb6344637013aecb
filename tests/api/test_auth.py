"""Tokens, lockouts and rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.api.conftest import PASSWORD, client_for
from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture
def user(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(email="ayaan@example.org")


def test_it_exchanges_email_and_password_for_a_token_that_authenticates(user) -> None:  # type: ignore[no-untyped-def]
    response = APIClient().post(TOKEN_URL, {"email": "Ayaan@Example.org", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.get(user=user).prefix == key[:8]

    me = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "ayaan@example.org"
    assert me.json()["role"] == "volunteer"


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(user) -> None:  # type: ignore[no-untyped-def]
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["Unable to log in with these credentials."]}}


def test_it_locks_out_even_the_right_password_after_the_failure_limit(user) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"email": user.email, "password": "wrong guess"}, format="json")

    response = client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert "errors" in response.json()
    assert int(response["Retry-After"]) > 0
    assert not ApiToken.objects.filter(user=user).exists()


def test_it_counts_differently_cased_addresses_as_one_lockout(user) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    for i in range(django_settings.AXES_FAILURE_LIMIT):
        email = user.email.upper() if i % 2 else user.email
        client.post(TOKEN_URL, {"email": email, "password": "wrong guess"}, format="json")

    assert client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json").status_code == 429


def test_it_revokes_the_token_so_it_no_longer_works(user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(user)
    assert client.post("/api/v1/auth/token/revoke").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_it_answers_401_with_a_token_challenge_to_anonymous_and_bad_tokens(db: None) -> None:
    for client in (APIClient(), APIClient(HTTP_AUTHORIZATION="Token not-a-real-token")):
        response = client.get("/api/v1/vacancies/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert set(response.json()) == {"errors"}


@pytest.mark.parametrize(
    "key", ["abc\x00def", "a" * 40 + "\x00", "\x00" * 40, "A" * 40, "é" * 40, "0" * 39, "0" * 41, "%00" * 10]
)
def test_it_refuses_a_token_that_cannot_be_one_without_looking_it_up(
    db: None, key: str, django_assert_num_queries: Any
) -> None:
    # PostgreSQL refuses NUL in a text parameter with an error: looked up, this token answered 500.
    with django_assert_num_queries(0):
        response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["errors"]["non_field_errors"][0].startswith("Invalid token")


def test_it_throttles_the_token_endpoint_per_address_with_retry_after(user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth": "3/min", "write": "100/min"},
    }
    settings.AXES_FAILURE_LIMIT = 100  # this test is about the throttle, not the lockout
    client = APIClient()
    statuses = [
        client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    throttled = client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert int(throttled["Retry-After"]) > 0
    assert set(throttled.json()) == {"errors"}


def test_it_throttles_writes_but_not_reads(user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth": "100/min", "write": "2/min"},
    }
    client = client_for(user)
    writes = [client.patch("/api/v1/me", {"full_name": f"Name {i}"}, format="json").status_code for i in range(3)]
    assert writes == [200, 200, 429]
    assert client.get("/api/v1/me").status_code == 200
    assert int(client.patch("/api/v1/me", {"full_name": "x"}, format="json")["Retry-After"]) > 0


def test_it_changes_only_the_display_name_on_me(user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(user)
    response = client.patch("/api/v1/me", {"role": "staff"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"role": ["unknown or read-only field"]}}
    user.refresh_from_db()
    assert user.role == "volunteer"
