"""Reads of volunteer profiles, scoped to who is asking."""

from __future__ import annotations

from typing import Any

from volunteers.models import Volunteer


def volunteer_get_own(*, user: Any) -> Volunteer | None:
    """The signed-in user's own profile, or None when they have not created one."""
    if not user or not user.is_authenticated:
        return None
    return Volunteer.objects.live().filter(user=user).first()
