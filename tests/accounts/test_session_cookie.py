"""A session cookie that cannot be a session key is no session, on every page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cookie", ["abc\x00defghijk", "\x00" * 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "é" * 32])
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me"])
def test_it_treats_a_cookie_that_cannot_be_a_session_key_as_no_session(cookie: str, path: str) -> None:
    # Looked up, a NUL byte made PostgreSQL refuse the query: every such page answered 500.
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = cookie
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code in {200, 401}
    assert not [query for query in queries if "django_session" in query["sql"]]


def test_it_keeps_a_real_session_working(db: None) -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/api/v1/me").status_code == 200
