"""API authentication: a token that cannot be ours is refused before it reaches the database.

PostgreSQL refuses a NUL byte in a text parameter with an error, so a token
header carrying one answered 500. A key outside the alphabet DRF's generator
uses is simply not a key: it answers 401 like any unknown token.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework import authentication, exceptions

# DRF's tokens are 20 random bytes in hex.
_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; a key that is not 40 hex digits is an invalid token, not a query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not _TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
