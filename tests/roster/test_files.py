"""Reading a file: encodings, broken lines, unknown fields, CSV cells."""

from __future__ import annotations

import json

import pytest

from roster.formats import VOLUNTEER_FIELDS, Rejection, read_records
from tests.roster.conftest import (
    a_volunteer,
    fields_rejected,
    import_volunteers,
    jsonl,
    volunteers_csv,
)
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_it_reads_utf8_with_a_byte_order_mark() -> None:
    report = import_volunteers(b"\xef\xbb\xbf" + jsonl([a_volunteer()]))
    assert (report.created, report.rejected) == (1, [])


def test_it_reads_a_csv_with_a_byte_order_mark_as_spreadsheets_save_it() -> None:
    report = import_volunteers(b"\xef\xbb\xbf" + volunteers_csv([a_volunteer()]), filename="roster.csv")
    assert (report.created, report.rejected) == (1, [])
    assert Volunteer.objects.get().external_id == "V-0001"


def test_it_refuses_a_latin1_file_naming_the_line() -> None:
    text = jsonl([a_volunteer(), a_volunteer(external_id="V-0002", email="b@example.org", full_name="Zoë")])
    data = text.decode().encode("latin-1")
    report = import_volunteers(data)
    assert report.rejected == [Rejection(2, "file", report.rejected[0].reason)]
    assert "not UTF-8" in report.rejected[0].reason
    assert Volunteer.objects.count() == 0


def test_it_refuses_a_utf16_file() -> None:
    report = import_volunteers(jsonl([a_volunteer()]).decode().encode("utf-16"))
    assert report.rejected[0].field == "file"
    assert "UTF-16" in report.rejected[0].reason


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_it_refuses_an_empty_file(data: bytes) -> None:
    report = import_volunteers(data)
    assert [(r.line, r.field) for r in report.rejected] == [(1, "file")]


def test_it_rejects_a_truncated_json_line_with_its_number_and_imports_the_rest() -> None:
    good = jsonl([a_volunteer()])
    truncated = json.dumps(a_volunteer(external_id="V-0002", email="b@example.org"))[:60].encode()
    report = import_volunteers(good + truncated)
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(2, "record")]
    assert "not valid JSON" in report.rejected[0].reason


def test_it_rejects_a_line_that_is_not_an_object() -> None:
    report = import_volunteers(b'["V-0001", "Hodan"]\n')
    assert [(r.line, r.field, r.reason) for r in report.rejected] == [(1, "record", "must be a JSON object")]


def test_it_rejects_a_field_given_twice_in_one_object() -> None:
    line = json.dumps(a_volunteer())[:-1] + ', "email": "other@example.org"}\n'
    report = import_volunteers(line.encode())
    assert fields_rejected(report) == {"email"}
    assert "twice" in report.rejected[0].reason


def test_it_rejects_an_unknown_field_rather_than_dropping_it() -> None:
    report = import_volunteers(jsonl([a_volunteer(salary_expectation=3000)]))
    assert [(r.line, r.field) for r in report.rejected] == [(1, "salary_expectation")]
    assert Volunteer.objects.count() == 0


def test_it_does_not_echo_an_unprintable_unknown_field_name_verbatim() -> None:
    report = import_volunteers(jsonl([a_volunteer(**{"bad\u202ename": 1})]))
    assert report.rejected[0].field == repr("bad\u202ename")


def test_it_skips_blank_lines_but_numbers_lines_as_they_are_in_the_file() -> None:
    data = b"\n" + jsonl([a_volunteer()]) + b"\n" + jsonl([a_volunteer(external_id="x y")])
    report = import_volunteers(data)
    assert [(r.line, r.field) for r in report.rejected] == [(4, "external_id")]


def test_it_treats_null_as_an_absent_field() -> None:
    record = a_volunteer()
    record["headline"] = None
    report = import_volunteers(jsonl([record]))
    assert report.created == 1
    assert Volunteer.objects.get().headline == ""


def test_it_keeps_unicode_line_separators_inside_a_json_string() -> None:
    report = import_volunteers(jsonl([a_volunteer(summary="Hargeisa\u2028Mogadishu")]))
    assert report.created == 1
    assert Volunteer.objects.get().summary == "Hargeisa\u2028Mogadishu"


# --- CSV ---------------------------------------------------------------------


def test_it_reads_semicolon_lists_and_code_level_languages_from_csv() -> None:
    data = (
        b"external_id,full_name,email,skills,languages,education,years_experience,residence_country,"
        b"heritage_countries,on_site_ok\n"
        b"V-0001,Hodan Cali,hodan@example.org, midwifery ; clinical teaching;EmONC ,so:native;en:fluent;ar:basic,"
        b"master,12,GB,SO;ET,FALSE\n"
    )
    report = import_volunteers(data, filename="roster.csv")
    assert report.rejected == []
    volunteer = Volunteer.objects.get()
    assert volunteer.skills == ["midwifery", "clinical teaching", "EmONC"]
    assert volunteer.languages == {"so": "native", "en": "fluent", "ar": "basic"}
    assert volunteer.heritage_countries == ["SO", "ET"]
    assert volunteer.on_site_ok is False


def test_it_reads_an_empty_cell_as_an_absent_field() -> None:
    report = import_volunteers(volunteers_csv([a_volunteer(headline=None, on_site_ok=None)]), filename="r.csv")
    assert report.created == 1
    volunteer = Volunteer.objects.get()
    assert (volunteer.headline, volunteer.on_site_ok) == ("", True)


def test_it_reads_a_multiline_quoted_cell_and_numbers_the_next_record_by_its_first_line() -> None:
    first = a_volunteer(summary="Line one\nline two\nline three")
    second = a_volunteer(external_id="V-0002", email="b@example.org", education="phd")
    report = import_volunteers(volunteers_csv([first, second]), filename="roster.csv")
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(5, "education")]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("so=native", "code:level"), ("so:native;so:fluent", "twice")],
)
def test_it_rejects_a_malformed_languages_cell(cell: str, reason: str) -> None:
    data = volunteers_csv([a_volunteer()]).decode().replace("so:native;en:fluent", cell).encode()
    report = import_volunteers(data, filename="roster.csv")
    assert fields_rejected(report) == {"languages"}
    assert reason in report.rejected[0].reason


@pytest.mark.parametrize(
    ("column", "cell"),
    [("years_experience", "twelve"), ("years_experience", "12.5"), ("on_site_ok", "yes"), ("available_from", "1/3/27")],
)
def test_it_rejects_a_csv_cell_of_the_wrong_type_naming_its_column(column: str, cell: str) -> None:
    report = import_volunteers(volunteers_csv([a_volunteer(**{column: cell})]), filename="roster.csv")
    assert fields_rejected(report) == {column}


def test_it_refuses_a_csv_with_an_unknown_column() -> None:
    data = volunteers_csv([a_volunteer()]).decode().replace("gender", "favourite_colour", 1).encode()
    report = import_volunteers(data, filename="roster.csv")
    assert [(r.line, r.field) for r in report.rejected] == [(1, "favourite_colour")]
    assert Volunteer.objects.count() == 0


def test_it_refuses_a_csv_with_a_column_twice() -> None:
    data = b"external_id,email,email\nV-1,a@example.org,b@example.org\n"
    report = import_volunteers(data, filename="roster.csv")
    assert [(r.line, r.field) for r in report.rejected] == [(1, "email")]


def test_it_rejects_a_row_with_too_few_cells() -> None:
    rows = volunteers_csv([a_volunteer(), a_volunteer(external_id="V-0002", email="b@example.org")]).decode()
    truncated = rows.rstrip("\r\n").rsplit(",", 3)[0] + "\r\n"
    report = import_volunteers(truncated.encode(), filename="roster.csv")
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(3, "record")]


def test_it_rejects_an_unterminated_quote_and_reads_nothing_after_it() -> None:
    rows = volunteers_csv([a_volunteer()]).decode() + 'V-0002,"Unclosed,b@example.org\r\n'
    report = import_volunteers(rows.encode(), filename="roster.csv")
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejected] == [(3, "record")]


def test_it_keeps_nul_bytes_in_a_csv_cell_for_the_validator_to_reject() -> None:
    data = volunteers_csv([a_volunteer(full_name="Hodan\x00Cali")])
    report = import_volunteers(data, filename="roster.csv")
    assert fields_rejected(report) == {"full_name"}


def test_it_refuses_a_file_whose_name_does_not_say_its_format() -> None:
    report = import_volunteers(jsonl([a_volunteer()]), filename="roster.xlsx")
    assert fields_rejected(report) == {"file"}
    assert ".jsonl or .csv" in report.rejected[0].reason


def test_it_strips_the_quote_that_neutralises_a_formula_but_only_before_a_trigger() -> None:
    records = read_records(
        b"external_id,headline,summary\nV-1,'=SUM(A1),'just quoted\n", fmt="csv", fields=VOLUNTEER_FIELDS
    )
    assert records[0].values["headline"] == "=SUM(A1)"
    assert records[0].values["summary"] == "'just quoted"
