"""Roster files to import, and spies on the hooks that make matching follow an import."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache

from core import outbox, tasknames
from roster.formats import VACANCY_FIELDS, VOLUNTEER_FIELDS
from roster.importing import ImportReport
from roster.vacancies import vacancies_import
from roster.volunteers import volunteers_import


def a_volunteer(**changes: Any) -> dict[str, Any]:
    """A record that satisfies every rule of the format; ``changes`` break one (None drops a field)."""
    record: dict[str, Any] = {
        "external_id": "V-0001",
        "full_name": "Hodan Cali Warsame",
        "email": "hodan.warsame@example.org",
        "headline": "Midwife and clinical tutor",
        "summary": "Twelve years on a labour ward in Leicester; I teach students on placement.",
        "skills": ["midwifery", "clinical teaching", "EmONC"],
        "languages": {"so": "native", "en": "fluent"},
        "education": "master",
        "years_experience": 12,
        "residence_country": "GB",
        "heritage_countries": ["SO"],
        "available_from": "2027-01-01",
        "available_until": "2027-12-31",
        "on_site_ok": True,
        "gender": "female",
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def a_vacancy(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_id": "A-0001",
        "title": "Clinical Midwifery Tutor",
        "host_institution": "Ministry of Health and Human Services",
        "country": "SO",
        "location": "Hargeisa",
        "sector": "Health",
        "description": "Train midwifery students and tutors on the labour ward and in the skills lab.",
        "required_skills": ["midwifery", "clinical teaching"],
        "preferred_skills": ["EmONC"],
        "required_languages": {"so": "professional"},
        "min_education": "diploma",
        "min_years_experience": 3,
        "start_date": "2027-03-01",
        "end_date": "2027-11-30",
        "on_site": True,
        "positions": 2,
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def jsonl(records: Iterable[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, dict):
        return ";".join(f"{code}:{level}" for code, level in value.items())
    return str(value)


def as_csv(records: Iterable[dict[str, Any]], columns: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = list(columns)
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record[name]) if name in record else "" for name in columns])
    return buffer.getvalue().encode()


def volunteers_csv(records: Iterable[dict[str, Any]]) -> bytes:
    return as_csv(records, VOLUNTEER_FIELDS)


def vacancies_csv(records: Iterable[dict[str, Any]]) -> bytes:
    return as_csv(records, VACANCY_FIELDS)


def import_volunteers(data: bytes, *, filename: str = "roster.jsonl", **options: Any) -> ImportReport:
    return volunteers_import(data=data, filename=filename, **options)


def import_vacancies(
    data: bytes, *, programme: str = "mida-somalia", filename: str = "vacancies.jsonl", **options: Any
) -> ImportReport:
    options.setdefault("create_programme", True)
    return vacancies_import(data=data, filename=filename, programme_slug=programme, **options)


def fields_rejected(report: ImportReport) -> set[str]:
    return {rejection.field for rejection in report.rejected}


@dataclass
class HookSpy:
    """Ids of the volunteers and vacancies whose matching was requested, in order."""

    volunteers: list[int] = field(default_factory=list)
    vacancies: list[int] = field(default_factory=list)


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> HookSpy:
    """Spy on the work requested of matching, whichever service asks for it; the real outbox still runs."""
    spy = HookSpy()
    original = outbox.outbox_enqueue

    def enqueue(*, task: str, key: str, kwargs: dict[str, Any]) -> None:
        if task == tasknames.RESCORE_VOLUNTEER:
            spy.volunteers.append(kwargs["volunteer_id"])
        elif task == tasknames.RANK_VACANCY:
            spy.vacancies.append(kwargs["vacancy_id"])
        original(task=task, key=key, kwargs=kwargs)

    monkeypatch.setattr(outbox, "outbox_enqueue", enqueue)
    return spy


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    # Throttle counters live in the cache; the development cache is a file shared between runs.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
