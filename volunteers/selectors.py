"""Reads of volunteer profiles, scoped to who is asking."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.cache import cache
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


SKILLS_IN_USE_CACHE_SECONDS = 600


def skills_in_use(*, limit: int = 2000) -> list[str]:
    """The skills most often written on profiles, most common first (cached for ten minutes).

    Spelling is kept as the most common way people wrote each skill.
    """
    cached = cache.get("volunteers:skills_in_use")
    if cached is not None:
        return list(cached)
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    rows = Volunteer.objects.filter(erased_at__isnull=True).values_list("skills", flat=True)
    for skills in rows.iterator(chunk_size=2000):
        for skill in skills or []:
            if isinstance(skill, str) and skill.strip():
                key = skill.strip().casefold()
                counts[key] += 1
                spelling.setdefault(key, Counter())[skill.strip()] += 1
    result = [spelling[key].most_common(1)[0][0] for key, _ in counts.most_common(limit)]
    cache.set("volunteers:skills_in_use", result, SKILLS_IN_USE_CACHE_SECONDS)
    return result
