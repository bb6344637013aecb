"""The four roster commands: a report a person can read, a non-zero exit on any rejection, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assignments.models import Vacancy
from tests.factories import ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.roster.conftest import a_vacancy, a_volunteer, jsonl, volunteers_csv
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_prints_the_counts_of_an_import(tmp_path: Path) -> None:
    path = _file(tmp_path, "roster.jsonl", jsonl([a_volunteer()]))
    out, _ = _run("import_volunteers", path)
    assert out.splitlines()[0] == "created: 1, updated: 0, unchanged: 0, rejected: 0"
    out, _ = _run("import_volunteers", path)
    assert out.splitlines()[0] == "created: 0, updated: 0, unchanged: 1, rejected: 0"


def test_it_lists_each_rejection_and_exits_non_zero(tmp_path: Path) -> None:
    records = [a_volunteer(), a_volunteer(external_id="V-2", email="nope"), a_volunteer(external_id="V-3", gender="m")]
    path = _file(tmp_path, "roster.jsonl", jsonl(records))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 line"):
        call_command("import_volunteers", path, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "created: 1, updated: 0, unchanged: 0, rejected: 2"
    assert lines[1].startswith("line 2: email: ")
    assert lines[2].startswith("line 3: gender: ")
    assert Volunteer.objects.count() == 1


def test_it_reads_the_format_from_the_extension(tmp_path: Path) -> None:
    path = _file(tmp_path, "ROSTER.CSV", volunteers_csv([a_volunteer()]))
    out, _ = _run("import_volunteers", path)
    assert out.startswith("created: 1")


def test_it_says_when_atomic_wrote_nothing(tmp_path: Path) -> None:
    path = _file(tmp_path, "roster.jsonl", jsonl([a_volunteer(), a_volunteer(external_id="V 2")]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_volunteers", path, "--atomic", stdout=out)
    assert "nothing was written" in out.getvalue()
    assert not Volunteer.objects.exists()


def test_it_says_a_dry_run_wrote_nothing_and_exits_zero_when_all_is_well(tmp_path: Path) -> None:
    out, _ = _run("import_volunteers", _file(tmp_path, "roster.jsonl", jsonl([a_volunteer()])), "--dry-run")
    assert out.splitlines() == ["created: 1, updated: 0, unchanged: 0, rejected: 0", "dry run: nothing was written"]
    assert not Volunteer.objects.exists()


def test_it_imports_vacancies_into_the_named_programme(tmp_path: Path) -> None:
    path = _file(tmp_path, "vacancies.jsonl", jsonl([a_vacancy()]))
    out, _ = _run("import_vacancies", path, "--programme", "mida-somalia")
    assert out.startswith("created: 1")
    assert Vacancy.objects.get().programme.slug == "mida-somalia"


def test_it_requires_the_programme_for_vacancies(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--programme"):
        _run("import_vacancies", _file(tmp_path, "vacancies.jsonl", jsonl([a_vacancy()])))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("roster.jsonl", "é".encode("latin-1"), "line 1: file: is not UTF-8"),
        ("roster.jsonl", b"", "file: is empty"),
        ("roster.csv", b"external_id,shoe_size\n", "line 1: shoe_size: is not a field"),
        ("roster.txt", b"{}", "name it .jsonl or .csv"),
    ],
)
def test_it_refuses_an_unreadable_file_with_a_reason(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_volunteers", _file(tmp_path, name, data), stdout=out)
    assert message in out.getvalue()


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        _run("import_volunteers", str(tmp_path / "missing.jsonl"))


def test_it_refuses_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.jsonl").mkdir()
    with pytest.raises(CommandError, match="is a directory"):
        _run("import_vacancies", str(tmp_path / "dir.jsonl"), "--programme", "mida-somalia")


def test_it_shows_a_progress_bar_on_stderr_for_a_long_file(tmp_path: Path) -> None:
    # Lines with an unknown field are rejected before any query, so 1,001 of them are quick.
    path = _file(tmp_path, "roster.jsonl", b'{"shoe_size": 42}\n' * 1001)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_volunteers", path, stdout=io.StringIO(), stderr=err)
    assert "/1001" in err.getvalue()


def test_it_shows_no_progress_bar_for_a_short_file_off_a_terminal(tmp_path: Path) -> None:
    _, err = _run("import_volunteers", _file(tmp_path, "roster.jsonl", jsonl([a_volunteer()])))
    assert err == ""


def test_it_exits_with_a_message_and_no_traceback_from_the_shell(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "import_volunteers", str(tmp_path / "missing.jsonl")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


# --- Export commands ---------------------------------------------------------------


def test_it_exports_volunteers_to_stdout_as_json_lines_by_default() -> None:
    VolunteerFactory(external_id="V-1")
    out, _ = _run("export_volunteers")
    assert json.loads(out)["external_id"] == "V-1"


def test_it_exports_to_a_file_that_imports_unchanged(tmp_path: Path) -> None:
    _run("import_volunteers", _file(tmp_path, "in.jsonl", jsonl([a_volunteer(summary="- line\n- line")])))
    target = tmp_path / "out.csv"
    out, _ = _run("export_volunteers", "--format", "csv", "--output", str(target))
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("external_id,full_name,")
    out, _ = _run("import_volunteers", str(target))
    assert out.startswith("created: 0, updated: 0, unchanged: 1")


def test_it_exports_one_programmes_vacancies() -> None:
    VacancyFactory(programme=ProgrammeFactory(slug="mida-somalia"), external_id="A-SO")
    VacancyFactory(external_id="A-ET")
    out, _ = _run("export_vacancies", "--programme", "mida-somalia", "--format", "csv")
    assert "A-SO" in out
    assert "A-ET" not in out


def test_it_refuses_to_export_an_unknown_programme() -> None:
    with pytest.raises(CommandError, match="no programme"):
        _run("export_vacancies", "--programme", "nowhere")


def test_it_refuses_an_output_path_it_cannot_write(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot be written"):
        _run("export_vacancies", "--output", str(tmp_path / "no" / "such" / "dir.jsonl"))
