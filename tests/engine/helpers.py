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
