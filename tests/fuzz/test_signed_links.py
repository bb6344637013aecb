"""No token in a signed link makes its page answer 5xx.

The pages behind alert emails (answer, unsubscribe) and invitation emails
work without a login, so anyone can put anything in their URL: random text
(odd Unicode, NUL, percent signs, colons the signer uses as separators),
real tokens with a character changed, cut short or extended, and real
payloads signed with the wrong salt. GET and POST, each page: a page that
says what happened (2xx, 3xx) or why not (4xx), never a 5xx.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.core import signing
from django.db import transaction
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tokens import invitation_token_generator
from alerts import links
from alerts.models import Alert, Channel
from tests.api.conftest import World
from tests.fuzz.conftest import SENT

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=False,
)

# A path segment of any characters but "/" (which would be another route, not another token).
_segment = st.text(
    st.characters(codec="utf-8", exclude_characters="/") | st.sampled_from([":", "%", "=", ".", "-", "_", "\x00"]),
    min_size=1,
    max_size=120,
)


@st.composite
def _tampered(draw: st.DrawFn, real: str) -> str:
    """A real token changed the ways a mail client or a person changes a link."""
    how = draw(st.sampled_from(["flip", "cut", "extend", "case"]))
    if how == "flip":
        at = draw(st.integers(0, len(real) - 1))
        return real[:at] + draw(st.characters(codec="utf-8", exclude_characters="/")) + real[at + 1 :]
    if how == "cut":
        return real[: draw(st.integers(1, len(real) - 1))]
    if how == "extend":
        return real + draw(_segment)
    return real.swapcase()


@pytest.fixture
def real_tokens(world: World) -> dict[str, str]:
    alert = Alert.objects.create(
        kind=Alert.Kind.MATCH,
        key=f"match:{world.vacancy.pk}",
        channel=Channel.EMAIL,
        volunteer=world.volunteer,
        vacancy=world.vacancy,
        score=0.8,
    )
    invited = world.other_volunteer_user
    return {
        "answer": links.answer_token(alert_id=alert.pk, action="not_for_me"),
        "unsubscribe": links.unsubscribe_token(volunteer_id=world.volunteer.pk),
        # Real payloads under the other link's salt: signed by us, meant for something else.
        "answer_as_unsubscribe": signing.dumps({"v": world.volunteer.pk}, salt=links.ANSWER_SALT),
        "unsubscribe_as_answer": signing.dumps({"a": alert.pk, "do": "interested"}, salt=links.UNSUBSCRIBE_SALT),
        "uid": urlsafe_base64_encode(force_bytes(invited.pk)),
        "invitation": invitation_token_generator.make_token(invited),
    }


def _fetch(method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    # Rolled back after each request: an answer or unsubscribe that works does not change the next example.
    with transaction.atomic():
        response = getattr(Client(), method)(path, data or {})
        transaction.set_rollback(True)
    SENT["signed links", "anon"] += 1
    assert response.status_code < 500, (method, path, response.status_code)
    return response


def _token(draw: st.DrawFn, real_tokens: dict[str, str], *names: str) -> str:
    source = draw(st.sampled_from(["random", *names]))
    if source == "random":
        return draw(_segment)
    real = real_tokens[source]
    return draw(_tampered(real) | st.just(real))


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["get", "post"]), until=st.none() | _segment)
def test_it_never_answers_5xx_to_an_answer_link(
    real_tokens: dict[str, str], data: Any, method: str, until: Any
) -> None:
    token = _token(data.draw, real_tokens, "answer", "unsubscribe_as_answer", "unsubscribe")
    _fetch(method, f"/alerts/answer/{quote(token, safe='')}", {"until": until} if until else None)


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["get", "post"]))
def test_it_never_answers_5xx_to_an_unsubscribe_link(real_tokens: dict[str, str], data: Any, method: str) -> None:
    token = _token(data.draw, real_tokens, "unsubscribe", "answer_as_unsubscribe", "answer")
    _fetch(method, f"/alerts/unsubscribe/{quote(token, safe='')}")


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["get", "post"]), password=_segment)
def test_it_never_answers_5xx_to_an_invitation_link(
    real_tokens: dict[str, str], data: Any, method: str, password: str
) -> None:
    # Besides text and the real id: any integer (far past a bigint, negative) or bytes, encoded as the link does.
    encoded = st.integers().map(lambda n: str(n).encode()) | st.binary(min_size=1, max_size=24)
    uid = data.draw(encoded.map(urlsafe_base64_encode) | st.just(_token(data.draw, real_tokens, "uid")))
    token = _token(data.draw, real_tokens, "invitation")
    body = {"new_password1": password, "new_password2": password}
    _fetch(method, f"/accounts/invitation/{quote(uid, safe='')}/{quote(token, safe='')}/", body)
