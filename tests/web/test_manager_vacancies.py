"""Posting, editing and moving a vacancy through its lifecycle from the manager's pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from assignments.models import Application, Vacancy
from core.models import OutboxMessage
from tests.factories import ApplicationFactory, ProgrammeFactory, VacancyFactory
from tests.web.manager_support import signed_in, world

pytestmark = pytest.mark.django_db


def _form(programme_id: int | None, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Public Financial Management Adviser",
        "host_institution": "Ministry of Finance",
        "country": "SO",
        "location": "Mogadishu",
        "sector": "Public finance",
        "description": "Support budget execution reporting.",
        "required_skills": "budget execution\nIFMIS",
        "preferred_skills": "IPSAS",
        "language_0": "so",
        "level_0": "professional",
        "language_1": "en",
        "level_1": "fluent",
        "min_education": "master",
        "min_years_experience": "5",
        "start_date": "2027-04-01",
        "end_date": "2027-10-31",
        "on_site": "on",
        "positions": "2",
        "form_token": uuid.uuid4().hex,
    }
    if programme_id is not None:
        data["programme"] = str(programme_id)
    return data | overrides


def test_a_manager_posts_a_vacancy_as_a_draft() -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post("/manage/vacancies/new/", _form(w.programme.pk))

    vacancy = Vacancy.objects.get(title="Public Financial Management Adviser")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/vacancies/{vacancy.external_id}/"
    assert vacancy.status == Vacancy.Status.DRAFT
    assert vacancy.required_skills == ["budget execution", "IFMIS"]
    assert vacancy.required_languages == {"so": "professional", "en": "fluent"}
    assert (vacancy.host_institution.name, vacancy.positions, vacancy.created_by) == (
        "Ministry of Finance",
        2,
        w.manager,
    )


def test_the_sector_offers_the_matchers_sectors_and_those_in_use_and_takes_any_other() -> None:
    w = world(candidates=0)  # its vacancy's sector: Health
    VacancyFactory(programme=w.programme, sector="Fisheries")
    VacancyFactory(programme=w.programme, sector="Port logistics", status=Vacancy.Status.DRAFT)
    client = signed_in(w.manager)

    page = client.get("/manage/vacancies/new/").content.decode()
    assert '<input type="text" name="sector"' in page
    assert 'list="id_sector-suggestions"' in page
    offered = re.findall(
        r'<option value="([^"]*)"></option>', page[page.index('<datalist id="id_sector-suggestions">') :]
    )
    assert {"Fisheries", "Health", "Public finance", "Water and sanitation"} <= set(offered)
    assert "Port logistics" not in offered  # a draft's
    assert offered == sorted(offered, key=str.casefold)

    client.post("/manage/vacancies/new/", _form(w.programme.pk, sector="Beekeeping"))
    assert Vacancy.objects.filter(sector="Beekeeping").exists()


def test_errors_show_at_their_field_and_what_was_typed_stays() -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post(
        "/manage/vacancies/new/",
        _form(w.programme.pk, end_date="2027-03-01", positions="0", language_2="ar", title="Keep this title"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_positions_error"' in page
    assert 'id="id_level_2_error"' in page  # a language without its level
    assert 'value="Keep this title"' in page
    assert not Vacancy.objects.filter(title="Keep this title").exists()


def test_a_rule_of_the_model_shows_at_its_field() -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post("/manage/vacancies/new/", _form(w.programme.pk, end_date="2027-03-01"))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_end_date_error"' in page
    assert "must be after start_date" in page


def test_a_double_submitted_form_posts_once() -> None:
    w = world(candidates=0)
    client = signed_in(w.manager)
    token = uuid.uuid4().hex
    first = client.post("/manage/vacancies/new/", _form(w.programme.pk, form_token=token))
    second = client.post("/manage/vacancies/new/", _form(w.programme.pk, form_token=token))

    assert Vacancy.objects.filter(title="Public Financial Management Adviser").count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_only_the_managers_own_programmes_can_be_chosen() -> None:
    w = world(candidates=0)
    other = ProgrammeFactory()
    response = signed_in(w.manager).post("/manage/vacancies/new/", _form(other.pk))
    assert response.status_code == 400
    assert 'id="id_programme_error"' in response.content.decode()
    assert not Vacancy.objects.filter(programme=other).exists()


def test_editing_keeps_the_terms_and_an_open_vacancy_is_ranked_again() -> None:
    w = world(candidates=0)
    client = signed_in(w.manager)
    page = client.get(f"/manage/vacancies/{w.vacancy.external_id}/edit/").content.decode()
    assert 'value="Clinical Midwifery Tutor"' in page
    version = w.vacancy.updated_at.isoformat()

    response = client.post(
        f"/manage/vacancies/{w.vacancy.external_id}/edit/",
        _form(None, title="Senior Midwifery Tutor", version=version, form_token=uuid.uuid4().hex),
    )

    assert response.status_code == 302
    w.vacancy.refresh_from_db()
    assert w.vacancy.title == "Senior Midwifery Tutor"
    assert OutboxMessage.objects.filter(key__contains=str(w.vacancy.pk), sent_at__isnull=True).exists()


def test_an_edit_made_meanwhile_is_not_overwritten() -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post(
        f"/manage/vacancies/{w.vacancy.external_id}/edit/",
        _form(None, title="My stale edit", version="2020-01-01T00:00:00+00:00"),
    )
    assert response.status_code == 400
    assert "changed by someone else since you opened this page" in response.content.decode()
    w.vacancy.refresh_from_db()
    assert w.vacancy.title == "Clinical Midwifery Tutor"


def test_opening_closing_and_filling_go_through_the_service() -> None:
    w = world(candidates=0)
    w.vacancy.status = Vacancy.Status.DRAFT
    w.vacancy.save()
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/status/"

    client.post(url, {"status": "open"})
    w.vacancy.refresh_from_db()
    assert (w.vacancy.status, w.vacancy.status_changed_by) == ("open", w.manager)

    client.post(url, {"status": "filled"})
    w.vacancy.refresh_from_db()
    assert w.vacancy.status == "filled"


def test_a_stale_page_explains_why_nothing_happened() -> None:
    w = world(candidates=0)
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/status/"
    client.post(url, {"status": "filled"})  # a colleague, in another tab

    response = client.post(url, {"status": "closed"}, follow=True)

    assert "The vacancy is now filled, so it cannot be closed." in response.content.decode()
    again = client.post(url, {"status": "filled"}, follow=True)
    assert "The vacancy is already filled." in again.content.decode()


def test_the_vacancy_page_offers_to_mark_it_filled() -> None:
    w = world(candidates=1)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0], status=Application.Status.SELECTED)
    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/").content.decode()
    assert "every position is taken. Mark the vacancy filled?" in page


def test_another_programmes_vacancy_answers_404() -> None:
    w = world(candidates=0)
    client = signed_in(w.outsider)
    base = f"/manage/vacancies/{w.vacancy.external_id}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/status/", {"status": "closed"}).status_code == 404
    w.vacancy.refresh_from_db()
    assert w.vacancy.status == "open"


@pytest.mark.parametrize(
    "status",
    ["", "draft", "deployed", "\x00", "x" * 5000, "open\x00"],
    ids=["empty", "draft", "app", "nul", "long", "n"],
)
def test_no_status_a_browser_can_send_breaks_the_page(status: str) -> None:
    w = world(candidates=0)
    response = signed_in(w.manager).post(f"/manage/vacancies/{w.vacancy.external_id}/status/", {"status": status})
    assert response.status_code == 302
    w.vacancy.refresh_from_db()
    assert w.vacancy.status == "open"


def test_junk_in_the_vacancy_form_is_an_error_not_a_crash() -> None:
    w = world(candidates=0)
    junk = _form(
        w.programme.pk,
        title="\x00",
        country="ZZ",
        start_date="yesterday",
        min_years_experience="99999999999999999999",
        language_0="xx",
        programme="1e9",
    )
    response = signed_in(w.manager).post("/manage/vacancies/new/", junk)
    assert response.status_code == 400
