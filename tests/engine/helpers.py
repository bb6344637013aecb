"""Small builders for engine tests."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from matching.engine import Profile, Vacancy

TODAY = date(2026, 11, 30)


def profile(pid: str = "P-1", **kw: Any) -> Profile:
    base: dict[str, Any] = {
        "headline": "Public procurement specialist",
        "summary": "Ten years running tenders and bid evaluation for a revenue authority.",
        "skills": ("public procurement", "bid evaluation"),
        "languages": {"so": "native", "en": "fluent"},
        "education": "master",
        "years_experience": 10,
        "residence_country": "GB",
    }
    base.update(kw)
    return Profile(id=pid, **base)


def vacancy(vid: str = "A-1", **kw: Any) -> Vacancy:
    base: dict[str, Any] = {
        "title": "Public Procurement Specialist",
        "description": "Support the procurement unit with tender documents, bid evaluation and contract management.",
        "sector": "Public finance",
        "country": "SO",
        "required_skills": ("public procurement", "bid evaluation"),
        "preferred_skills": ("contract management",),
        "required_languages": {"so": "professional", "en": "professional"},
        "min_education": "bachelor",
        "min_years_experience": 5,
        "start_date": date(2027, 3, 1),
        "end_date": date(2027, 9, 1),
    }
    base.update(kw)
    return Vacancy(id=vid, **base)


def replace(p: Profile, **kw: Any) -> Profile:
    return dataclasses.replace(p, **kw)


# Phrases random rosters are drawn from: several professions sharing words ("audit",
# "review", "network"), a few other languages, so every kind of evidence occurs.
PHRASES = (
    "financial audit",
    "clinical audit",
    "IT audit",
    "ISSAI",
    "audit reports",
    "public procurement",
    "bid evaluation",
    "contract management",
    "iibsiga dowladda",
    "midwifery",
    "labour ward",
    "OSCE",
    "nursing",
    "code review",
    "textbook review",
    "network engineering",
    "network marketing",
    "bridge design",
    "structural engineering",
    "teacher training",
    "special needs education",
    "microfinance",
    "flood risk modelling",
    "court interpreting",
    "hospital pharmacy",
    "PFM",
    "MTEF",
    "HMIS",
    "monitoring and evaluation",
    "project management",
)
TITLES = (
    "Financial auditor",
    "Midwifery tutor",
    "Procurement specialist",
    "Network engineer",
    "Hospital pharmacist",
    "Bridge engineer",
    "Special needs teacher",
    "Court interpreter",
    "Khabiir iibsiga dowladda",
    "Project manager",
)


def random_profiles(seed: int, n: int, prefix: str = "R") -> list[Profile]:
    """A seeded random roster over PHRASES and TITLES (varied dates, languages, experience)."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = date(2027, 1, 1) + timedelta(days=rng.randint(-60, 200)) if rng.random() < 0.6 else None
        out.append(
            Profile(
                id=f"{prefix}-{i}",
                headline=rng.choice(TITLES),
                summary=" and ".join(rng.sample(PHRASES, rng.randint(1, 5))) + ", for ministries and hospitals.",
                skills=tuple(rng.sample(PHRASES, rng.randint(0, 6))),
                languages={"so": rng.choice(("basic", "professional", "native")), "en": "fluent"},
                education=rng.choice(("diploma", "bachelor", "master")),
                years_experience=rng.randint(0, 20),
                residence_country=rng.choice(("GB", "SE", "KE", "SO")),
                available_from=start,
                available_until=start + timedelta(days=rng.randint(60, 500)) if start and rng.random() < 0.7 else None,
                on_site_ok=rng.random() < 0.9,
            )
        )
    return out


def random_vacancies(seed: int, n: int) -> list[Vacancy]:
    """Seeded random vacancies over the same phrases as `random_profiles`."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = date(2027, 2, 1) + timedelta(days=rng.randint(0, 120))
        skills = rng.sample(PHRASES, 4)
        out.append(
            vacancy(
                f"V-{i}",
                title=rng.choice(TITLES),
                description="Support the unit with " + ", ".join(rng.sample(PHRASES, 3)) + ".",
                required_skills=tuple(skills[:2]),
                preferred_skills=tuple(skills[2:]),
                required_languages={"so": "professional"} if rng.random() < 0.5 else {},
                min_education=rng.choice(("none", "bachelor")),
                min_years_experience=rng.randint(0, 6),
                start_date=start,
                end_date=start + timedelta(days=rng.randint(90, 300)),
                on_site=rng.random() < 0.5,
            )
        )
    return out
