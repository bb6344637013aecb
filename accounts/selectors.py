"""Reads about accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request

from accounts.models import ApiToken, User


def user_email_verified(*, user: User, email: str) -> bool:
    """Whether ``user`` has proved they control ``email`` (allauth confirmation or an invitation)."""
    return bool(EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists())


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user, typed as our User; PermissionDenied for an anonymous visitor.

    Views behind a log-in check call it where a service wants a ``User``, so
    services never need to handle ``AnonymousUser``.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("sign in first")
    return user


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """``user``'s live API tokens, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created", "-pk")
