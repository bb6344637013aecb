"""Roster upload and download over the API, for staff, managers and everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import resolve
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_issue
from assignments.models import Programme, Vacancy
from roster.api import views
from tests.factories import (
    ManagerFactory,
    ProgrammeFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VolunteerFactory,
)
from tests.roster.conftest import a_vacancy, a_volunteer, jsonl, volunteers_csv
from tests.support.openapi import assert_documented
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

VOLUNTEERS_IMPORT = "/api/v1/roster/volunteers/import"
VOLUNTEERS_EXPORT = "/api/v1/roster/volunteers/export"


def vacancies_import(slug: str) -> str:
    return f"/api/v1/programmes/{slug}/vacancies/import"


def vacancies_export(slug: str) -> str:
    return f"/api/v1/programmes/{slug}/vacancies/export"


@pytest.fixture
def programme() -> Programme:
    return ProgrammeFactory(slug="mida-somalia")


@pytest.fixture
def manager(programme: Programme) -> User:
    user = ManagerFactory()
    programme.managers.add(user)
    return user


@pytest.fixture
def other_manager() -> User:
    user = ManagerFactory()
    ProgrammeFactory(slug="mida-ethiopia").managers.add(user)
    return user


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def upload(user: User | None, url: str, data: bytes, name: str = "roster.jsonl", **form: Any) -> Any:
    body = {"file": SimpleUploadedFile(name, data), **form}
    return client_for(user).post(url, body, format="multipart")


# --- Volunteer import ---------------------------------------------------------------


def test_it_lets_staff_import_volunteers_and_returns_the_report() -> None:
    response = upload(StaffFactory(), VOLUNTEERS_IMPORT, jsonl([a_volunteer()]))
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": [], "written": True}
    assert Volunteer.objects.get().source == "import"


def test_it_lets_any_programme_manager_import_volunteers(other_manager: User) -> None:
    response = upload(other_manager, VOLUNTEERS_IMPORT, volunteers_csv([a_volunteer()]), name="roster.csv")
    assert response.status_code == 200
    assert response.json()["created"] == 1


def test_it_forbids_a_volunteer_to_import_volunteers() -> None:
    response = upload(UserFactory(), VOLUNTEERS_IMPORT, jsonl([a_volunteer()]))
    assert response.status_code == 403
    assert set(response.json()) == {"errors"}
    assert not Volunteer.objects.exists()


def test_it_asks_an_anonymous_caller_to_authenticate() -> None:
    response = upload(None, VOLUNTEERS_IMPORT, jsonl([a_volunteer()]))
    assert response.status_code == 401
    assert not Volunteer.objects.exists()


def test_it_answers_400_with_the_report_and_the_errors_by_field(manager: User) -> None:
    records = [a_volunteer(), a_volunteer(external_id="V-2", email="b@example.org", years_experience=70)]
    response = upload(manager, VOLUNTEERS_IMPORT, jsonl(records))
    assert response.status_code == 400
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 0)
    assert [(r["line"], r["field"]) for r in body["rejected"]] == [(2, "years_experience")]
    assert body["errors"]["years_experience"][0].startswith("line 2: ")


def test_it_honours_atomic_and_dry_run_form_fields(manager: User) -> None:
    bad = jsonl([a_volunteer(), a_volunteer(external_id="V 2")])
    response = upload(manager, VOLUNTEERS_IMPORT, bad, atomic="true")
    assert (response.status_code, response.json()["written"]) == (400, False)
    assert not Volunteer.objects.exists()
    response = upload(manager, VOLUNTEERS_IMPORT, jsonl([a_volunteer()]), dry_run="true")
    assert (response.status_code, response.json()["created"], response.json()["written"]) == (200, 1, False)
    assert not Volunteer.objects.exists()


def test_it_reports_an_unreadable_file_as_a_400_naming_the_file(manager: User) -> None:
    response = upload(manager, VOLUNTEERS_IMPORT, "Zoë".encode("cp1252"), name="roster.csv")
    assert response.status_code == 400
    assert response.json()["rejected"][0]["field"] == "file"
    assert "not UTF-8" in response.json()["errors"]["file"][0]


def test_it_asks_for_the_file_when_none_is_sent(manager: User) -> None:
    response = client_for(manager).post(VOLUNTEERS_IMPORT, {"atomic": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_it_documents_each_400_an_upload_can_answer(manager: User, programme: Programme) -> None:
    # A form without a file is refused before any report exists: the schema
    # promised the report's fields on every 400, which clients then failed to read.
    answers = {
        "no file": client_for(manager).post(VOLUNTEERS_IMPORT, {"atomic": "true"}, format="multipart"),
        "unreadable file": upload(manager, VOLUNTEERS_IMPORT, "Zoë".encode("cp1252"), name="roster.csv"),
        "rejected line": upload(manager, VOLUNTEERS_IMPORT, jsonl([a_volunteer(years_experience=70)])),
    }
    for name, response in answers.items():
        assert response.status_code == 400, name
        assert_documented(response, method="POST", template=VOLUNTEERS_IMPORT, path=VOLUNTEERS_IMPORT)
    no_file = client_for(manager).post(vacancies_import(programme.slug), {}, format="multipart")
    template = vacancies_import("{slug}")
    assert_documented(no_file, method="POST", template=template, path=vacancies_import(programme.slug))


def test_it_refuses_a_json_body_instead_of_an_upload(manager: User) -> None:
    response = client_for(manager).post(VOLUNTEERS_IMPORT, a_volunteer(), format="json")
    assert response.status_code == 415


def test_it_throttles_uploads_in_the_write_scope(manager: User, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "write": "2/min"},
    }
    statuses = [upload(manager, VOLUNTEERS_IMPORT, jsonl([a_volunteer()])).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- Vacancy import ------------------------------------------------------------------


def test_it_lets_the_programmes_manager_import_its_vacancies(manager: User, programme: Programme) -> None:
    response = upload(manager, vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 200
    vacancy = Vacancy.objects.get()
    assert (vacancy.programme, vacancy.status, vacancy.created_by) == (programme, Vacancy.Status.OPEN, manager)
    assert vacancy.status_changed_by == manager


def test_it_lets_staff_import_any_programmes_vacancies(programme: Programme) -> None:
    response = upload(StaffFactory(), vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 200


def test_it_hides_a_programme_from_another_programmes_manager(other_manager: User, programme: Programme) -> None:
    response = upload(other_manager, vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 404
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "staff"])
def test_it_answers_404_for_an_unknown_programme_rather_than_creating_it(persona: str, manager: User) -> None:
    user = manager if persona == "manager" else StaffFactory()
    response = upload(user, vacancies_import("mida-nowhere"), jsonl([a_vacancy()]))
    assert response.status_code == 404
    assert not Programme.objects.filter(slug="mida-nowhere").exists()


def test_it_forbids_a_volunteer_to_import_vacancies(programme: Programme) -> None:
    response = upload(UserFactory(), vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 403


def test_it_asks_an_anonymous_caller_to_authenticate_for_vacancies(programme: Programme) -> None:
    response = upload(None, vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 401


def test_it_keeps_a_manager_off_another_programmes_vacancy_by_external_id(manager: User, programme: Programme) -> None:
    VacancyFactory(external_id="A-0001", title="Theirs")
    response = upload(manager, vacancies_import(programme.slug), jsonl([a_vacancy()]))
    assert response.status_code == 400
    assert response.json()["rejected"][0]["field"] == "external_id"
    assert Vacancy.objects.get().title == "Theirs"


# --- Export ------------------------------------------------------------------------------


def _content(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(("fmt", "media_type"), [("jsonl", "application/x-ndjson"), ("csv", "text/csv")])
def test_it_lets_staff_download_the_volunteer_roster(fmt: str, media_type: str) -> None:
    VolunteerFactory(external_id="V-1")
    response = client_for(StaffFactory()).get(VOLUNTEERS_EXPORT, {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)
    assert f'filename="volunteers.{fmt}"' in response["Content-Disposition"]
    assert "V-1" in _content(response)


def test_it_keeps_volunteer_contact_details_from_managers(manager: User) -> None:
    response = client_for(manager).get(VOLUNTEERS_EXPORT)
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["volunteer", "anon"])
def test_it_keeps_the_volunteer_roster_from_everyone_else(persona: str) -> None:
    user = UserFactory() if persona == "volunteer" else None
    response = client_for(user).get(VOLUNTEERS_EXPORT, {"format": "csv"})
    assert response.status_code == (403 if user else 401)
    assert set(response.json()) == {"errors"}


def test_it_rejects_an_unknown_export_format_naming_the_parameter() -> None:
    response = client_for(StaffFactory()).get(VOLUNTEERS_EXPORT, {"format": "xlsx"})
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_it_lets_a_manager_download_their_programmes_vacancies(manager: User, programme: Programme) -> None:
    VacancyFactory(programme=programme, external_id="A-MINE")
    VacancyFactory(external_id="A-THEIRS")
    response = client_for(manager).get(vacancies_export(programme.slug), {"format": "csv"})
    assert response.status_code == 200
    content = _content(response)
    assert "A-MINE" in content
    assert "A-THEIRS" not in content


def test_it_lets_staff_download_any_programmes_vacancies(programme: Programme) -> None:
    VacancyFactory(programme=programme, external_id="A-MINE")
    response = client_for(StaffFactory()).get(vacancies_export(programme.slug))
    assert response.status_code == 200
    assert "A-MINE" in _content(response)


@pytest.mark.parametrize(("persona", "status"), [("other_manager", 404), ("volunteer", 403), ("anon", 401)])
def test_it_keeps_a_programmes_vacancy_export_from_outsiders(
    persona: str, status: int, programme: Programme, other_manager: User
) -> None:
    user = {"other_manager": other_manager, "volunteer": UserFactory(), "anon": None}[persona]
    response = client_for(user).get(vacancies_export(programme.slug))
    assert response.status_code == status


def test_it_round_trips_an_api_export_through_an_api_import(manager: User, programme: Programme) -> None:
    upload(manager, vacancies_import(programme.slug), jsonl([a_vacancy(), a_vacancy(external_id="A-2")]))
    exported = _content(client_for(manager).get(vacancies_export(programme.slug), {"format": "csv"}))
    response = upload(manager, vacancies_import(programme.slug), exported.encode(), name="export.csv")
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 2, "rejected": [], "written": True}


# --- Routing and schema ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "view"),
    [
        (VOLUNTEERS_IMPORT, views.VolunteerImportView),
        (VOLUNTEERS_EXPORT, views.VolunteerExportView),
        (vacancies_import("mida-somalia"), views.VacancyImportView),
        (vacancies_export("mida-somalia"), views.VacancyExportView),
    ],
)
def test_it_routes_each_roster_path_to_its_view(path: str, view: type) -> None:
    assert resolve(path).func.view_class is view  # type: ignore[attr-defined]


@override_settings(DEBUG=False)
def test_it_describes_the_upload_as_multipart_in_the_schema() -> None:
    response = client_for(StaffFactory()).get("/api/schema/", {"format": "json"})
    schema = response.json()
    operation = schema["paths"][VOLUNTEERS_IMPORT]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert set(schema["paths"][vacancies_export("{slug}")]["get"]["responses"]["200"]["content"]) == {
        "application/x-ndjson",
        "text/csv",
    }
