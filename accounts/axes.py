"""How django-axes names the account a login attempt is for, and which addresses its lock leaves open."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from config.client_address import client_address


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


def _known_address_key(email: str, address: str) -> str:
    # Hashed: the cache holds no address or email in clear.
    return "login-known:" + hashlib.sha256(f"{email.strip().lower()}\n{address}".encode()).hexdigest()


def login_address_remember(request: Any, *, email: str) -> None:
    """The owner of ``email`` just logged in from this client address: a lock-out will not shut them out of it."""
    address = client_address(request)
    if address:
        ttl = settings.LOGIN_KNOWN_ADDRESS_DAYS * 86400
        caches["default"].set(_known_address_key(email, address), 1, timeout=ttl)


def axes_known_address(request: Any, credentials: dict[str, Any] | None = None) -> bool:
    """Whether this log-in comes from an address the account's owner logged in from lately.

    Anyone who knows an address could lock its account for the cool-off by
    failing on purpose. A lock (and the failures that lead to it) therefore
    applies only to other addresses: the owner keeps logging in from where
    they logged in before (LOGIN_KNOWN_ADDRESS_DAYS). Guessing from such an
    address is still capped by the per-address failure limit
    (config.throttles.LoginFailureRateThrottle), which counts every failure.
    """
    email = axes_username(request, credentials)
    address = client_address(request)
    if not email or not address:
        return False
    return bool(caches["default"].get(_known_address_key(email, address)))
