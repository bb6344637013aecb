"""Fuzzing fixtures: the API world of tests/api, throttles out of the way, requests sent in-process.

Each generated request runs inside a savepoint that is rolled back, so every
example starts from the same world and a failure replays exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections

from alerts.models import InboxMessage
from tests.api.conftest import World, world  # noqa: F401 - the API tests' personas and world, reused

# Requests sent, by test and persona: printed at the end of the run, so a
# report of what was fuzzed is measured, not estimated.
SENT: Counter[tuple[str, str]] = Counter()

# Generous enough that no fuzzing run reaches them; the throttles themselves are tested in tests/api.
UNTHROTTLED = {"auth": "1000000/min", "write": "1000000/min", "anon": "1000000/min"}


@pytest.fixture(autouse=True)
def _unthrottled(settings: Any) -> None:
    # Throttle counters live in the cache; a fresh in-memory one per test, and
    # rates read at request time (config/throttles.py) high enough never to answer 429.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED}
    cache.clear()


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Keep the test's database connection open across requests sent straight to the WSGI handler.

    Django's handler closes a connection that is inside a transaction when a
    request starts and when it finishes, which would end the test's own
    transaction (on PostgreSQL; SQLite's in-memory test database ignores it);
    its test client disconnects the same signals.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def assert_error_shape(status: int, body: Any) -> None:
    """A 4xx body: ``{"errors": {field: [reason, ...]}}``, possibly beside other keys (an import report)."""
    assert isinstance(body, dict), f"{status} body is not an object: {body!r}"
    errors = body.get("errors")
    assert isinstance(errors, dict), f"{status} body has no errors object: {body!r}"
    assert errors, f"{status} body names no error: {body!r}"
    for name, reasons in errors.items():
        assert isinstance(reasons, list), f"errors[{name!r}] is not a list of reasons: {reasons!r}"
        assert reasons, f"errors[{name!r}] is empty"
        assert all(isinstance(reason, str) for reason in reasons), f"errors[{name!r}] holds a non-string: {reasons!r}"


@pytest.fixture
def inbox_message(world: World) -> InboxMessage:  # noqa: F811 - the imported fixture, used by name
    return InboxMessage.objects.create(user=world.volunteer_user, title="A vacancy matches your profile")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SENT:
        return
    terminalreporter.section("fuzz: requests sent")
    for test in sorted({test for test, _ in SENT}):
        by_persona = ", ".join(f"{persona} {n}" for (t, persona), n in sorted(SENT.items()) if t == test)
        terminalreporter.write_line(f"{test}: {sum(n for (t, _), n in SENT.items() if t == test)} ({by_persona})")
