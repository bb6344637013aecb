"""Who may do what on the API: role checks shared by every app's views.

Role checks answer 403 ("you may never do this"). Whether a *particular*
object is yours is decided by the selectors, which scope each queryset to the
user: an object outside it answers 404, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


def user_is_staff(user: Any) -> bool:
    """Staff see and do everything: Django staff or the staff role."""
    return bool(user and user.is_authenticated and user.is_staff_member)


def user_is_manager(user: Any) -> bool:
    """A programme manager (who is not also staff)."""
    return bool(user and user.is_authenticated and user.is_manager and not user_is_staff(user))


def user_is_volunteer(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_volunteer and not user_is_staff(user))


class IsVolunteer(BasePermission):
    """Only volunteers (their own profile, interest, withdrawal)."""

    message = "Only volunteers can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_volunteer(request.user)


class IsManagerOrStaff(BasePermission):
    """Programme managers and staff."""

    message = "Only programme managers and staff can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_manager(request.user) or user_is_staff(request.user)


class IsStaff(BasePermission):
    message = "Only staff can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_staff(request.user)


class ReadAnyWriteManagerOrStaff(BasePermission):
    """Any signed-in user may read (the queryset decides what); only managers and staff write."""

    message = "Only programme managers and staff can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return user_is_manager(request.user) or user_is_staff(request.user)
