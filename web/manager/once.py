"""A form sent twice (a double click, a resent POST after a reload) acts once.

Each form carries a token made when the page was drawn. The first POST with it
claims the token in the cache (an atomic add) and, once done, stores where it
led; a second POST with the same token is sent there instead of acting again.
"""

from __future__ import annotations

import re
import uuid

from django.core.cache import cache

FIELD = "form_token"
_TOKEN = re.compile(r"[0-9a-f]{32}")
_TTL = 6 * 3600
_IN_PROGRESS = "-"


def new_token() -> str:
    return uuid.uuid4().hex


def _key(user_id: int, token: str) -> str:
    return f"web:form-once:{user_id}:{token}"


def claim(*, user_id: int, token: str) -> tuple[bool, str | None]:
    """(True, None) for the first use of a token; (False, where the first led, if done) after that.

    A missing or malformed token is never a duplicate: the form acts as it would without one.
    """
    if not _TOKEN.fullmatch(token or ""):
        return True, None
    if cache.add(_key(user_id, token), _IN_PROGRESS, _TTL):
        return True, None
    done = cache.get(_key(user_id, token))
    return False, None if done in (None, _IN_PROGRESS) else str(done)


def release(*, user_id: int, token: str) -> None:
    """The first use failed (errors shown on the form): the same token may be sent again."""
    if _TOKEN.fullmatch(token or ""):
        cache.delete(_key(user_id, token))


def done(*, user_id: int, token: str, url: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        cache.set(_key(user_id, token), url, _TTL)
