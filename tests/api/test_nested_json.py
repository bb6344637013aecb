"""Deeply nested JSON is refused with a 400 in the error shape, long before Python's recursion limit."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from config.parsers import MAX_JSON_DEPTH
from tests.api.conftest import World, client_for

pytestmark = pytest.mark.django_db


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _assert_nested_refused(response: object) -> None:
    assert response.status_code == 400, response.content[:300]  # type: ignore[attr-defined]
    errors = response.json()["errors"]  # type: ignore[attr-defined]
    assert errors == {"non_field_errors": [f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep"]}


def test_it_refuses_a_deeply_nested_body_on_the_unauthenticated_token_endpoint() -> None:
    response = APIClient().post("/api/v1/auth/token", _nested(3000), content_type="application/json")
    _assert_nested_refused(response)


@pytest.mark.parametrize("path", ["/api/v1/profile", "/api/v1/me", "/api/v1/alerts/preferences"])
def test_it_refuses_a_deeply_nested_body_on_every_json_endpoint(world: World, path: str) -> None:
    client = client_for(world.volunteer_user)
    response = client.patch(path, '{"skills": ' + _nested(3000) + "}", content_type="application/json")
    _assert_nested_refused(response)


def test_it_refuses_depth_just_past_the_limit_and_accepts_the_limit(world: World) -> None:
    client = client_for(world.volunteer_user)
    too_deep = client.patch("/api/v1/me", _nested(MAX_JSON_DEPTH + 1), content_type="application/json")
    at_limit = client.patch("/api/v1/me", _nested(MAX_JSON_DEPTH), content_type="application/json")
    _assert_nested_refused(too_deep)
    # A list body is not nested too deeply; it is merely the wrong shape (400 naming why, not depth).
    assert at_limit.status_code == 400
    assert "nested" not in at_limit.content.decode()


def test_the_limit_is_far_below_the_interpreters() -> None:
    import sys

    assert MAX_JSON_DEPTH <= 64 < sys.getrecursionlimit() // 10
