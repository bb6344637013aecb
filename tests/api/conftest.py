"""The six personas of the API tests, and a small world they live in.

- volunteer: has a profile and applied to ``vacancy`` (programme ``programme``)
- other_volunteer: has a profile, applied to nothing
- manager: manages ``programme``
- other_manager: manages ``other_programme`` (which has its own vacancy)
- staff
- anon: no credentials at all
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_issue
from assignments.models import Application, ApplicationEvent, Programme, Vacancy
from tests.factories import (
    ManagerFactory,
    ProgrammeFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VolunteerFactory,
)
from volunteers.models import Volunteer

PASSWORD = "correct horse battery staple"  # the factories' password
PERSONAS = ("anon", "volunteer", "other_volunteer", "manager", "other_manager", "staff")


@dataclass
class World:
    volunteer_user: User
    other_volunteer_user: User
    manager: User
    other_manager: User
    staff: User
    volunteer: Volunteer
    other_volunteer: Volunteer
    programme: Programme
    other_programme: Programme
    vacancy: Vacancy
    draft_vacancy: Vacancy
    other_vacancy: Vacancy
    application: Application

    def user(self, persona: str) -> User | None:
        return {
            "anon": None,
            "volunteer": self.volunteer_user,
            "other_volunteer": self.other_volunteer_user,
            "manager": self.manager,
            "other_manager": self.other_manager,
            "staff": self.staff,
        }[persona]


@pytest.fixture(autouse=True)
def _isolated_cache(settings: pytest.FixtureRequest) -> None:
    # Throttle counters live in the cache; the development cache is a file
    # shared between runs, so every test starts from an empty one in memory.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    manager, other_manager = ManagerFactory(), ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    other_programme = ProgrammeFactory(managers=[other_manager])
    volunteer = VolunteerFactory()
    other_volunteer = VolunteerFactory()
    vacancy = VacancyFactory(programme=programme)
    application = Application.objects.create(vacancy=vacancy, volunteer=volunteer, motivation="I trained midwives.")
    ApplicationEvent.objects.create(application=application, to_status="interest", actor=volunteer.user)
    return World(
        volunteer_user=volunteer.user,
        other_volunteer_user=other_volunteer.user,
        manager=manager,
        other_manager=other_manager,
        staff=StaffFactory(),
        volunteer=volunteer,
        other_volunteer=other_volunteer,
        programme=programme,
        other_programme=other_programme,
        vacancy=vacancy,
        draft_vacancy=VacancyFactory(programme=programme, status=Vacancy.Status.DRAFT),
        other_vacancy=VacancyFactory(programme=other_programme),
        application=application,
    )


def client_for(user: User | None) -> APIClient:
    """A client that authenticates the way API clients do: with a token header."""
    client = APIClient()
    if user is not None:
        _, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def as_persona(world: World):  # type: ignore[no-untyped-def]
    def _client(persona: str) -> APIClient:
        return client_for(world.user(persona))

    return _client


@pytest.fixture
def volunteer_without_profile(db: None) -> User:
    return UserFactory()
