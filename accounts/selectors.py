"""Reads about accounts."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress


def user_email_verified(*, user: Any, email: str) -> bool:
    """Whether ``user`` has proved they control ``email`` (allauth confirmation or an invitation)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
