"""Password guessing on the sign-in page is stopped by django-axes."""

from __future__ import annotations

import uuid

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"  # the factories' password


def _fresh_user() -> User:
    # A never-seen address: with Redis, axes keeps counts outside the test
    # database, so a reused address could start out already locked.
    user = UserFactory(email=f"{uuid.uuid4().hex}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def user() -> User:
    return _fresh_user()


@pytest.fixture
def axes_only(settings: pytest.FixtureRequest) -> None:
    # allauth has its own failed-login limit; switch it off to see axes alone.
    settings.ACCOUNT_RATE_LIMITS = False


def _login(client: Client, login: str, password: str) -> object:
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.usefixtures("axes_only")
def test_it_locks_the_account_after_the_failure_limit_even_for_the_right_password(client: Client, user: User) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, user.email, "wrong guess").status_code == 200

    locking = _login(client, user.email, "wrong guess")
    after = _login(client, user.email, RIGHT)

    assert locking.status_code == 429
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("axes_only")
def test_it_lets_the_right_password_in_before_the_limit(client: Client, user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email, "wrong guess")

    response = _login(client, user.email, RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.usefixtures("axes_only")
def test_it_explains_the_lockout_and_when_to_retry(client: Client, user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, user.email, "wrong guess")

    body = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in temporarily locked" in body
    assert f"There were {settings.AXES_FAILURE_LIMIT} failed attempts" in body
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())


@pytest.mark.usefixtures("axes_only")
def test_it_counts_guesses_against_one_account_whatever_the_case_of_the_address(client: Client, user: User) -> None:
    spellings = [user.email.upper(), user.email, user.email.title()]
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, spellings[n % len(spellings)], "wrong guess")

    assert _login(client, user.email, RIGHT).status_code == 429


@pytest.mark.usefixtures("axes_only")
def test_it_does_not_lock_other_accounts_signing_in_from_the_same_address(client: Client, user: User) -> None:
    other = _fresh_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong guess")

    assert _login(client, other.email, RIGHT).status_code == 302


def test_it_refuses_the_right_password_after_the_limit_with_every_guard_on(client: Client, user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong guess")

    _login(client, user.email, RIGHT)

    assert "_auth_user_id" not in client.session
