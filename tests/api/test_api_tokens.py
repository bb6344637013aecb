"""API tokens expire, stop working when the password changes or is reset or the account is erased, and their
owner lists and revokes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import invitation_accept
from accounts.tokens import invitation_token_generator
from tests.api.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
NEW_PASSWORD = "a brand new passphrase 2027"


@pytest.fixture
def user() -> User:
    return UserFactory()


def _log_in(user: User, password: str = PASSWORD) -> dict[str, Any]:
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _as(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_says_when_it_expires_and_works_until_then(user: User, settings: Any) -> None:
    settings.API_TOKEN_TTL = timedelta(days=30)
    answer = _log_in(user)

    expires = timezone.datetime.fromisoformat(answer["expires_at"])
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)
    assert _as(answer["token"]).get("/api/v1/me").status_code == 200


def test_an_expired_token_answers_401(user: User) -> None:
    key = _log_in(user)["token"]
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _as(key).get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {"errors": {"non_field_errors": ["Token has expired."]}}


def test_the_key_is_not_stored_in_clear(user: User) -> None:
    key = _log_in(user)["token"]
    assert not ApiToken.objects.filter(key_digest=key).exists()
    assert key not in str(list(ApiToken.objects.values()))


def test_a_password_change_ends_every_token(user: User) -> None:
    first, second = _log_in(user)["token"], _log_in(user)["token"]
    user.set_password(NEW_PASSWORD)
    user.save()

    assert _as(first).get("/api/v1/me").status_code == 401
    assert _as(second).get("/api/v1/me").status_code == 401
    assert _as(_log_in(user, NEW_PASSWORD)["token"]).get("/api/v1/me").status_code == 200


def test_a_password_changed_on_the_account_page_ends_every_token(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    key = _log_in(user)["token"]
    page = Client()
    page.force_login(user)
    changed = page.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302

    assert _as(key).get("/api/v1/me").status_code == 401


def test_setting_a_password_from_an_invitation_ends_earlier_tokens(user: User) -> None:
    key = _log_in(user)["token"]
    invitation_accept(user=user, token=invitation_token_generator.make_token(user), password=NEW_PASSWORD)

    assert _as(key).get("/api/v1/me").status_code == 401


def test_erasure_ends_every_token(user: User) -> None:
    key = _log_in(user)["token"]
    assert _as(key).post("/api/v1/me/erase", {"confirm": True}, format="json").status_code == 204
    assert _as(key).get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_owner_lists_their_tokens_without_their_keys(user: User) -> None:
    first, second = _log_in(user)["token"], _log_in(user)["token"]
    _log_in(UserFactory())  # someone else's

    listed = _as(first).get("/api/v1/auth/tokens").json()

    assert len(listed) == 2
    assert {row["current"] for row in listed} == {True, False}
    assert set(listed[0]) == {"id", "prefix", "created", "expires_at", "current"}
    assert {row["prefix"] for row in listed} == {first[:8], second[:8]}
    assert first not in str(listed)
    assert second not in str(listed)


def test_the_owner_revokes_one_token_and_keeps_the_other(user: User) -> None:
    first, second = _log_in(user)["token"], _log_in(user)["token"]
    second_id = next(row["id"] for row in _as(first).get("/api/v1/auth/tokens").json() if not row["current"])

    assert _as(first).delete(f"/api/v1/auth/tokens/{second_id}").status_code == 204

    assert _as(second).get("/api/v1/me").status_code == 401
    assert _as(first).get("/api/v1/me").status_code == 200


def test_nobody_revokes_someone_elses_token(user: User) -> None:
    mine = _log_in(user)["token"]
    theirs_key = _log_in(other := UserFactory())["token"]
    theirs = ApiToken.objects.get(user=other)

    assert _as(mine).delete(f"/api/v1/auth/tokens/{theirs.pk}").status_code == 404
    assert _as(theirs_key).get("/api/v1/me").status_code == 200


def test_revoke_ends_the_token_it_is_called_with(user: User) -> None:
    key = _log_in(user)["token"]
    assert _as(key).post("/api/v1/auth/token/revoke").status_code == 204
    assert _as(key).get("/api/v1/me").status_code == 401


def test_the_schema_documents_expiry_and_revocation() -> None:
    from tests.support.openapi import raw_schema

    schema = raw_schema()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert "expires" in scheme["description"]
    assert "password" in scheme["description"]
    assert "expires_at" in schema["components"]["schemas"]["TokenOutput"]["properties"]
    assert "/api/v1/auth/tokens/{id}" in schema["paths"]
