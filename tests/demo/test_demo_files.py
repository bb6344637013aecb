"""The demo roster is valid input for the project's own importers, and tells a story."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from assignments.models import Vacancy
from matching.engine.eligibility import check_eligibility
from matching.engine.index import ProfileIndex
from matching.engine.ranking import rank
from matching.engine.records import profile_from_record, vacancy_from_record
from matching.engine.types import EngineConfig, ProgrammeRules
from tests.demo.conftest import VACANCIES_FILE, VOLUNTEERS_FILE, read_jsonl
from volunteers.models import Volunteer

VOLUNTEERS = read_jsonl(VOLUNTEERS_FILE)
VACANCIES = read_jsonl(VACANCIES_FILE)
MIDA = ProgrammeRules(residence_outside_duty_country=True)
BEFORE_THE_DEMO_YEAR = date(2026, 12, 1)
TOP = 6  # what a manager sees without scrolling


def _import(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_every_demo_volunteer_with_none_rejected() -> None:
    output = _import("import_volunteers", str(VOLUNTEERS_FILE), "--atomic")

    assert "rejected: 0" in output
    assert Volunteer.objects.count() == len(VOLUNTEERS)
    assert set(Volunteer.objects.values_list("external_id", flat=True)) == {v["external_id"] for v in VOLUNTEERS}


@pytest.mark.django_db
def test_it_imports_every_demo_vacancy_as_open_with_none_rejected() -> None:
    output = _import("import_vacancies", str(VACANCIES_FILE), "--programme", "mida-somalia", "--atomic")

    assert "rejected: 0" in output
    assert Vacancy.objects.filter(programme__slug="mida-somalia").open().count() == len(VACANCIES)


@pytest.mark.django_db
def test_it_leaves_everything_unchanged_when_the_demo_files_are_imported_again() -> None:
    _import("import_volunteers", str(VOLUNTEERS_FILE))
    _import("import_vacancies", str(VACANCIES_FILE), "--programme", "mida-somalia")

    again_volunteers = _import("import_volunteers", str(VOLUNTEERS_FILE))
    again_vacancies = _import("import_vacancies", str(VACANCIES_FILE), "--programme", "mida-somalia")

    assert f"created: 0, updated: 0, unchanged: {len(VOLUNTEERS)}, rejected: 0" in again_volunteers
    assert f"created: 0, updated: 0, unchanged: {len(VACANCIES)}, rejected: 0" in again_vacancies


def test_it_has_a_roster_big_and_varied_enough_to_demonstrate_ranking() -> None:
    assert len(VOLUNTEERS) >= 64
    assert len(VACANCIES) >= 12
    assert len({v["residence_country"] for v in VOLUNTEERS}) >= 10
    assert len({vacancy["location"] for vacancy in VACANCIES}) >= 6
    assert len({vacancy["sector"] for vacancy in VACANCIES}) >= 8


def test_it_uses_only_reserved_example_addresses() -> None:
    # Fictional people must not be mailable: every address is on the reserved domain.
    assert all(v["email"].endswith("@example.org") for v in VOLUNTEERS)


def test_it_dates_every_vacancy_in_2027() -> None:
    for vacancy in VACANCIES:
        assert date.fromisoformat(vacancy["start_date"]).year == 2027, vacancy["external_id"]
        assert date.fromisoformat(vacancy["end_date"]).year == 2027, vacancy["external_id"]


@pytest.fixture(scope="module")
def demo_index() -> ProfileIndex:
    return ProfileIndex.build([profile_from_record(record) for record in VOLUNTEERS], EngineConfig())


@pytest.mark.parametrize("vacancy", VACANCIES, ids=[v["external_id"] for v in VACANCIES])
def test_it_puts_fitting_people_and_near_misses_at_the_top_of_every_vacancy(
    vacancy: dict, demo_index: ProfileIndex
) -> None:
    # The demo should show both halves of matching: people who do the job ranked
    # high, and people who do it too but are turned away by a hard rule.
    top = rank(
        demo_index,
        vacancy_from_record(vacancy),
        rules=MIDA,
        today=BEFORE_THE_DEMO_YEAR,
        top_k=TOP,
        include_ineligible=True,
    )

    assert sum(candidate.eligible for candidate in top) >= 2
    assert any(not candidate.eligible for candidate in top)


def test_it_shows_each_kind_of_hard_rule_turning_someone_away() -> None:
    failures: set[str] = set()
    for vacancy in VACANCIES:
        engine_vacancy = vacancy_from_record(vacancy)
        for record in VOLUNTEERS:
            for rule in check_eligibility(
                profile_from_record(record), engine_vacancy, MIDA, today=BEFORE_THE_DEMO_YEAR
            ):
                failures.add(rule.split(":")[0])

    assert failures >= {"language", "education", "on_site", "dates", "experience", "residence"}
