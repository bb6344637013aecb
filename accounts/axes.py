"""How django-axes names the account a login attempt is for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The submitted email, lower-cased.

    Emails log in case-insensitively, so attempts on ``Ann@x.org`` and
    ``ann@x.org`` must count against one lockout, or changing the case would
    buy an attacker a fresh set of guesses.
    """
    value: Any = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if value is None:
        data: Any = getattr(request, "data", None) or request.POST
        value = data.get("email") or data.get("login")
    return value.strip().lower() if isinstance(value, str) else None
