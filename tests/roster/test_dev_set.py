"""The shared evaluation set imports whole, and survives an export round trip in both formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from assignments.models import Vacancy
from roster.export import vacancies_export, volunteers_export
from tests.roster.conftest import import_vacancies, import_volunteers
from volunteers.models import Volunteer

# In CI the clone sits next to a copy of shared/, as it does here: <repo>/../shared.
DEV_SET = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not DEV_SET.is_dir(), reason=f"the shared dev set is not at {DEV_SET}"),
]


def _import_dev_set() -> None:
    volunteers = import_volunteers((DEV_SET / "volunteers.jsonl").read_bytes(), filename="volunteers.jsonl")
    vacancies = import_vacancies((DEV_SET / "vacancies.jsonl").read_bytes(), filename="vacancies.jsonl")
    assert volunteers.rejected == []
    assert vacancies.rejected == []
    lines = len((DEV_SET / "volunteers.jsonl").read_bytes().splitlines())
    assert volunteers.created == lines == Volunteer.objects.count()
    assert vacancies.created == len((DEV_SET / "vacancies.jsonl").read_bytes().splitlines())


def test_it_imports_the_whole_dev_set_with_nothing_rejected() -> None:
    _import_dev_set()
    assert Vacancy.objects.filter(status=Vacancy.Status.OPEN).count() == Vacancy.objects.count()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_it_round_trips_the_dev_set_unchanged(fmt: str) -> None:
    _import_dev_set()
    volunteers = "".join(volunteers_export(fmt=fmt)).encode()
    vacancies = "".join(vacancies_export(fmt=fmt)).encode()
    again = import_volunteers(volunteers, filename=f"v.{fmt}"), import_vacancies(vacancies, filename=f"a.{fmt}")
    assert [(r.created, r.updated, r.rejected) for r in again] == [(0, 0, []), (0, 0, [])]
    assert again[0].unchanged == Volunteer.objects.count()
    assert again[1].unchanged == Vacancy.objects.count()
