"""What each role sees in lists: volunteers, vacancies, programmes."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from assignments.models import Application, Vacancy
from core.models import OutboxMessage
from tests.api.conftest import World, client_for
from tests.factories import VacancyFactory, VolunteerFactory


def _ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["external_id"] for row in response.json()["results"]}


def test_it_shows_a_manager_only_the_applicants_to_their_programmes(world: World) -> None:
    VolunteerFactory()  # on the roster, applied nowhere
    other_applicant = VolunteerFactory()
    Application.objects.create(vacancy=world.other_vacancy, volunteer=other_applicant)

    assert _ids(client_for(world.manager).get("/api/v1/volunteers/")) == {world.volunteer.external_id}
    assert _ids(client_for(world.other_manager).get("/api/v1/volunteers/")) == {other_applicant.external_id}
    assert client_for(world.other_manager).get(f"/api/v1/volunteers/{world.volunteer.external_id}").status_code == 404


def test_it_gives_managers_contact_details_but_never_gender(world: World) -> None:
    world.volunteer.gender = "female"
    world.volunteer.save()
    row = client_for(world.manager).get(f"/api/v1/volunteers/{world.volunteer.external_id}").json()
    assert (row["email"], row["full_name"]) == (world.volunteer.email, world.volunteer.full_name)
    assert "gender" not in row
    listed = client_for(world.manager).get("/api/v1/volunteers/").json()["results"]
    assert all("gender" not in r for r in listed)

    staff_row = client_for(world.staff).get(f"/api/v1/volunteers/{world.volunteer.external_id}").json()
    assert staff_row["gender"] == "female"


def test_it_lists_every_profile_for_staff_except_erased_ones(world: World) -> None:
    erased = VolunteerFactory(erased_at=timezone.now())
    ids = _ids(client_for(world.staff).get("/api/v1/volunteers/"))
    assert {world.volunteer.external_id, world.other_volunteer.external_id} <= ids
    assert erased.external_id not in ids


def test_it_filters_volunteers_by_country_language_education_and_years(world: World) -> None:
    staff = client_for(world.staff)
    senior = VolunteerFactory(
        residence_country="SE", languages={"ar": "fluent"}, education="doctorate", years_experience=30
    )
    assert _ids(staff.get("/api/v1/volunteers/?residence_country=SE")) == {senior.external_id}
    assert _ids(staff.get("/api/v1/volunteers/?language=ar")) == {senior.external_id}
    assert _ids(staff.get("/api/v1/volunteers/?education=doctorate")) == {senior.external_id}
    assert _ids(staff.get("/api/v1/volunteers/?min_education=master")) == {senior.external_id}
    assert _ids(staff.get("/api/v1/volunteers/?min_years=20")) == {senior.external_id}
    assert senior.external_id in _ids(staff.get("/api/v1/volunteers/?min_years=12"))


def test_it_shows_volunteers_only_open_vacancies_and_managers_theirs_in_any_status(world: World) -> None:
    closed = VacancyFactory(programme=world.programme, status=Vacancy.Status.CLOSED)
    volunteer_sees = _ids(client_for(world.volunteer_user).get("/api/v1/vacancies/"))
    assert volunteer_sees == {world.vacancy.external_id, world.other_vacancy.external_id}
    manager_sees = _ids(client_for(world.manager).get("/api/v1/vacancies/"))
    assert manager_sees == {world.vacancy.external_id, world.draft_vacancy.external_id, closed.external_id}
    assert len(_ids(client_for(world.staff).get("/api/v1/vacancies/"))) == 4


def test_it_filters_and_searches_vacancies(world: World) -> None:
    finance = VacancyFactory(
        programme=world.programme,
        title="PFM Adviser",
        sector="Finance",
        country="ET",
        start_date=date(2027, 6, 1),
        end_date=date(2027, 9, 1),
    )
    staff = client_for(world.staff)
    assert _ids(staff.get("/api/v1/vacancies/?search=pfm")) == {finance.external_id}
    assert _ids(staff.get("/api/v1/vacancies/?sector=finance")) == {finance.external_id}
    assert _ids(staff.get("/api/v1/vacancies/?country=ET")) == {finance.external_id}
    assert _ids(staff.get("/api/v1/vacancies/?start_date_from=2027-05-01&start_date_to=2027-07-01")) == {
        finance.external_id
    }
    assert _ids(staff.get("/api/v1/vacancies/?status=draft")) == {world.draft_vacancy.external_id}
    assert world.other_vacancy.external_id not in _ids(
        staff.get(f"/api/v1/vacancies/?programme={world.programme.slug}")
    )


def test_it_posts_a_vacancy_as_a_draft_and_records_who_opens_it(world: World) -> None:
    client = client_for(world.manager)
    body = {
        "programme": world.programme.slug,
        "title": "Health Information Systems Adviser",
        "host_institution": "ministry of health and human services",
        "country": "SO",
        "sector": "Health",
        "description": "Strengthen HMIS reporting in regional hospitals.",
        "required_languages": {"so": "professional"},
        "start_date": "2027-05-01",
        "end_date": "2027-10-31",
    }
    created = client.post("/api/v1/vacancies/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    # The host written in another case is the institution already registered.
    assert created.json()["host_institution"] == "Ministry of Health and Human Services"
    external_id = created.json()["external_id"]

    opened = client.post(f"/api/v1/vacancies/{external_id}/status", {"status": "open"}, format="json").json()
    assert opened["status"] == "open"
    assert opened["status_changed_by"] == world.manager.email
    assert opened["status_changed_at"] is not None

    refused = client.post(f"/api/v1/vacancies/{external_id}/status", {"status": "draft"}, format="json")
    assert list(refused.json()["errors"]) == ["status"]


def test_it_reranks_an_open_vacancy_when_it_is_edited_but_not_a_draft(world: World) -> None:
    OutboxMessage.objects.all().delete()
    client = client_for(world.manager)
    client.patch(f"/api/v1/vacancies/{world.draft_vacancy.external_id}", {"title": "Draft edit"}, format="json")
    assert not OutboxMessage.objects.filter(key=f"vacancy:{world.draft_vacancy.pk}").exists()

    response = client.patch(
        f"/api/v1/vacancies/{world.vacancy.external_id}", {"min_years_experience": 5}, format="json"
    )
    assert response.status_code == 200
    assert OutboxMessage.objects.filter(key=f"vacancy:{world.vacancy.pk}", sent_at__isnull=True).exists()


def test_it_reads_another_programmes_slug_as_unknown_when_a_manager_posts(world: World) -> None:
    body = {"programme": world.other_programme.slug, "title": "x", "host_institution": "y", "country": "SO"}
    response = client_for(world.manager).post("/api/v1/vacancies/", body, format="json")
    assert "programme" in response.json()["errors"]
    assert not Vacancy.objects.filter(title="x").exists()


def test_it_lets_staff_staff_a_programme(world: World) -> None:
    staff = client_for(world.staff)
    url = f"/api/v1/programmes/{world.programme.slug}/managers"
    added = staff.post(url, {"email": world.other_manager.email}, format="json")
    assert {m["email"] for m in added.json()["managers"]} == {world.manager.email, world.other_manager.email}
    assert world.vacancy.external_id in _ids(client_for(world.other_manager).get("/api/v1/vacancies/"))

    volunteer_email = staff.post(url, {"email": world.volunteer_user.email}, format="json")
    assert list(volunteer_email.json()["errors"]) == ["email"]

    assert staff.delete(f"{url}/{world.manager.pk}").status_code == 204
    assert client_for(world.manager).get(f"/api/v1/programmes/{world.programme.slug}").status_code == 404
    assert staff.delete(f"{url}/{world.manager.pk}").status_code == 404


def test_it_refuses_a_duplicate_host_institution_by_name(world: World) -> None:
    client = client_for(world.manager)
    body = {"name": "MINISTRY OF HEALTH AND HUMAN SERVICES", "country": "SO"}
    assert list(client.post("/api/v1/host-institutions/", body, format="json").json()["errors"]) == ["name"]
