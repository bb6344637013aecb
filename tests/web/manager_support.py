"""What the manager page tests share: a programme with its manager, an outsider, a ranked vacancy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from accounts.models import User
from assignments.models import Programme, Vacancy
from matching.models import MatchResult
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer


@dataclass
class World:
    manager: User
    outsider: User
    programme: Programme
    vacancy: Vacancy
    ranked: list[Volunteer]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def store(vacancy: Vacancy, volunteer: Volunteer, score: float, **extra: Any) -> MatchResult:
    """A stored shortlist row, as a ranking run leaves it."""
    defaults: dict[str, Any] = {
        "score": score,
        "parts": {"words": 0.3, "skills": 0.5, "experience": 1.0},
        "reasons": [f"midwifery: matches '{vacancy.title}'", "12 years of experience (3 asked)"],
        "matched_skills": [["midwifery", "midwife"]],
        "missing_skills": ["EmONC"],
        "engine_version": "test",
    }
    return MatchResult.objects.create(vacancy=vacancy, volunteer=volunteer, **(defaults | extra))


def world(*, candidates: int = 3) -> World:
    manager = ManagerFactory(email="amina@programme.org")
    outsider = ManagerFactory(email="other@programme.org")
    ProgrammeFactory(managers=[outsider], name="Another programme")
    programme = ProgrammeFactory(managers=[manager], name="MIDA Somalia")
    vacancy = VacancyFactory(programme=programme, title="Clinical Midwifery Tutor", positions=1)
    ranked = [
        VolunteerFactory(full_name=f"Hodan Ali {i}", headline=f"Midwife {i}", email=f"hodan{i}@example.org")
        for i in range(candidates)
    ]
    for i, volunteer in enumerate(ranked):
        store(vacancy, volunteer, 0.9 - i / 10)
    return World(manager=manager, outsider=outsider, programme=programme, vacancy=vacancy, ranked=ranked)
