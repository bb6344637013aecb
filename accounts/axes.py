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


def axes_lockout_parameters(request: Any, credentials: dict[str, Any] | None = None) -> list[str | list[str]]:
    """Lock an account by its address alone, whatever the client's address.

    Per account and address, every new client address bought another
    AXES_FAILURE_LIMIT guesses. Guessing from one address across many accounts
    (which axes' "ip_address" parameter would catch, but at the same low limit
    that would lock a whole office behind one NAT) is refused by
    config.throttles.LoginFailureRateThrottle with a limit of its own; so axes'
    W006 warning (no "ip_address" here) does not apply, and a callable is how
    axes takes a setting it does not check.
    """
    return ["username"]
