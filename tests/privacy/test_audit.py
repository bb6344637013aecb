"""Audit records: who was shown a shortlist or a volunteer's contact details, on the API and on the pages."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_issue
from assignments.models import Application
from assignments.services import application_withdraw
from core.models import AuditRecord
from matching.models import MatchResult
from tests.factories import ManagerFactory, ProgrammeFactory, StaffFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

CONTACT = AuditRecord.Action.CONTACT_VIEW
SHORTLIST = AuditRecord.Action.SHORTLIST_VIEW


@pytest.fixture(autouse=True)
def _private_cache(settings: pytest.FixtureRequest) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "audit"}}
    cache.clear()


@pytest.fixture
def manager() -> User:
    return ManagerFactory()


@pytest.fixture
def application(manager: User) -> Application:
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    volunteer = VolunteerFactory(full_name="Hodan Warsame")
    MatchResult.objects.create(vacancy=vacancy, volunteer=volunteer, score=0.8, engine_version="test")
    return Application.objects.create(vacancy=vacancy, volunteer=volunteer)


def api(user: User) -> APIClient:
    client = APIClient()
    _, key = api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def records() -> list[tuple[int | None, str, str, str]]:
    return list(AuditRecord.objects.order_by("pk").values_list("actor_id", "action", "object_type", "object_id"))


def test_it_records_who_read_a_shortlist_over_the_api(manager: User) -> None:
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    MatchResult.objects.create(vacancy=vacancy, volunteer=VolunteerFactory(), score=0.8, engine_version="test")

    response = api(manager).get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist")

    assert response.status_code == 200
    assert records() == [(manager.pk, SHORTLIST, "vacancy", str(vacancy.pk))]
    assert AuditRecord.objects.get().at is not None


def _candidate_who_did_not_apply(application: Application) -> Volunteer:
    other = VolunteerFactory()
    MatchResult.objects.create(vacancy=application.vacancy, volunteer=other, score=0.7, engine_version="test")
    return other


def test_it_records_whose_contact_details_a_shortlist_showed_over_the_api(
    manager: User, application: Application
) -> None:
    # The applicant's name and email are on the list; the other candidate is shown by profile only.
    _candidate_who_did_not_apply(application)

    response = api(manager).get(f"/api/v1/vacancies/{application.vacancy.external_id}/shortlist")

    assert [row["contact"] is not None for row in response.json()["results"]] == [True, False]
    assert records() == [
        (manager.pk, SHORTLIST, "vacancy", str(application.vacancy_id)),
        (manager.pk, CONTACT, "volunteer", str(application.volunteer_id)),
    ]


def test_it_records_whose_contact_details_a_manager_read_over_the_api(manager: User, application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    client = api(manager)

    assert client.get("/api/v1/volunteers/").status_code == 200
    assert client.get(f"/api/v1/volunteers/{volunteer.external_id}").status_code == 200
    assert client.get("/api/v1/applications/").status_code == 200
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 200

    assert records() == [(manager.pk, CONTACT, "volunteer", str(volunteer.pk))] * 4


def test_it_records_the_pages_a_manager_opened(manager: User, application: Application) -> None:
    # The shortlist and its CSV show the applicant's name and email, and the other candidate's profile only.
    _candidate_who_did_not_apply(application)
    client = page(manager)
    external_id = application.vacancy.external_id

    assert client.get(f"/manage/vacancies/{external_id}/shortlist/").status_code == 200
    assert b"".join(client.get(f"/manage/vacancies/{external_id}/shortlist.csv").streaming_content)
    assert client.get(f"/manage/applications/{application.pk}/").status_code == 200

    applicant = (manager.pk, CONTACT, "volunteer", str(application.volunteer_id))
    assert records() == [
        (manager.pk, SHORTLIST, "vacancy", str(application.vacancy_id)),
        applicant,
        (manager.pk, AuditRecord.Action.SHORTLIST_EXPORT, "vacancy", str(application.vacancy_id)),
        applicant,
        applicant,
    ]


def test_it_records_nothing_for_refusals_or_a_volunteer_reading_their_own(
    manager: User, application: Application
) -> None:
    other_manager = ManagerFactory()
    volunteer = application.volunteer
    assert volunteer is not None
    assert volunteer.user is not None

    assert api(other_manager).get(f"/api/v1/vacancies/{application.vacancy.external_id}/shortlist").status_code == 404
    assert api(other_manager).get(f"/api/v1/applications/{application.pk}").status_code == 404
    assert api(volunteer.user).get("/api/v1/applications/").status_code == 200

    assert records() == []


def test_a_record_holds_no_personal_data(manager: User, application: Application) -> None:
    api(manager).get(f"/api/v1/applications/{application.pk}")

    text = " ".join(str(value) for value in AuditRecord.objects.values().get().values())
    volunteer = application.volunteer
    assert volunteer is not None
    assert volunteer.full_name not in text
    assert volunteer.email not in text
    assert manager.email not in text


def test_a_list_records_in_one_insert_whatever_the_page_holds(manager: User, application: Application) -> None:
    for _ in range(5):
        Application.objects.create(vacancy=application.vacancy, volunteer=VolunteerFactory())
    client = api(manager)

    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/volunteers/")
    inserts = [q["sql"] for q in captured.captured_queries if "core_auditrecord" in q["sql"]]

    assert len(inserts) == 1
    assert AuditRecord.objects.count() == 6


def test_staff_read_the_records_in_the_admin_and_nobody_edits_them(manager: User, application: Application) -> None:
    api(manager).get(f"/api/v1/vacancies/{application.vacancy.external_id}/shortlist")
    staff = StaffFactory(is_superuser=True)
    client = page(staff)

    listing = client.get("/admin/core/auditrecord/")
    record = AuditRecord.objects.get(action=SHORTLIST)

    assert listing.status_code == 200
    assert "shortlist.view" in listing.content.decode() or "Viewed a shortlist" in listing.content.decode()
    model_admin = site._registry[AuditRecord]
    request = listing.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    assert client.post(f"/admin/core/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.filter(pk=record.pk).exists()


# One candidate's profile or match explanation: the why-not answers (API and page), the compare page,
# an application answered after a move. Each writes its row; a refusal or a 404 writes none.

CANDIDATE = AuditRecord.Action.CANDIDATE_VIEW


def test_it_records_whose_explanation_a_manager_read_over_the_api(manager: User, application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    url = f"/api/v1/vacancies/{application.vacancy.external_id}/shortlist/{volunteer.external_id}"

    assert api(manager).get(url).status_code == 200

    assert records() == [(manager.pk, CANDIDATE, "volunteer", str(volunteer.pk))]


def test_an_explanation_refused_or_not_found_over_the_api_records_nothing(
    manager: User, application: Application
) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    vacancy = application.vacancy.external_id

    assert (
        api(ManagerFactory()).get(f"/api/v1/vacancies/{vacancy}/shortlist/{volunteer.external_id}").status_code == 404
    )
    assert api(manager).get(f"/api/v1/vacancies/{vacancy}/shortlist/V-NOBODY").status_code == 404
    assert api(volunteer.user).get(f"/api/v1/vacancies/{vacancy}/shortlist/{volunteer.external_id}").status_code == 403

    assert records() == []


def test_it_records_whose_contact_details_a_move_over_the_api_answered_with(
    manager: User, application: Application
) -> None:
    url = f"/api/v1/applications/{application.pk}/transition"

    assert api(manager).post(url, {"status": "shortlisted"}, format="json").status_code == 200

    assert records() == [(manager.pk, CONTACT, "volunteer", str(application.volunteer_id))]


def test_a_move_refused_over_the_api_records_nothing(manager: User, application: Application) -> None:
    url = f"/api/v1/applications/{application.pk}/transition"

    assert api(ManagerFactory()).post(url, {"status": "shortlisted"}, format="json").status_code == 404
    assert api(manager).post(url, {"status": "no-such-step"}, format="json").status_code == 400

    assert records() == []


def test_it_records_whose_why_not_page_a_manager_opened(manager: User, application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    url = f"/manage/vacancies/{application.vacancy.external_id}/why-not/"

    assert page(manager).get(url, {"who": volunteer.external_id}).status_code == 200

    assert records() == [(manager.pk, CANDIDATE, "volunteer", str(volunteer.pk))]


def test_a_why_not_page_refused_or_finding_no_one_records_nothing(manager: User, application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    url = f"/manage/vacancies/{application.vacancy.external_id}/why-not/"

    assert page(ManagerFactory()).get(url, {"who": volunteer.external_id}).status_code == 404
    nobody = page(manager).get(url, {"who": "No Such Person"})
    assert nobody.status_code == 200
    assert "No one on the roster" in nobody.content.decode()
    assert page(manager).get(url).status_code == 200  # the empty form

    assert records() == []


def test_it_records_each_candidate_a_manager_compared(manager: User, application: Application) -> None:
    # The applicant's name and email show (contact); the other is shown by profile only.
    other = VolunteerFactory()
    MatchResult.objects.create(vacancy=application.vacancy, volunteer=other, score=0.7, engine_version="test")
    volunteer = application.volunteer
    assert volunteer is not None
    url = f"/manage/vacancies/{application.vacancy.external_id}/compare/"

    response = page(manager).get(url, {"v": [volunteer.external_id, other.external_id]})

    assert response.status_code == 200
    assert volunteer.full_name in response.content.decode()
    assert records() == [
        (manager.pk, CONTACT, "volunteer", str(volunteer.pk)),
        (manager.pk, CANDIDATE, "volunteer", str(other.pk)),
    ]


def test_a_compare_page_refused_or_showing_no_one_records_nothing(manager: User, application: Application) -> None:
    other = VolunteerFactory()
    MatchResult.objects.create(vacancy=application.vacancy, volunteer=other, score=0.7, engine_version="test")
    volunteer = application.volunteer
    assert volunteer is not None
    url = f"/manage/vacancies/{application.vacancy.external_id}/compare/"
    both = {"v": [volunteer.external_id, other.external_id]}

    assert page(ManagerFactory()).get(url, both).status_code == 404
    one = page(manager).get(url, {"v": [other.external_id]})
    assert one.status_code == 200
    assert "Choose two or three candidates to compare." in one.content.decode()

    assert records() == []


def test_it_records_the_application_page_shown_again_after_a_refused_move(
    manager: User, application: Application
) -> None:
    url = f"/manage/applications/{application.pk}/move/"
    form = {"to_status": "shortlisted", "from_status": application.status, "note": "x" * 2001}

    response = page(manager).post(url, form)

    assert response.status_code == 400
    assert records() == [(manager.pk, CONTACT, "volunteer", str(application.volunteer_id))]


def test_a_move_page_refused_records_nothing(manager: User, application: Application) -> None:
    url = f"/manage/applications/{application.pk}/move/"
    form = {"to_status": "shortlisted", "from_status": application.status}

    assert page(ManagerFactory()).post(url, form).status_code == 404

    assert records() == []


def _withdrawn(application: Application) -> Volunteer:
    """The application withdrawn by its volunteer, who is returned."""
    volunteer = application.volunteer
    assert volunteer is not None
    assert volunteer.user is not None
    application_withdraw(application=application, actor=volunteer.user, note="")
    return volunteer


def test_after_a_withdrawal_the_pages_show_a_manager_no_name_or_email_and_record_nothing(
    manager: User, application: Application
) -> None:
    # As over the API: withdrawing takes back what applying disclosed (staff still see who it was).
    volunteer = _withdrawn(application)
    client = page(manager)

    detail = client.get(f"/manage/applications/{application.pk}/").content.decode()
    listing = client.get(f"/manage/vacancies/{application.vacancy.external_id}/").content.decode()

    for html in (detail, listing):
        assert volunteer.full_name not in html
        assert volunteer.email not in html
        assert volunteer.user.email not in html  # the withdrawal step's actor
        assert volunteer.external_id in html
    assert records() == []
    staff_view = page(StaffFactory()).get(f"/manage/applications/{application.pk}/").content.decode()
    assert volunteer.full_name in staff_view


def test_after_a_withdrawal_comparing_records_a_candidate_view_not_a_contact_view(
    manager: User, application: Application
) -> None:
    # The compare page no longer shows the manager who it was (issue #11), so it records the profile shown.
    other = VolunteerFactory()
    MatchResult.objects.create(vacancy=application.vacancy, volunteer=other, score=0.7, engine_version="test")
    volunteer = _withdrawn(application)
    url = f"/manage/vacancies/{application.vacancy.external_id}/compare/"
    both = {"v": [volunteer.external_id, other.external_id]}

    response = page(manager).get(url, both)

    assert response.status_code == 200
    assert volunteer.full_name not in response.content.decode()
    assert records() == [
        (manager.pk, CANDIDATE, "volunteer", str(volunteer.pk)),
        (manager.pk, CANDIDATE, "volunteer", str(other.pk)),
    ]


def test_staff_comparing_still_see_who_withdrew_and_it_is_recorded_as_a_contact_view(
    application: Application,
) -> None:
    other = VolunteerFactory()
    MatchResult.objects.create(vacancy=application.vacancy, volunteer=other, score=0.7, engine_version="test")
    volunteer = _withdrawn(application)
    staff = StaffFactory()

    response = page(staff).get(
        f"/manage/vacancies/{application.vacancy.external_id}/compare/",
        {"v": [volunteer.external_id, other.external_id]},
    )

    assert volunteer.full_name in response.content.decode()
    assert records() == [
        (staff.pk, CONTACT, "volunteer", str(volunteer.pk)),
        (staff.pk, CANDIDATE, "volunteer", str(other.pk)),
    ]


def test_after_a_withdrawal_the_shortlist_records_only_the_shortlist_read(
    manager: User, application: Application
) -> None:
    # The shortlist (API, page, CSV) records who read which vacancy's list, and a contact view only of those
    # whose name and email it shows: after a withdrawal, not the person who withdrew.
    _withdrawn(application)
    vacancy = application.vacancy

    assert api(manager).get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist").status_code == 200
    assert page(manager).get(f"/manage/vacancies/{vacancy.external_id}/shortlist/").status_code == 200
    assert page(manager).get(f"/manage/vacancies/{vacancy.external_id}/shortlist.csv").status_code == 200

    assert records() == [
        (manager.pk, SHORTLIST, "vacancy", str(vacancy.pk)),
        (manager.pk, SHORTLIST, "vacancy", str(vacancy.pk)),
        (manager.pk, AuditRecord.Action.SHORTLIST_EXPORT, "vacancy", str(vacancy.pk)),
    ]


def test_staff_reading_a_shortlist_after_a_withdrawal_are_recorded_as_seeing_who_it_was(
    application: Application,
) -> None:
    _withdrawn(application)
    staff = StaffFactory()

    response = api(staff).get(f"/api/v1/vacancies/{application.vacancy.external_id}/shortlist")

    assert response.json()["results"][0]["contact"] is not None
    assert records() == [
        (staff.pk, SHORTLIST, "vacancy", str(application.vacancy_id)),
        (staff.pk, CONTACT, "volunteer", str(application.volunteer_id)),
    ]
