"""Importing a file with its report line by line; the charts and their tables; links in managers' emails."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alerts.models import Alert
from alerts.participation import participation_by_stage
from alerts.services.messages import message_for
from assignments.models import Application, Vacancy
from tests.factories import ApplicationFactory, VacancyFactory, VolunteerFactory
from tests.web.manager_support import signed_in, world
from web.manager.charts import score_bins

pytestmark = pytest.mark.django_db


def _vacancy_line(external_id: str, **overrides: object) -> str:
    record = {
        "external_id": external_id,
        "title": "Hospital Pharmacist",
        "host_institution": "Hargeisa Group Hospital",
        "country": "SO",
        "sector": "Health",
        "description": "Set up stock control.",
        "required_skills": ["pharmacy"],
        "required_languages": {"so": "professional"},
        "min_education": "bachelor",
        "min_years_experience": 3,
        "start_date": "2027-05-01",
        "end_date": "2027-11-30",
        "on_site": True,
        "positions": 1,
    }
    return json.dumps(record | overrides)


def test_an_import_reports_line_by_line() -> None:
    w = world(candidates=0)
    body = "\n".join([_vacancy_line("IMP-1"), _vacancy_line("IMP-2", country="XX"), _vacancy_line("IMP-3")])
    upload = SimpleUploadedFile("vacancies.jsonl", body.encode())

    response = signed_in(w.manager).post(
        "/manage/import/",
        {"kind": "vacancies", "programme": w.programme.pk, "file": upload, "form_token": uuid.uuid4().hex},
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "Import report" in page
    assert '<dt class="col-6">Created</dt><dd class="col-6">2</dd>' in page
    assert "<tr><td>2</td><td>country</td>" in page
    assert set(Vacancy.objects.filter(external_id__startswith="IMP-").values_list("external_id", flat=True)) == {
        "IMP-1",
        "IMP-3",
    }


def test_an_import_without_a_file_or_programme_says_so_at_the_field() -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post("/manage/import/", {"kind": "vacancies"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in page
    assert 'id="id_programme_error"' in page


def test_another_programme_cannot_be_imported_into() -> None:
    w = world(candidates=0)
    upload = SimpleUploadedFile("vacancies.jsonl", _vacancy_line("IMP-9").encode())
    response = signed_in(w.outsider).post(
        "/manage/import/", {"kind": "vacancies", "programme": w.programme.pk, "file": upload}
    )
    assert response.status_code == 400
    assert not Vacancy.objects.filter(external_id="IMP-9").exists()


def test_a_file_that_cannot_be_read_is_reported_not_a_crash() -> None:
    w = world(candidates=0)
    upload = SimpleUploadedFile("roster.csv", b"\xff\xfe\x00garbage")
    response = signed_in(w.manager).post("/manage/import/", {"kind": "volunteers", "file": upload})
    assert response.status_code == 200
    assert "Nothing was written" in response.content.decode()


def test_the_charts_page_draws_svg_with_a_table_beside_each_chart() -> None:
    w = world(candidates=3)
    page = signed_in(w.manager).get("/manage/charts/").content.decode()
    assert '<svg role="img" aria-label="Skills: volunteers on the roster and open positions, by sector"' in page
    assert "<style" not in page  # the CSP allows no inline style element
    assert "<caption>Supply and demand by sector</caption>" in page
    assert '<th scope="row" class="fw-normal">Health</th>' in page


def test_participation_hides_groups_under_ten_and_pools_small_countries() -> None:
    w = world(candidates=0)
    women = [VolunteerFactory(gender="female", residence_country="GB") for _ in range(12)]
    men = [VolunteerFactory(gender="male", residence_country="SE") for _ in range(3)]
    for volunteer in women + men:
        ApplicationFactory(vacancy=w.vacancy, volunteer=volunteer)
    for volunteer in women[:10]:
        Application.objects.filter(volunteer=volunteer).update(status=Application.Status.SHORTLISTED)

    result = participation_by_stage(vacancies=Vacancy.objects.filter(pk=w.vacancy.pk))

    rows = {row.label: row.cells for row in result.by_gender}
    assert rows["Women"] == (None, 12, 10, None)
    assert rows["Men"] == (None, None, None, None)
    countries = {row.label: row.cells for row in result.by_country}
    assert countries["United Kingdom"] == (None, 12, 10, None)
    assert countries["Another country"] == (None, None, None, None)  # Sweden pooled, still under 10


def test_a_vacancys_scores_fall_into_bins_and_show_on_its_page() -> None:
    assert [b.count for b in score_bins([0.05, 0.55, 0.59, 1.0])] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 1]
    w = world(candidates=3)
    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/").content.decode()
    assert '<svg role="img" aria-label="Match scores of the ranked candidates"' in page
    assert "<caption>Candidates per score range</caption>" in page


@pytest.mark.parametrize("kind", ["manager_first", "stale_reminder", "manager_summary"])
def test_every_link_in_a_managers_email_opens_a_page(kind: str, settings: object) -> None:
    w = world(candidates=1)
    application = ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0])
    alert = Alert.objects.create(
        kind=kind,
        key=f"{kind}:test",
        channel="email",
        user=w.manager,
        vacancy=w.vacancy,
        application=application,
        context={"count": 3, "step": "interest", "days": 9, "day": "2027-01-01", "vacancies": []},
    )
    message = message_for(alert)
    site = settings.SITE_URL.rstrip("/")  # type: ignore[attr-defined]
    links = [word for word in message.text.split() if word.startswith(site)]
    assert links, message.text
    client = signed_in(w.manager)
    for link in links:
        response = client.get(link.removeprefix(site))
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/html"), link


def test_the_charts_need_no_vacancy_and_no_people() -> None:
    w = world(candidates=0)
    Vacancy.objects.all().delete()
    VacancyFactory(programme=w.programme, required_skills=[], preferred_skills=[])
    assert signed_in(w.manager).get("/manage/charts/").status_code == 200
