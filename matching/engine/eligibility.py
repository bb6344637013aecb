"""The spec's hard rules, for one pair and vectorised over an index's columns."""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray

from core.vocabulary import EDUCATION_LEVELS, LANGUAGE_LEVELS
from matching.engine.types import Profile, ProgrammeRules, Vacancy

LANG_RANK: dict[str, int] = {name: i + 1 for i, name in enumerate(LANGUAGE_LEVELS)}
EDU_RANK: dict[str, int] = {name: i for i, name in enumerate(EDUCATION_LEVELS)}
EXPERIENCE_SLACK = 2  # the spec lets a volunteer be up to two years short
MIN_COVERAGE = 0.5

# Sentinels for the date columns (day ordinals): "no start" and "open ended".
NO_DATE = -1
OPEN_END = 10**7


def lang_rank(level: str) -> int:
    """Rank of a language level, 0 for "does not speak it" or an unknown level."""
    return LANG_RANK.get(level.strip().lower(), 0)


def edu_rank(level: str) -> int:
    """Rank of an education level; an unknown level counts as "none"."""
    return EDU_RANK.get(level.strip().lower(), 0)


def coverage(
    available_from: date | None,
    available_until: date | None,
    start: date | None,
    end: date | None,
    today: date,
) -> float | None:
    """Share of start..end the volunteer is available, or None when the rule does not apply."""
    if start is None or end is None or (available_from is None and available_until is None):
        return None
    span = (end - start).days
    if span <= 0:
        return 1.0
    lo = max(available_from or today, start)
    hi = min(available_until, end) if available_until is not None else end
    return max(0, (hi - lo).days) / span


def check_eligibility(
    profile: Profile,
    vacancy: Vacancy,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    *,
    today: date,
) -> list[str]:
    """Return the failed rule codes (`language:so`, `education`, ...); empty means eligible."""
    failed: list[str] = []
    held = {code.lower(): lang_rank(level) for code, level in profile.languages.items()}
    for code, level in sorted(vacancy.required_languages.items()):
        if held.get(code.lower(), 0) < lang_rank(level):
            failed.append(f"language:{code.lower()}")
    if edu_rank(profile.education) < edu_rank(vacancy.min_education):
        failed.append("education")
    if vacancy.on_site and not profile.on_site_ok:
        failed.append("on_site")
    cov = coverage(profile.available_from, profile.available_until, vacancy.start_date, vacancy.end_date, today)
    if cov is not None and cov < MIN_COVERAGE:
        failed.append("dates")
    if profile.years_experience < vacancy.min_years_experience - EXPERIENCE_SLACK:
        failed.append("experience")
    if (
        rules.residence_outside_duty_country
        and vacancy.country
        and profile.residence_country.upper() == vacancy.country.upper()
    ):
        failed.append("residence")
    return failed


def coverage_vector(
    avail_from: NDArray[np.int64],
    avail_until: NDArray[np.int64],
    has_dates: NDArray[np.bool_],
    vacancy: Vacancy,
    today: date,
) -> NDArray[np.float64]:
    """Vectorised `coverage`: 1.0 where the rule does not apply."""
    out = np.ones(len(avail_from), dtype=np.float64)
    if vacancy.start_date is None or vacancy.end_date is None:
        return out
    start, end = vacancy.start_date.toordinal(), vacancy.end_date.toordinal()
    span = end - start
    if span <= 0:
        return out
    lo = np.maximum(np.where(avail_from == NO_DATE, today.toordinal(), avail_from), start)
    hi = np.minimum(avail_until, end)
    cov = np.maximum(hi - lo, 0) / span
    return np.where(has_dates, cov, 1.0)
