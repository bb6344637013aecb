"""Export of volunteers and vacancies in the roster format, so that re-importing changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assignments.models import Programme, Vacancy
from roster.formats import VACANCY_FIELDS, VOLUNTEER_FIELDS, write_records
from roster.selectors import vacancies_for_export, volunteers_for_export
from volunteers.models import Volunteer

_CHUNK = 500


def volunteers_export(*, fmt: str) -> Iterator[str]:
    """Every non-erased volunteer as JSON Lines or CSV, in ``external_id`` order, a chunk at a time.

    Gender is exported: it is the programme's own roster data (used only in
    aggregate participation reports, never in a match score).
    """
    rows = (_volunteer_row(volunteer) for volunteer in volunteers_for_export().iterator(chunk_size=_CHUNK))
    return write_records(rows, fmt=fmt, fields=VOLUNTEER_FIELDS)


def vacancies_export(*, fmt: str, programme: Programme | None = None) -> Iterator[str]:
    """Vacancies (of one programme, or all) as JSON Lines or CSV, in ``external_id`` order."""
    vacancies = vacancies_for_export(programme=programme).iterator(chunk_size=_CHUNK)
    return write_records((_vacancy_row(vacancy) for vacancy in vacancies), fmt=fmt, fields=VACANCY_FIELDS)


def _volunteer_row(volunteer: Volunteer) -> dict[str, Any]:
    return {name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS}


def _vacancy_row(vacancy: Vacancy) -> dict[str, Any]:
    row = {name: getattr(vacancy, name) for name in VACANCY_FIELDS if name != "host_institution"}
    row["host_institution"] = vacancy.host_institution.name
    return row
