"""Reads of volunteer profiles, scoped to who is asking."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from accounts.models import User
from volunteers.models import Volunteer


def volunteer_get_own(*, user: User | AnonymousUser) -> Volunteer | None:
    """The signed-in user's own profile, or None when they have not created one."""
    if not isinstance(user, User):
        return None
    return Volunteer.objects.live().filter(user=user).first()


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
    rows = Volunteer.objects.live().values_list("skills", flat=True)
    for skills in rows.iterator(chunk_size=2000):
        for skill in skills or []:
            if isinstance(skill, str) and skill.strip():
                key = skill.strip().casefold()
                counts[key] += 1
                spelling.setdefault(key, Counter())[skill.strip()] += 1
    result = [spelling[key].most_common(1)[0][0] for key, _ in counts.most_common(limit)]
    cache.set("volunteers:skills_in_use", result, SKILLS_IN_USE_CACHE_SECONDS)
    return result
