"""API authentication: ``Authorization: Token <key>`` with accounts' own tokens (expiring, password-bound).

A key outside the alphabet our keys use (a NUL byte answered 500 on
PostgreSQL when looked up) is refused before any query.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.services import ApiTokenRefused, api_token_authenticate

_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing; the key is checked against accounts.ApiToken (expiry, password, active user)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not _TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        try:
            return api_token_authenticate(key=key)
        except ApiTokenRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "accounts.api.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1  # over drf-spectacular's own scheme for DRF's TokenAuthentication, which matches subclasses

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Send "Token <key>" with a key from POST /api/v1/auth/token. A key expires (its answer says when; '
                "API_TOKEN_TTL_DAYS, 30 by default) and stops working at once when the password is changed or "
                "reset, when the account is erased, or when its owner revokes it (DELETE /api/v1/auth/tokens/{id}). "
                "An expired or revoked key answers 401."
            ),
        }
