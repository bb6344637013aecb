"""Every rule of the volunteer table in roster-format.md has a line it rejects, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.roster.conftest import a_volunteer, fields_rejected, import_volunteers, jsonl
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

REQUIRED = ("external_id", "full_name", "email", "languages", "education", "years_experience", "residence_country")

BROKEN: list[tuple[str, Any]] = [
    ("external_id", "V 0001"),
    ("external_id", "V-0001/2"),
    ("external_id", "V" * 65),
    ("external_id", ""),
    ("external_id", 1),
    ("full_name", ""),
    ("full_name", "   "),
    ("full_name", "x" * 201),
    ("full_name", "Hodan\x00Cali"),
    ("full_name", "Hodan \u202eilaC"),
    ("full_name", ["Hodan"]),
    ("email", "hodan.example.org"),
    ("email", "hodan@"),
    ("email", "hodan\u202e@example.org"),
    ("headline", "x" * 201),
    ("headline", "Midwife\x07"),
    ("summary", "x" * 5001),
    ("summary", "Midwife\x00"),
    ("skills", "midwifery"),
    ("skills", ["midwifery", ""]),
    ("skills", ["midwifery", 3]),
    ("skills", ["x" * 201]),
    ("skills", ["skill"] * 101),
    ("skills", ["mid\u2066wifery"]),
    ("languages", {}),
    ("languages", ["so", "en"]),
    ("languages", {"somali": "native"}),
    ("languages", {"so": "mother tongue"}),
    ("languages", {"so": None}),
    ("education", "phd"),
    ("education", "Master"),
    ("years_experience", 61),
    ("years_experience", -1),
    ("years_experience", "12"),
    ("years_experience", 12.5),
    ("years_experience", True),
    ("residence_country", "UK"),
    ("residence_country", "gb"),
    ("residence_country", "GBR"),
    ("heritage_countries", "SO"),
    ("heritage_countries", ["SO", "Somaliland"]),
    ("available_from", "2027-02-30"),
    ("available_from", "01/03/2027"),
    ("available_from", "20270301"),
    ("available_from", 20270301),
    ("available_until", "2026-12-31"),  # before available_from (2027-01-01)
    ("on_site_ok", "yes"),
    ("on_site_ok", 1),
    ("gender", "woman"),
]


@pytest.mark.parametrize(("field", "value"), BROKEN, ids=[f"{f}={v!r:.30}" for f, v in BROKEN])
def test_it_rejects_a_broken_field_by_name(field: str, value: Any) -> None:
    report = import_volunteers(jsonl([a_volunteer(**{field: value})]))
    assert fields_rejected(report) == {field}, report.rejected
    assert report.rejected[0].line == 1
    assert report.rejected[0].reason
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize("field", REQUIRED)
def test_it_rejects_a_missing_required_field_as_required(field: str) -> None:
    record = a_volunteer()
    del record[field]
    report = import_volunteers(jsonl([record]))
    assert [(r.field, r.reason) for r in report.rejected] == [(field, "is required")]


def test_it_reports_every_broken_field_of_a_line() -> None:
    report = import_volunteers(jsonl([a_volunteer(education="phd", residence_country="XX")]))
    assert fields_rejected(report) == {"education", "residence_country"}
    assert report.rejected_lines == 1


@pytest.mark.parametrize(
    "optional", ["headline", "summary", "skills", "heritage_countries", "available_from", "available_until", "gender"]
)
def test_it_accepts_a_record_without_an_optional_field(optional: str) -> None:
    report = import_volunteers(jsonl([a_volunteer(**{optional: None})]))
    assert (report.created, report.rejected) == (1, [])


def test_it_defaults_on_site_ok_to_true() -> None:
    import_volunteers(jsonl([a_volunteer(on_site_ok=None)]))
    assert Volunteer.objects.get().on_site_ok is True


def test_it_accepts_the_limits_themselves() -> None:
    record = a_volunteer(
        external_id="A" * 64,
        full_name="x" * 200,
        headline="h" * 200,
        summary="s" * 5000,
        years_experience=60,
        available_until="2027-01-01",
    )
    report = import_volunteers(
        jsonl([record, a_volunteer(external_id="V._-9", email="z@example.org", years_experience=0)])
    )
    assert (report.created, report.rejected) == (2, [])


def test_it_keeps_somali_and_arabic_text_intact() -> None:
    record = a_volunteer(
        full_name="عبد الرحمن محمد فارح",
        headline="Kalkaaliso caafimaad oo khibrad leh",
        summary="Waxaan ka shaqeeyay isbitaalka Hargeysa 12 sano. عملت في مستشفى هرجيسا.",
        skills=["umulisnimo", "التوليد", "tababarka caafimaadka"],
    )
    report = import_volunteers(jsonl([record]))
    assert report.rejected == []
    volunteer = Volunteer.objects.get()
    assert volunteer.full_name == "عبد الرحمن محمد فارح"
    assert volunteer.summary == record["summary"]
    assert volunteer.skills == ["umulisnimo", "التوليد", "tababarka caafimaadka"]


def test_it_rejects_an_email_already_on_the_roster_whatever_its_case() -> None:
    import_volunteers(jsonl([a_volunteer()]))
    report = import_volunteers(jsonl([a_volunteer(external_id="V-0002", email="Hodan.Warsame@EXAMPLE.org")]))
    assert fields_rejected(report) == {"email"}
    assert Volunteer.objects.count() == 1


def test_it_rejects_the_second_of_two_lines_with_the_same_email() -> None:
    second = a_volunteer(external_id="V-0002", email="HODAN.warsame@example.org")
    report = import_volunteers(jsonl([a_volunteer(), second]))
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(2, "email")]


def test_it_rejects_the_second_of_two_lines_with_the_same_external_id() -> None:
    second = a_volunteer(email="other@example.org", full_name="Someone Else")
    report = import_volunteers(jsonl([a_volunteer(), second]))
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(2, "external_id")]
    assert "line 1" in report.rejected[0].reason
    assert Volunteer.objects.get().full_name == "Hodan Cali Warsame"


def test_it_strips_surrounding_whitespace_as_a_spreadsheet_leaves_it() -> None:
    import_volunteers(jsonl([a_volunteer(full_name="  Hodan Cali Warsame ", skills=[" midwifery "])]))
    volunteer = Volunteer.objects.get()
    assert (volunteer.full_name, volunteer.skills) == ("Hodan Cali Warsame", ["midwifery"])
