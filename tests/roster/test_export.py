"""Export writes the roster format so that importing the export changes nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.utils import timezone

from assignments.models import Vacancy
from roster.export import vacancies_export, volunteers_export
from tests.factories import ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.roster.conftest import a_vacancy, a_volunteer, import_vacancies, import_volunteers, jsonl
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example")', "+1 555 0100", "-2+3", "@SUM(A1:A9)", "'=already quoted"]


def _volunteers(fmt: str) -> bytes:
    return "".join(volunteers_export(fmt=fmt)).encode()


def _vacancies(fmt: str, **kwargs: object) -> bytes:
    return "".join(vacancies_export(fmt=fmt, **kwargs)).encode()  # type: ignore[arg-type]


def _a_varied_roster() -> None:
    import_volunteers(
        jsonl(
            [
                a_volunteer(),
                a_volunteer(
                    external_id="V-0002",
                    email="cabdi@example.org",
                    full_name="عبد الرحمن فارح",
                    summary="- 9 years of PFM\n- Budget execution, IFMIS\n\nMogadishu",
                    skills=["PFM", "budget execution"],
                    heritage_countries=None,
                    available_from=None,
                    available_until=None,
                    on_site_ok=False,
                    gender=None,
                    headline=None,
                ),
            ]
        )
    )
    VolunteerFactory(external_id="V-0003")  # a signed-up profile, with its own defaults
    import_vacancies(
        jsonl([a_vacancy(), a_vacancy(external_id="A-0002", required_languages=None, location=None, on_site=False)])
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_it_round_trips_volunteers_unchanged(fmt: str) -> None:
    _a_varied_roster()
    before = list(Volunteer.objects.values())
    report = import_volunteers(_volunteers(fmt), filename=f"export.{fmt}")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 3, [])
    assert list(Volunteer.objects.values()) == before


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_it_round_trips_vacancies_unchanged(fmt: str) -> None:
    _a_varied_roster()
    report = import_vacancies(_vacancies(fmt), filename=f"export.{fmt}")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 2, [])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_it_recreates_the_same_roster_from_an_export_in_an_empty_database(fmt: str) -> None:
    _a_varied_roster()
    exported = _volunteers(fmt)
    fields = ["external_id", "full_name", "summary", "skills", "languages", "on_site_ok", "available_until"]
    before = list(Volunteer.objects.values(*fields))
    Volunteer.objects.all().delete()
    assert import_volunteers(exported, filename=f"export.{fmt}").created == 3
    assert list(Volunteer.objects.values(*fields)) == before


def test_it_leaves_absent_optional_fields_out_of_json_lines() -> None:
    _a_varied_roster()
    lines = [json.loads(line) for line in _volunteers("jsonl").decode().splitlines()]
    second = next(line for line in lines if line["external_id"] == "V-0002")
    assert "available_from" not in second
    assert "headline" not in second
    assert "gender" not in second
    assert None not in second.values()
    assert second["on_site_ok"] is False
    assert "null" not in _vacancies("jsonl").decode()


def test_it_exports_gender_as_the_programme_recorded_it() -> None:
    import_volunteers(jsonl([a_volunteer(gender="undisclosed")]))
    assert json.loads(_volunteers("jsonl"))["gender"] == "undisclosed"


def test_it_writes_dates_lists_and_languages_in_the_formats_cells() -> None:
    import_volunteers(jsonl([a_volunteer()]))
    row = next(csv.DictReader(io.StringIO(_volunteers("csv").decode())))
    assert row["languages"] == "so:native;en:fluent"
    assert row["skills"] == "midwifery;clinical teaching;EmONC"
    assert (row["available_from"], row["on_site_ok"], row["years_experience"]) == ("2027-01-01", "true", "12")


def test_it_does_not_export_erased_volunteers() -> None:
    VolunteerFactory(external_id="V-KEPT")
    VolunteerFactory(external_id="V-GONE", erased_at=timezone.now())
    exported = _volunteers("jsonl").decode()
    assert "V-KEPT" in exported
    assert "V-GONE" not in exported


def test_it_exports_only_the_programmes_vacancies_when_asked() -> None:
    mine, theirs = ProgrammeFactory(), ProgrammeFactory()
    VacancyFactory(programme=mine, external_id="A-MINE")
    VacancyFactory(programme=theirs, external_id="A-THEIRS", start_date=date(2027, 1, 1))
    exported = _vacancies("jsonl", programme=mine).decode()
    assert "A-MINE" in exported
    assert "A-THEIRS" not in exported
    assert "A-THEIRS" in _vacancies("jsonl").decode()


def test_it_neutralises_formula_cells_in_csv() -> None:
    import_volunteers(
        jsonl(
            [
                a_volunteer(headline=text, external_id=f"V-{i}", email=f"{i}@example.org")
                for i, text in enumerate(FORMULAS)
            ]
        )
    )
    rows = list(csv.DictReader(io.StringIO(_volunteers("csv").decode())))
    assert [row["headline"] for row in rows] == ["'" + text for text in FORMULAS]


def test_it_neutralises_a_list_cell_that_starts_with_a_trigger() -> None:
    import_volunteers(jsonl([a_volunteer(skills=["=cmd|' /C calc'!A0", "M&E"])]))
    row = next(csv.DictReader(io.StringIO(_volunteers("csv").decode())))
    assert row["skills"] == "'=cmd|' /C calc'!A0;M&E"


def test_it_round_trips_neutralised_cells_to_the_original_text() -> None:
    records = [
        a_volunteer(headline=t, summary=t, skills=[t, "x"], external_id=f"V-{i}", email=f"{i}@example.org")
        for i, t in enumerate(FORMULAS)
    ]
    import_volunteers(jsonl(records))
    report = import_volunteers(_volunteers("csv"), filename="export.csv")
    assert (report.unchanged, report.rejected) == (len(FORMULAS), [])
    assert sorted(Volunteer.objects.values_list("headline", flat=True)) == sorted(FORMULAS)


def test_it_does_not_neutralise_json_lines() -> None:
    import_volunteers(jsonl([a_volunteer(headline="=1+1")]))
    assert json.loads(_volunteers("jsonl"))["headline"] == "=1+1"


def test_it_exports_a_header_only_csv_for_an_empty_roster_which_imports_as_nothing() -> None:
    exported = _vacancies("csv")
    assert exported.decode().strip() == ",".join(
        [
            "external_id",
            "title",
            "host_institution",
            "country",
            "location",
            "sector",
            "description",
            "required_skills",
            "preferred_skills",
            "required_languages",
            "min_education",
            "min_years_experience",
            "start_date",
            "end_date",
            "on_site",
            "positions",
        ]
    )
    report = import_vacancies(exported, filename="empty.csv")
    assert (report.created, report.rejected) == (0, [])
    assert not Vacancy.objects.exists()
