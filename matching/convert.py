"""ORM rows to the engine's plain values, and back to the format's ids."""

from __future__ import annotations

from typing import Any

from assignments.models import Programme, Vacancy
from matching.engine.types import Profile, ProgrammeRules
from matching.engine.types import Vacancy as EngineVacancy
from volunteers.models import Volunteer

# Only these columns feed the engine; loading 100,000 profiles reads nothing else.
PROFILE_FIELDS = (
    "id",
    "headline",
    "summary",
    "skills",
    "languages",
    "education",
    "years_experience",
    "residence_country",
    "heritage_countries",
    "available_from",
    "available_until",
    "on_site_ok",
)


def profile_from_row(row: dict[str, Any]) -> Profile:
    """Build an engine Profile from a `values(*PROFILE_FIELDS)` row."""
    return Profile(
        id=str(row["id"]),
        headline=row["headline"] or "",
        summary=row["summary"] or "",
        skills=tuple(row["skills"] or ()),
        languages=dict(row["languages"] or {}),
        education=row["education"] or "none",
        years_experience=row["years_experience"] or 0,
        residence_country=row["residence_country"] or "",
        heritage_countries=tuple(row["heritage_countries"] or ()),
        available_from=row["available_from"],
        available_until=row["available_until"],
        on_site_ok=row["on_site_ok"],
    )


def profile_from_volunteer(volunteer: Volunteer) -> Profile:
    return profile_from_row({name: getattr(volunteer, name) for name in PROFILE_FIELDS})


def vacancy_to_engine(vacancy: Vacancy) -> EngineVacancy:
    """The engine's view of a vacancy (host institution must be select_related)."""
    return EngineVacancy(
        id=str(vacancy.pk),
        title=vacancy.title,
        description=vacancy.description,
        sector=vacancy.sector,
        country=vacancy.country,
        host_institution=vacancy.host_institution.name,
        location=vacancy.location,
        required_skills=tuple(vacancy.required_skills or ()),
        preferred_skills=tuple(vacancy.preferred_skills or ()),
        required_languages=dict(vacancy.required_languages or {}),
        min_education=vacancy.min_education,
        min_years_experience=vacancy.min_years_experience,
        start_date=vacancy.start_date,
        end_date=vacancy.end_date,
        on_site=vacancy.on_site,
    )


def rules_for_programme(programme: Programme) -> ProgrammeRules:
    return ProgrammeRules(residence_outside_duty_country=programme.rule_residence_outside_duty_country)
