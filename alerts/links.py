"""Signed links that work without logging in: answers to an alert and one-click unsubscribe.

Django's signing (HMAC with SECRET_KEY, a salt per purpose, a timestamp checked
against a max age); nothing hand-rolled. A token names only ids and the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

ANSWER_SALT = "alerts.answer"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
ANSWERS = ("interested", "not_for_me", "unavailable")


class LinkInvalid(Exception):
    """Tampered with or not a token at all: answered 400."""


class LinkExpired(Exception):
    """Genuine but too old: answered 410."""


@dataclass(frozen=True)
class AnswerLink:
    alert_id: int
    action: str


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


_ROUTES: dict[tuple[str, object, str], tuple[str, str]] = {}


def _path(name: str, token: str) -> str:
    """``reverse(name, args=[token])``, resolved once per route: a batch of alerts asks thousands of times."""
    key = (name, get_urlconf(), get_script_prefix())
    if key not in _ROUTES:
        marker = "TOKEN"
        before, _, after = reverse(name, args=[marker]).partition(marker)
        _ROUTES[key] = (before, after)
    before, after = _ROUTES[key]
    # Quoted as reverse() quotes an argument (a signed token needs none of it).
    return f"{before}{quote(token, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def answer_token(*, alert_id: int, action: str) -> str:
    if action not in ANSWERS:
        raise ValueError(f"unknown answer {action!r}")
    return signing.dumps({"a": alert_id, "do": action}, salt=ANSWER_SALT)


def answer_url(*, alert_id: int, action: str) -> str:
    """The absolute URL of the page that records ``action`` for an alert."""
    return _absolute(_path("alerts:answer", answer_token(alert_id=alert_id, action=action)))


def unsubscribe_token(*, volunteer_id: int) -> str:
    return signing.dumps({"v": volunteer_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, volunteer_id: int) -> str:
    """The absolute one-click unsubscribe URL for a volunteer (GET page, RFC 8058 POST)."""
    return _absolute(_path("alerts:unsubscribe", unsubscribe_token(volunteer_id=volunteer_id)))


def _load(token: str, *, salt: str, max_age: timedelta | None) -> dict[str, object]:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(str(exc)) from exc
    if not isinstance(data, dict):
        raise LinkInvalid("not a link of ours")
    return data


def answer_read(token: str) -> AnswerLink:
    """The alert and action a token names; LinkInvalid or LinkExpired otherwise."""
    data = _load(token, salt=ANSWER_SALT, max_age=timedelta(days=settings.ALERT_LINK_MAX_AGE_DAYS))
    alert_id, action = data.get("a"), data.get("do")
    if not isinstance(alert_id, int) or action not in ANSWERS:
        raise LinkInvalid("not a link of ours")
    return AnswerLink(alert_id=alert_id, action=str(action))


def unsubscribe_read(token: str) -> int:
    """The volunteer id an unsubscribe token names; LinkInvalid otherwise.

    It never expires: RFC 8058 one-click unsubscribe must work from any email
    the person still has, and all it can do is stop mail to them. (A 365-day
    limit answered 410 and kept mailing people who had asked to stop.)
    """
    data = _load(token, salt=UNSUBSCRIBE_SALT, max_age=None)
    volunteer_id = data.get("v")
    if not isinstance(volunteer_id, int):
        raise LinkInvalid("not a link of ours")
    return volunteer_id
