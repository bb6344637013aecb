"""Build engine types from roster-format records (dicts parsed from JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from matching.engine.types import Profile, Vacancy


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def profile_from_record(rec: Mapping[str, Any]) -> Profile:
    """A Profile from a volunteer record of roster-format.md (unknown fields ignored)."""
    return Profile(
        id=str(rec["external_id"]),
        headline=rec.get("headline") or "",
        summary=rec.get("summary") or "",
        skills=tuple(rec.get("skills") or ()),
        languages=dict(rec.get("languages") or {}),
        education=rec.get("education") or "none",
        years_experience=int(rec.get("years_experience") or 0),
        residence_country=rec.get("residence_country") or "",
        heritage_countries=tuple(rec.get("heritage_countries") or ()),
        available_from=_date(rec.get("available_from")),
        available_until=_date(rec.get("available_until")),
        on_site_ok=rec.get("on_site_ok", True) is not False,
    )


def vacancy_from_record(rec: Mapping[str, Any]) -> Vacancy:
    """A Vacancy from a vacancy record of roster-format.md."""
    return Vacancy(
        id=str(rec["external_id"]),
        title=rec.get("title") or "",
        description=rec.get("description") or "",
        sector=rec.get("sector") or "",
        country=rec.get("country") or "",
        host_institution=rec.get("host_institution") or "",
        location=rec.get("location") or "",
        required_skills=tuple(rec.get("required_skills") or ()),
        preferred_skills=tuple(rec.get("preferred_skills") or ()),
        required_languages=dict(rec.get("required_languages") or {}),
        min_education=rec.get("min_education") or "none",
        min_years_experience=int(rec.get("min_years_experience") or 0),
        start_date=_date(rec.get("start_date")),
        end_date=_date(rec.get("end_date")),
        on_site=rec.get("on_site", True) is not False,
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSON Lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_graded_roster(directory: Path) -> tuple[list[Profile], list[Vacancy], list[tuple[str, str, int]]]:
    """volunteers.jsonl, vacancies.jsonl and qrels.tsv (vacancy, volunteer, grade) of a directory
    laid out like ../shared/eval/dev."""
    profiles = [profile_from_record(r) for r in read_jsonl(directory / "volunteers.jsonl")]
    vacancies = [vacancy_from_record(r) for r in read_jsonl(directory / "vacancies.jsonl")]
    grades = []
    with (directory / "qrels.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                vac, vol, grade = line.rstrip("\n").split("\t")[:3]
                grades.append((vac, vol, int(grade)))
    return profiles, vacancies, grades
