"""Database sessions that never look up a cookie which cannot be a session key.

PostgreSQL refuses a NUL byte in a text parameter with an error, so a session
cookie carrying one answered 500 on every page that reads the session. Django
only checks a key's length; a key outside the alphabet its generator uses
(32 of a-z and 0-9) is no session: the request goes on as anonymous.
Selected with SESSION_ENGINE = "config.sessions".
"""

from __future__ import annotations

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key and _SESSION_KEY.fullmatch(key))
