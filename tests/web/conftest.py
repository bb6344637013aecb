"""The pages' personas: a volunteer with a profile, one without, another volunteer, a manager, anyone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from assignments.models import Vacancy
from matching.models import MatchResult
from tests.factories import ManagerFactory, UserFactory, VolunteerFactory
from volunteers.models import Volunteer


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "web"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://match.example.org"
    cache.clear()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def volunteer(db: None) -> Volunteer:
    return VolunteerFactory(full_name="Hodan Warsame")


@pytest.fixture
def hodan(volunteer: Volunteer) -> Client:
    """Hodan, a London midwife with a profile, signed in."""
    assert volunteer.user is not None
    return client_for(volunteer.user)


@pytest.fixture
def other_volunteer(db: None) -> Volunteer:
    return VolunteerFactory(full_name="Amina Yusuf")


@pytest.fixture
def newcomer(db: None) -> Client:
    """A volunteer who signed up and has no profile yet."""
    return client_for(UserFactory())


@pytest.fixture
def manager_client(db: None) -> Client:
    return client_for(ManagerFactory())


StoreMatch = Callable[..., MatchResult]


@pytest.fixture
def store_match(db: None) -> StoreMatch:
    """A stored match for a volunteer, as a ranking run leaves it."""

    def _store(volunteer: Volunteer, vacancy: Vacancy, score: float, **fields: Any) -> MatchResult:
        defaults = {
            "score": score,
            "parts": {"text": score},
            "reasons": [
                "midwifery: matches 'midwife'",
                "Somali: native",
                "12 years' experience (minimum 3)",
                "available for 80% of the assignment",
                "missing: EmONC",
            ],
            "matched_skills": [["midwifery", "midwife"], ["clinical teaching", "clinical teaching"]],
            "missing_skills": ["EmONC"],
            "engine_version": "test",
        }
        return MatchResult.objects.create(vacancy=vacancy, volunteer=volunteer, **(defaults | fields))

    return _store
