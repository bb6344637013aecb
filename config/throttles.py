"""Rate limits: "auth" on credential endpoints, "write" on every unsafe request.

Rates are read from settings at request time (DRF reads them once at import),
so a deployment or a test can change them without a restart. Counters live in
the default cache, which is shared by every web process.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit, get_lockout_message
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from config.client_address import client_address


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None

    def get_ident(self, request: Request) -> str:
        # DRF's own trusts X-Forwarded-For from anyone; ours only from TRUSTED_PROXIES.
        return client_address(request)

    def _ident(self, request: Request) -> str:
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"


class AuthRateThrottle(_SettingsRateThrottle):
    """Per client address, every request: guessing passwords costs time."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteRateThrottle(_SettingsRateThrottle):
    """Per user (or address when anonymous), counting only POST/PUT/PATCH/DELETE."""

    scope = "write"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self._ident(request)}


def _address_failures_key(address: str) -> str:
    return f"login-failures:address:{address}"


def login_failure_record(request: HttpRequest) -> None:
    """Count a failed log-in against the client's address, whichever account it tried."""
    key = _address_failures_key(client_address(request))
    window = settings.LOGIN_ADDRESS_FAILURE_WINDOW
    if not cache.add(key, 1, timeout=window):
        cache.incr(key)


class LoginFailureRateThrottle(BaseThrottle):
    """Refuse log-ins from an address with LOGIN_ADDRESS_FAILURE_LIMIT failures in the window, on any accounts.

    django-axes locks one account after a few failures; this stops one
    address trying a common password against many accounts (password
    spraying), without locking those accounts for their owners elsewhere.
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        failures = cache.get(_address_failures_key(client_address(request)), 0)
        return int(failures) < settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def wait(self) -> float:
        return float(settings.LOGIN_ADDRESS_FAILURE_WINDOW)


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes lockout: the API's error shape on /api/, axes' template or text elsewhere; Retry-After on both."""
    cool_off = get_cool_off(request)
    retry_after = str(int(cool_off.total_seconds())) if cool_off else None
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"errors": {"non_field_errors": ["Too many failed log-in attempts; try again later."]}},
            status=status,
        )
    elif settings.AXES_LOCKOUT_TEMPLATE:
        # The sign-in pages keep axes' own behaviour: the lockout template.
        context = {"failure_limit": get_failure_limit(request, credentials), "cooloff_timedelta": cool_off}
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
    else:
        response = HttpResponse(get_lockout_message(), status=status)
    if retry_after:
        response["Retry-After"] = retry_after
    return response
