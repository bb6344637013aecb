"""Every rule of the vacancy table in roster-format.md has a line it rejects, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from assignments.models import HostInstitution, Programme, Vacancy
from tests.factories import ProgrammeFactory, VacancyFactory
from tests.roster.conftest import a_vacancy, fields_rejected, import_vacancies, jsonl, vacancies_csv

pytestmark = pytest.mark.django_db

REQUIRED = ("external_id", "title", "host_institution", "country", "sector", "description", "start_date", "end_date")

BROKEN: list[tuple[str, Any]] = [
    ("external_id", "A 0001"),
    ("external_id", "A" * 65),
    ("external_id", "A-1\x00"),
    ("title", ""),
    ("title", "t" * 201),
    ("title", "Tutor\u202d"),
    ("host_institution", ""),
    ("host_institution", "h" * 301),
    ("host_institution", "Ministry\x00of Health"),
    ("host_institution", 42),
    ("country", "Somalia"),
    ("country", "so"),
    ("location", "l" * 201),
    ("location", "Hargeisa\u2067"),
    ("sector", ""),
    ("sector", "s" * 201),
    ("description", ""),
    ("description", "d" * 20001),
    ("description", "Train\x00tutors"),
    ("required_skills", "midwifery"),
    ("required_skills", ["midwifery", ""]),
    ("preferred_skills", [1]),
    ("preferred_skills", ["x" * 201]),
    ("required_languages", {"so": "fluentish"}),
    ("required_languages", {"xx": "basic"}),
    ("required_languages", "so:native"),
    ("min_education", "phd"),
    ("min_years_experience", -1),
    ("min_years_experience", 61),
    ("min_years_experience", "3"),
    ("start_date", "2027-3-1"),
    ("start_date", "2027-02-29"),
    ("end_date", "2027-03-01"),  # the same day as start_date
    ("end_date", "2027-02-01"),  # before start_date
    ("on_site", "no"),
    ("positions", 0),
    ("positions", -2),
    ("positions", 1001),
    ("positions", "2"),
]


@pytest.mark.parametrize(("field", "value"), BROKEN, ids=[f"{f}={v!r:.30}" for f, v in BROKEN])
def test_it_rejects_a_broken_field_by_name(field: str, value: Any) -> None:
    report = import_vacancies(jsonl([a_vacancy(**{field: value})]))
    assert fields_rejected(report) == {field}, report.rejected
    assert Vacancy.objects.count() == 0
    assert HostInstitution.objects.count() == 0


@pytest.mark.parametrize("field", REQUIRED)
def test_it_rejects_a_missing_required_field_as_required(field: str) -> None:
    record = a_vacancy()
    del record[field]
    report = import_vacancies(jsonl([record]))
    assert [(r.field, r.reason) for r in report.rejected] == [(field, "is required")]


def test_it_applies_the_format_defaults_to_absent_optional_fields() -> None:
    record = {
        key: a_vacancy()[key]
        for key in ("external_id", "title", "host_institution", "country", "sector", "description")
    }
    report = import_vacancies(jsonl([{**record, "start_date": "2027-03-01", "end_date": "2027-09-30"}]))
    assert report.rejected == []
    vacancy = Vacancy.objects.get()
    assert (vacancy.min_education, vacancy.min_years_experience, vacancy.on_site, vacancy.positions) == (
        "none",
        0,
        True,
        1,
    )
    assert (vacancy.location, vacancy.required_skills, vacancy.required_languages) == ("", [], {})


def test_it_publishes_imported_vacancies_as_open_with_their_host_institution() -> None:
    report = import_vacancies(jsonl([a_vacancy(), a_vacancy(external_id="A-0002")]), programme="mida-somalia")
    assert report.created == 2
    vacancies = Vacancy.objects.select_related("host_institution", "programme")
    assert {v.status for v in vacancies} == {Vacancy.Status.OPEN}
    assert all(v.status_changed_at is not None for v in vacancies)
    assert HostInstitution.objects.get().name == "Ministry of Health and Human Services"
    assert {v.programme.slug for v in vacancies} == {"mida-somalia"}


def test_it_creates_a_missing_programme_named_after_its_slug_with_no_extra_rules() -> None:
    import_vacancies(jsonl([a_vacancy()]), programme="mida-ethiopia")
    programme = Programme.objects.get(slug="mida-ethiopia")
    assert programme.name == "Mida Ethiopia"
    assert programme.rule_residence_outside_duty_country is False


def test_it_leaves_an_existing_programme_and_its_rules_alone() -> None:
    ProgrammeFactory(slug="mida-somalia", name="MIDA Somalia", rule_residence_outside_duty_country=True)
    import_vacancies(jsonl([a_vacancy()]), programme="mida-somalia")
    programme = Programme.objects.get()
    assert (programme.name, programme.rule_residence_outside_duty_country) == ("MIDA Somalia", True)


def test_it_refuses_a_programme_slug_that_is_not_a_slug() -> None:
    report = import_vacancies(jsonl([a_vacancy()]), programme="MIDA Somalia!")
    assert fields_rejected(report) == {"programme"}
    assert Programme.objects.count() == 0


def test_it_rejects_a_vacancy_whose_external_id_belongs_to_another_programme() -> None:
    theirs = VacancyFactory(external_id="A-0001", title="Their vacancy")
    report = import_vacancies(jsonl([a_vacancy()]), programme="mida-somalia")
    assert fields_rejected(report) == {"external_id"}
    theirs.refresh_from_db()
    assert theirs.title == "Their vacancy"


def test_it_rejects_the_second_of_two_lines_with_the_same_external_id() -> None:
    report = import_vacancies(jsonl([a_vacancy(), a_vacancy(title="Another title")]))
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(2, "external_id")]


def test_it_reuses_the_host_institution_of_the_same_name_and_country() -> None:
    import_vacancies(jsonl([a_vacancy(), a_vacancy(external_id="A-0002"), a_vacancy(external_id="A-3", country="ET")]))
    assert sorted(HostInstitution.objects.values_list("country", flat=True)) == ["ET", "SO"]


def test_it_reads_vacancies_from_csv() -> None:
    report = import_vacancies(vacancies_csv([a_vacancy()]), filename="vacancies.csv")
    assert (report.created, report.rejected) == (1, [])
    vacancy = Vacancy.objects.get()
    assert vacancy.required_languages == {"so": "professional"}
    assert vacancy.required_skills == ["midwifery", "clinical teaching"]


def test_it_keeps_arabic_and_somali_terms_of_reference_intact() -> None:
    description = "Tababar umulisooyinka iyo macallimiinta. تدريب القابلات والمدرسين في جناح الولادة."
    import_vacancies(jsonl([a_vacancy(description=description, title="Macallin umulisnimo")]))
    assert Vacancy.objects.get().description == description
