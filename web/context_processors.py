"""What every page's layout needs: who is looking (for the nav) and the page direction."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import User
from alerts.selectors import inbox_unread_count
from config.permissions import user_is_manager, user_is_staff


def user_role(user: Any) -> str:
    """The nav a user sees: "anonymous", "volunteer", "manager" or "staff"."""
    if not user or not user.is_authenticated:
        return "anonymous"
    if user_is_staff(user):
        return "staff"
    if user_is_manager(user):
        return "manager"
    return "volunteer"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = user_role(user)
    unread = inbox_unread_count(user=user) if isinstance(user, User) else 0
    return {"nav_role": role, "inbox_unread": unread}
