"""Guessing passwords: the client address cannot be forged, an account locks whatever the address, and one
address spraying many accounts is stopped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from config.client_address import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
RIGHT = "correct horse battery staple"  # the factories' password


def _user() -> User:
    user = UserFactory(email=f"{uuid.uuid4().hex}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _token(user: User, password: str, *, remote: str = "203.0.113.7", **headers: str) -> Any:
    return APIClient(REMOTE_ADDR=remote, **headers).post(
        TOKEN_URL, {"email": user.email, "password": password}, format="json"
    )


@pytest.fixture
def only_the_guard_under_test(settings: pytest.FixtureRequest) -> None:
    # Generous limits for the guards a test is not about.
    settings.AXES_FAILURE_LIMIT = 1000
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1000


def _request(remote: str, forwarded: str | None = None) -> Any:
    from django.test import RequestFactory

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_it_ignores_x_forwarded_for_when_no_proxy_is_trusted(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_it_takes_the_nearest_untrusted_hop_behind_a_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
    assert client_address(_request("10.0.0.2", "1.1.1.1, 198.51.100.1")) == "198.51.100.1"
    assert client_address(_request("10.0.0.2", "198.51.100.1, 10.0.0.9")) == "198.51.100.1"
    # Only the proxy's own connection is trusted to carry the header.
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


@pytest.mark.usefixtures("only_the_guard_under_test")
def test_a_forged_x_forwarded_for_does_not_escape_the_token_throttle(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "10/min"}}
    user = _user()
    statuses = [_token(user, "wrong guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(15)]
    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}


@pytest.mark.usefixtures("only_the_guard_under_test")
def test_a_trusted_proxy_passes_each_clients_address_on(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "2/min"}}
    user = _user()
    statuses = [
        _token(user, "wrong guess", remote="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [400] * 5


def test_an_account_locks_after_the_limit_whatever_the_address(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    user = _user()
    for n in range(5):
        _token(user, "wrong guess", remote=f"198.51.100.{n}")

    from_a_new_address = _token(user, RIGHT, remote="192.0.2.200")

    assert from_a_new_address.status_code == 429
    assert "token" not in from_a_new_address.json()


def test_the_owner_of_a_locked_account_hears_of_it_once(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    user = _user()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            _token(user, "wrong guess", remote=f"198.51.100.{n}")

    to_owner = [message for message in mail.outbox if message.to == [user.email]]
    assert len(to_owner) == 1
    assert "locked" in to_owner[0].subject.lower()
    assert "15 minutes" in to_owner[0].body
    assert "wrong guess" not in to_owner[0].body


def test_the_lock_lifts_after_the_cool_off(settings: Any) -> None:
    from datetime import timedelta

    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    user = _user()
    for _ in range(2):
        _token(user, "wrong guess")
    assert _token(user, RIGHT).status_code == 429

    import time

    time.sleep(1.5)
    assert _token(user, RIGHT).status_code == 200


def test_one_address_guessing_across_many_accounts_is_stopped(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    sprayer = "198.51.100.66"
    for _ in range(8):
        assert _token(_user(), "Summer2026!", remote=sprayer).status_code == 400

    next_account = _user()
    assert _token(next_account, RIGHT, remote=sprayer).status_code == 429
    # The accounts themselves are not locked: their owners still sign in from elsewhere.
    assert _token(next_account, RIGHT, remote="192.0.2.10").status_code == 200
