"""Staff work in the Django admin: search, filters, and actions that go through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assignments.models import ApplicationEvent, Vacancy
from tests.factories import (
    ApplicationFactory,
    ManagerFactory,
    ProgrammeFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize(
    "model",
    [
        "accounts/user",
        "volunteers/volunteer",
        "assignments/programme",
        "assignments/hostinstitution",
        "assignments/vacancy",
        "assignments/application",
    ],
)
def test_it_lists_and_opens_every_model_for_staff(staff_client: Client, model: str) -> None:
    ApplicationFactory()

    listing = staff_client.get(f"/admin/{model}/")
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    assert staff_client.get(f"/admin/{model}/{first.pk}/change/").status_code == 200


def test_it_keeps_managers_out_of_the_admin(client: Client) -> None:
    client.force_login(ManagerFactory())

    assert client.get("/admin/volunteers/volunteer/").status_code == 302


def test_it_finds_volunteers_by_skill_and_filters_by_source(staff_client: Client) -> None:
    wanted = VolunteerFactory(skills=["obstetric ultrasound"], source="import", user=None)
    VolunteerFactory(skills=["tax audit"], source="import", user=None)
    VolunteerFactory(skills=["obstetric ultrasound"], source="signup")

    response = staff_client.get("/admin/volunteers/volunteer/", {"q": "ultrasound", "source__exact": "import"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_it_sends_claim_invitations_from_the_volunteer_list(
    staff_client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    imported = VolunteerFactory(user=None, source="import")
    claimed = VolunteerFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/volunteers/volunteer/",
            {"action": "send_claim_invitations", "_selected_action": [imported.pk, claimed.pk]},
            follow=True,
        )

    imported.refresh_from_db()
    notes = [str(m) for m in response.context["messages"]]
    assert imported.user is not None
    assert [m.to for m in mail.outbox] == [[imported.email]]
    assert any("Sent 1 claim invitation" in n for n in notes)
    assert any(claimed.external_id in n and "already claimed" in n for n in notes)


def test_it_invites_a_manager_from_the_programme_page(
    staff_client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    programme = ProgrammeFactory()
    url = reverse("admin:assignments_programme_invite_manager", args=[programme.pk])
    assert staff_client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"email": "new.manager@example.org"})

    assert response.status_code == 302
    assert programme.managers.get().email == "new.manager@example.org"
    assert mail.outbox[-1].to == ["new.manager@example.org"]


def test_it_shows_why_a_manager_invitation_is_refused(staff_client: Client) -> None:
    programme = ProgrammeFactory()
    UserFactory(email="volunteer@example.org", role=User.Role.VOLUNTEER)

    response = staff_client.post(
        reverse("admin:assignments_programme_invite_manager", args=[programme.pk]), {"email": "volunteer@example.org"}
    )

    assert response.status_code == 200
    assert "belongs to a volunteer account" in response.content.decode()
    assert not programme.managers.exists()


def test_it_opens_and_closes_vacancies_through_the_lifecycle_service(staff_client: Client) -> None:
    draft = VacancyFactory(status=Vacancy.Status.DRAFT)
    filled = VacancyFactory(status=Vacancy.Status.FILLED)

    staff_client.post(
        "/admin/assignments/vacancy/", {"action": "open_vacancies", "_selected_action": [draft.pk, filled.pk]}
    )

    draft.refresh_from_db()
    filled.refresh_from_db()
    assert draft.status == Vacancy.Status.OPEN
    assert draft.status_changed_by is not None  # recorded by vacancy_set_status
    assert filled.status == Vacancy.Status.FILLED

    staff_client.post("/admin/assignments/vacancy/", {"action": "close_vacancies", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Vacancy.Status.CLOSED


def test_it_filters_vacancies_by_status_and_programme(staff_client: Client) -> None:
    programme = ProgrammeFactory()
    wanted = VacancyFactory(programme=programme, status=Vacancy.Status.OPEN)
    VacancyFactory(programme=programme, status=Vacancy.Status.DRAFT)
    VacancyFactory(status=Vacancy.Status.OPEN)

    response = staff_client.get(
        "/admin/assignments/vacancy/", {"status__exact": "open", "programme__id__exact": programme.pk}
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_it_shows_an_applications_history_read_only(staff_client: Client) -> None:
    application = ApplicationFactory()
    ApplicationEvent.objects.create(application=application, from_status="", to_status="interest", note="first step")

    response = staff_client.get(f"/admin/assignments/application/{application.pk}/change/")

    assert "first step" in response.content.decode()
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert not inline.has_change_permission
