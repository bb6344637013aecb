"""Nobody can lock an owner out by failing on purpose: a lock leaves open the addresses the owner logged in from."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.accounts.test_client_address import RIGHT, _token, _user

pytestmark = pytest.mark.django_db

HOME = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "known"}}
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1000
    cache.clear()


def test_the_owner_still_logs_in_from_home_while_others_lock_the_account(settings: Any) -> None:
    user = _user()
    assert _token(user, RIGHT, remote=HOME).status_code == 200
    for n in range(6):
        _token(user, "wrong guess", remote=f"198.51.100.{n}")

    assert _token(user, RIGHT, remote="192.0.2.200").status_code == 429
    assert _token(user, RIGHT, remote=HOME).status_code == 200


def test_an_address_known_for_one_account_opens_no_other(settings: Any) -> None:
    owner, other = _user(), _user()
    assert _token(owner, RIGHT, remote=HOME).status_code == 200
    for n in range(6):
        _token(other, "wrong guess", remote=f"198.51.100.{n}")

    assert _token(other, RIGHT, remote=HOME).status_code == 429


def test_an_account_never_logged_into_locks_everywhere(settings: Any) -> None:
    user = _user()
    for n in range(6):
        _token(user, "wrong guess", remote=f"198.51.100.{n}")

    assert _token(user, RIGHT, remote=HOME).status_code == 429


def test_a_page_log_in_makes_the_address_known(settings: Any) -> None:
    user = _user()
    page = Client(REMOTE_ADDR=HOME).post("/accounts/login/", {"login": user.email, "password": RIGHT})
    assert page.status_code == 302
    for n in range(6):
        _token(user, "wrong guess", remote=f"198.51.100.{n}")

    assert _token(user, RIGHT, remote=HOME).status_code == 200


def test_guessing_from_a_known_address_is_still_capped_per_address(settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    user = _user()
    assert _token(user, RIGHT, remote=HOME).status_code == 200

    statuses = [_token(user, "wrong guess", remote=HOME).status_code for _ in range(5)]

    assert statuses[-1] == 429
