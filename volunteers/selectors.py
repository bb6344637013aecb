"""Reads of volunteer profiles, scoped to who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from assignments.models import Application
from config.permissions import user_is_manager, user_is_staff
from volunteers.models import Volunteer


def volunteer_get_own(*, user: Any) -> Volunteer | None:
    """The signed-in user's own profile, or None when they have not created one."""
    if not user or not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user, erased_at__isnull=True).first()


def volunteers_visible_to(*, user: Any) -> QuerySet[Volunteer]:
    """Profiles a user may look at.

    Staff see every profile. A manager sees only the people who applied to a
    vacancy of one of their programmes: someone who never came forward for
    that programme is not that manager's business. Everyone else sees none.
    """
    profiles = Volunteer.objects.filter(erased_at__isnull=True)
    if user_is_staff(user):
        return profiles
    if user_is_manager(user):
        # A subquery rather than a join, so a person with two applications is listed once.
        applicants = Application.objects.filter(vacancy__programme__managers=user).values("volunteer_id")
        return profiles.filter(pk__in=applicants)
    return profiles.none()
