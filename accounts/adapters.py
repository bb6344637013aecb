"""django-allauth adapter: everyone who signs up is a volunteer."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Managers are invited by staff, never self-registered.
        user.role = "volunteer"
        return super().save_user(request, user, form, commit=commit)
