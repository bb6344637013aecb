"""A cache outage (Redis down, a file cache that cannot be written) never answers 500 on log-in or writes.

Throttles let requests through with a logged warning; lock-outs move to the database, so guessing stays
bounded while the cache is away.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import caches
from rest_framework.test import APIClient

from accounts.models import User
from config.cache import caches_setting
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
RIGHT = "correct horse battery staple"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _user() -> User:
    user = UserFactory(email=f"{uuid.uuid4().hex}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _use_cache(settings: Any, backends: dict[str, dict[str, Any]], axes_handler: str) -> Iterator[None]:
    settings.AXES_HANDLER = axes_handler
    settings.CACHES = backends
    # axes builds its handler (and grabs its cache) once per process.
    AxesProxyHandler.get_implementation(force=True)
    yield
    for cache in caches.all(initialized_only=True):
        cache.close()
    AxesProxyHandler.implementation = None


@pytest.fixture(params=["redis-down", "file-cache-unwritable"])
def broken_cache(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[None]:
    if request.param == "redis-down":
        backends = caches_setting(redis_url=DEAD_REDIS, file_location="")
        axes_handler = "config.axes_handler.CacheOrDatabaseAxesHandler"  # as settings choose with Redis
    else:
        # Root ignores directory permissions, so the cache directory sits under a
        # plain file: every write fails as on a read-only volume (an OSError).
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("")
        backends = caches_setting(redis_url="", file_location=str(blocker / "c"))
        axes_handler = "axes.handlers.database.AxesDatabaseHandler"  # as settings choose without Redis
    yield from _use_cache(settings, backends, axes_handler)


@pytest.mark.usefixtures("broken_cache")
def test_it_still_gives_a_token_for_the_right_password_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    user = _user()
    with caplog.at_level(logging.WARNING):
        response = APIClient().post(TOKEN_URL, {"email": user.email, "password": RIGHT}, format="json")

    assert response.status_code == 200, response.content[:300]
    assert "token" in response.json()
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)


@pytest.mark.usefixtures("broken_cache")
def test_it_still_lands_writes() -> None:
    user = _user()
    response = client_for(user).patch("/api/v1/me", {"full_name": "Amina Yusuf"}, format="json")

    assert response.status_code == 200, response.content[:300]
    user.refresh_from_db()
    assert user.full_name == "Amina Yusuf"


@pytest.mark.usefixtures("broken_cache")
def test_it_still_signs_in_on_the_page() -> None:
    from django.test import Client

    user = _user()
    response = Client().post("/accounts/login/", {"login": user.email, "password": RIGHT})

    assert response.status_code == 302


@pytest.mark.usefixtures("broken_cache")
def test_it_still_locks_an_account_through_the_database(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    user = _user()
    guesses = [
        APIClient().post(TOKEN_URL, {"email": user.email, "password": "guess"}, format="json").status_code
        for _ in range(3)
    ]
    assert guesses == [400, 400, 429]  # the third locks the account

    locked = APIClient().post(TOKEN_URL, {"email": user.email, "password": RIGHT}, format="json")

    assert locked.status_code == 429
