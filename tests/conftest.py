"""Project-wide fixtures: the personas every permission test is written around."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # Hashing cost is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _outbox_relayed_by_tests(settings: pytest.FixtureRequest) -> None:
    # Unit tests look at the outbox rows themselves and relay explicitly; only
    # the integration tests (tests/integration) publish to a real broker.
    settings.OUTBOX_RELAY_ON_COMMIT = False


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Each test starts from an empty default cache: what one test cached (a
    # report, a throttle count) must not answer for the next.
    from django.conf import settings

    if not settings.configured:  # the engine's tests may run without Django (-p no:django)
        return
    from django.core.cache import cache

    cache.clear()
