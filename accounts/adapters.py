"""django-allauth adapter: everyone who signs up is a volunteer."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from config.client_address import client_address


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Managers are invited by staff, never self-registered.
        user.role = "volunteer"
        return super().save_user(request, user, form, commit=commit)

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's per-address limits (failed log-ins, sign-ups) count the same client as the API's throttles.
        return client_address(request)
