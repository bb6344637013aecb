"""No credential or negotiation header, however odd, makes a page or the API answer 5xx.

The schema fuzzer sends each persona's real token; here the headers
themselves are generated: token headers, session and CSRF cookies,
Accept, Accept-Language and Content-Type, with NUL bytes, non-Latin
characters and lengths no generator of ours produces. PostgreSQL refuses NUL
in a query, so a lookup of any of them would surface there as a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import World
from tests.fuzz.conftest import SENT, assert_error_shape

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# What a WSGI server hands Django: header bytes (UTF-8 here) read as Latin-1 (PEP 3333).
_odd = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\x00", ";", ",", "=", " ", "*", "\u202e"]), max_size=60
).map(lambda text: text.encode().decode("latin-1"))
_token = st.one_of(
    _odd,
    st.text("0123456789abcdefABCDEF\x00", min_size=38, max_size=42),
    st.sampled_from(["Token", "Bearer", "Basic", "token", "Token Token"]).flatmap(lambda s: _odd.map(f"{s} ".__add__)),
)
_paths = st.sampled_from(
    [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/vacancies/"),
        ("post", "/api/v1/auth/token"),
        ("post", "/api/v1/auth/token/revoke"),
        ("post", "/api/v1/inbox/read-all"),
        ("get", "/"),
        ("get", "/accounts/login/"),
        ("post", "/accounts/login/"),
    ]
)


@settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=False,
)
@given(
    route=_paths,
    authorization=st.none() | _token,
    session=st.none() | _odd | st.text("abcdefghijklmnopqrstuvwxyz0123456789\x00", min_size=30, max_size=34),
    csrf=st.none() | _odd,
    accept=st.none() | _odd | st.sampled_from(["application/json; q=abc", "*/*;q=0.5, text/csv", "application/xml"]),
    language=st.none() | _odd,
    content_type=st.sampled_from(
        ["application/json", "multipart/form-data", "text/plain", "application/json; charset=x"]
    ),
)
def test_it_never_answers_5xx_to_odd_credentials_or_headers(
    world: World,
    route: tuple[str, str],
    authorization: str | None,
    session: str | None,
    csrf: str | None,
    accept: str | None,
    language: str | None,
    content_type: str,
) -> None:
    method, path = route
    client = Client(raise_request_exception=False)
    if session is not None:
        client.cookies["sessionid"] = session
    if csrf is not None:
        client.cookies["csrftoken"] = csrf
    headers: dict[str, Any] = {
        name: value
        for name, value in (
            ("HTTP_AUTHORIZATION", authorization),
            ("HTTP_ACCEPT", accept),
            ("HTTP_ACCEPT_LANGUAGE", language),
        )
        if value is not None
    }
    with transaction.atomic():
        if method == "get":
            response = client.get(path, **headers)
        else:
            body = b'{"email": "x@example.org", "password": "x"}'
            response = client.generic("POST", path, body, content_type=content_type, **headers)
        transaction.set_rollback(True)
    SENT["credentials", "anon"] += 1
    assert response.status_code < 500, (method, path, headers, session, response.status_code)
    if path.startswith("/api/") and 400 <= response.status_code < 500 and response.status_code != 406:
        assert_error_shape(response.status_code, response.json())
