"""Growable numpy columns holding the structured fields used by the hard rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.engine.eligibility import (
    EXPERIENCE_SLACK,
    MIN_COVERAGE,
    NO_DATE,
    OPEN_END,
    coverage_vector,
    edu_rank,
    lang_rank,
)
from matching.engine.types import Profile, ProgrammeRules, Vacancy


class Columns:
    """Structured profile fields as arrays, one slot per index row (amortised growth)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.cap = max(capacity, 16)
        self.education = np.zeros(self.cap, dtype=np.int8)
        self.years = np.zeros(self.cap, dtype=np.int16)
        self.on_site_ok = np.ones(self.cap, dtype=np.bool_)
        self.avail_from = np.full(self.cap, NO_DATE, dtype=np.int64)
        self.avail_until = np.full(self.cap, OPEN_END, dtype=np.int64)
        self.has_dates = np.zeros(self.cap, dtype=np.bool_)
        self.residence = np.zeros(self.cap, dtype=np.int32)
        self.alive = np.zeros(self.cap, dtype=np.bool_)
        self.languages: dict[str, NDArray[np.int8]] = {}
        self.countries: dict[str, int] = {"": 0}

    def _grow(self, need: int) -> None:
        if need <= self.cap:
            return
        new_cap = max(need, self.cap * 2)
        for name in (
            "education",
            "years",
            "on_site_ok",
            "avail_from",
            "avail_until",
            "has_dates",
            "residence",
            "alive",
        ):
            old = getattr(self, name)
            fill = {"on_site_ok": True, "avail_from": NO_DATE, "avail_until": OPEN_END}.get(name, 0)
            arr = np.full(new_cap, fill, dtype=old.dtype)
            arr[: self.cap] = old
            setattr(self, name, arr)
        for code, old in self.languages.items():
            arr = np.zeros(new_cap, dtype=np.int8)
            arr[: self.cap] = old
            self.languages[code] = arr
        self.cap = new_cap

    def country_code(self, country: str) -> int:
        """Small integer for an ISO country code (vectorised comparisons are on ints)."""
        key = country.strip().upper()
        return self.countries.setdefault(key, len(self.countries))

    def append(self, profile: Profile) -> int:
        """Write a profile into a new row; return the row number."""
        row = self.n
        self._grow(row + 1)
        self.n += 1
        self.set(row, profile)
        return row

    def set(self, row: int, profile: Profile) -> None:
        """Write a profile's fields into `row`."""
        self.education[row] = edu_rank(profile.education)
        self.years[row] = profile.years_experience
        self.on_site_ok[row] = profile.on_site_ok
        self.avail_from[row] = _ordinal(profile.available_from, NO_DATE)
        self.avail_until[row] = _ordinal(profile.available_until, OPEN_END)
        self.has_dates[row] = profile.available_from is not None or profile.available_until is not None
        self.residence[row] = self.country_code(profile.residence_country)
        self.alive[row] = True
        for arr in self.languages.values():
            arr[row] = 0
        for code, level in profile.languages.items():
            key = code.strip().lower()
            if key not in self.languages:
                self.languages[key] = np.zeros(self.cap, dtype=np.int8)
            self.languages[key][row] = lang_rank(level)

    def language(self, code: str) -> NDArray[np.int8]:
        """Level column of a language (zeros if nobody speaks it), trimmed to n rows."""
        arr = self.languages.get(code.strip().lower())
        if arr is None:
            return np.zeros(self.n, dtype=np.int8)
        return arr[: self.n]

    def language_rows(self, code: str, rows: NDArray[np.int64] | None) -> NDArray[np.int8]:
        """`language` restricted to some rows (all when rows is None)."""
        col = self.language(code)
        return col if rows is None else col[rows]


def _ordinal(day: date | None, missing: int) -> int:
    return day.toordinal() if day is not None else missing


def rule_failures(
    cols: Columns,
    vacancy: Vacancy,
    rules: ProgrammeRules,
    today: date,
    rows: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.bool_], list[tuple[str, NDArray[np.bool_]]], NDArray[np.float64]]:
    """Vectorised hard rules: (eligible mask, [(rule code, failing rows)], date coverage).

    With `rows`, the arrays are aligned with those rows; otherwise with every row.
    """
    n = cols.n

    def take(arr: NDArray[Any]) -> NDArray[Any]:
        return arr[:n] if rows is None else arr[rows]

    fails: list[tuple[str, NDArray[np.bool_]]] = []
    for code, level in sorted(vacancy.required_languages.items()):
        fails.append((f"language:{code.strip().lower()}", cols.language_rows(code, rows) < lang_rank(level)))
    need_edu = edu_rank(vacancy.min_education)
    if need_edu > 0:
        fails.append(("education", take(cols.education) < need_edu))
    if vacancy.on_site:
        fails.append(("on_site", ~take(cols.on_site_ok)))
    cov = coverage_vector(take(cols.avail_from), take(cols.avail_until), take(cols.has_dates), vacancy, today)
    fails.append(("dates", cov < MIN_COVERAGE))
    min_years = vacancy.min_years_experience - EXPERIENCE_SLACK
    if min_years > 0:
        fails.append(("experience", take(cols.years) < min_years))
    if rules.residence_outside_duty_country and vacancy.country:
        country = cols.countries.get(vacancy.country.strip().upper(), -1)
        fails.append(("residence", take(cols.residence) == country))
    ok = take(cols.alive).copy()
    for _, bad in fails:
        ok &= ~bad
    return ok, fails, cov
