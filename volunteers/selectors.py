"""Reads of volunteer profiles, scoped to who is asking."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from volunteers.models import Volunteer


def volunteer_get_own(*, user: User | AnonymousUser) -> Volunteer | None:
    """The signed-in user's own profile, or None when they have not created one."""
    if not isinstance(user, User):
        return None
    return Volunteer.objects.live().filter(user=user).first()
