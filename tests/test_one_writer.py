"""Every path that writes a vacancy or a profile gives the same result for the same input.

The API, the roster import, the admin and the invitation claim all go through
one service per aggregate (assignments.services, volunteers.services), so host
institutions, status transitions and consent defaults are decided once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from assignments.models import HostInstitution, Programme, Vacancy
from core.models import OutboxMessage
from core.tasknames import RANK_VACANCY
from roster.vacancies import vacancies_import
from roster.volunteers import volunteers_import
from tests.factories import ManagerFactory, ProgrammeFactory, StaffFactory, UserFactory, VolunteerFactory
from tests.roster.conftest import a_vacancy, a_volunteer, jsonl
from volunteers.models import Volunteer
from volunteers.services import volunteer_send_claim_invitation

pytestmark = pytest.mark.django_db

TERMS = {key: value for key, value in a_vacancy().items() if key not in ("external_id", "host_institution")}


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _open_by_api(programme: Programme, actor: User, host: str, external_id: str) -> Vacancy:
    client = _api(actor)
    created = client.post(
        "/api/v1/vacancies/", {"programme": programme.slug, "host_institution": host, **TERMS}, format="json"
    )
    assert created.status_code == 201, created.json()
    vacancy = Vacancy.objects.get(external_id=created.json()["external_id"])
    Vacancy.objects.filter(pk=vacancy.pk).update(external_id=external_id)
    opened = client.post(f"/api/v1/vacancies/{external_id}/status", {"status": "open"}, format="json")
    assert opened.status_code == 200, opened.json()
    return Vacancy.objects.get(external_id=external_id)


def _open_by_import(programme: Programme, actor: User, host: str, external_id: str) -> Vacancy:
    report = vacancies_import(
        data=jsonl([a_vacancy(external_id=external_id, host_institution=host)]),
        filename="vacancies.jsonl",
        programme_slug=programme.slug,
        actor=actor,
    )
    assert not report.rejected, report.as_dict()
    return Vacancy.objects.get(external_id=external_id)


def _open_by_admin(programme: Programme, actor: User, host: str, external_id: str) -> Vacancy:
    # The admin offers the registered host institutions to pick from.
    institution = HostInstitution.objects.get(name__iexact=host.strip(), country=TERMS["country"])
    browser = Client()
    browser.force_login(actor)
    form = {
        **{key: json.dumps(value) if isinstance(value, list | dict) else value for key, value in TERMS.items()},
        "external_id": external_id,
        "programme": programme.pk,
        "host_institution": institution.pk,
        "on_site": "on",
    }
    added = browser.post("/admin/assignments/vacancy/add/", form)
    assert added.status_code == 302, added.content.decode()[:2000]
    vacancy = Vacancy.objects.get(external_id=external_id)
    browser.post(
        "/admin/assignments/vacancy/",
        {"action": "open_vacancies", "_selected_action": [vacancy.pk]},
    )
    return Vacancy.objects.get(external_id=external_id)


VACANCY_PATHS: dict[str, Callable[[Programme, User, str, str], Vacancy]] = {
    "api": _open_by_api,
    "import": _open_by_import,
    "admin": _open_by_admin,
}


@pytest.mark.parametrize("path", VACANCY_PATHS)
def test_every_path_opens_the_same_vacancy(path: str) -> None:
    manager = StaffFactory() if path == "admin" else ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    # Another spelling of an institution already on file: the same institution.
    existing = HostInstitution.objects.create(name="Ministry of Health", country="SO")

    vacancy = VACANCY_PATHS[path](programme, manager, "  ministry of HEALTH ", "A-PATH-1")

    assert {key: getattr(vacancy, key) for key in ("title", "sector", "positions", "required_skills")} == {
        key: TERMS[key] for key in ("title", "sector", "positions", "required_skills")
    }
    assert vacancy.host_institution_id == existing.pk
    assert HostInstitution.objects.count() == 1
    assert vacancy.status == Vacancy.Status.OPEN
    assert vacancy.status_changed_by == manager
    assert vacancy.status_changed_at is not None
    assert OutboxMessage.objects.filter(task=RANK_VACANCY, key=f"vacancy:{vacancy.pk}").exists()


def test_an_import_opens_a_draft_through_the_transition_table() -> None:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    created = _api(manager).post(
        "/api/v1/vacancies/",
        {"programme": programme.slug, "host_institution": "Ministry of Health", **TERMS},
        format="json",
    )
    external_id = created.json()["external_id"]
    assert Vacancy.objects.get(external_id=external_id).status == Vacancy.Status.DRAFT

    vacancy = _open_by_import(programme, manager, "Ministry of Health", external_id)

    assert vacancy.status == Vacancy.Status.OPEN
    assert vacancy.status_changed_by == manager
    assert HostInstitution.objects.count() == 1


def test_an_import_leaves_a_closed_vacancy_closed() -> None:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    vacancy = _open_by_import(programme, manager, "Ministry of Health", "A-PATH-2")
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.CLOSED)

    again = _open_by_import(programme, manager, "Ministry of Health", "A-PATH-2")

    assert again.status == Vacancy.Status.CLOSED


def _profile_by_api(email: str) -> Volunteer:
    user = UserFactory(email=email)
    record = {k: v for k, v in a_volunteer().items() if k not in ("external_id", "email")}
    answer = _api(user).post("/api/v1/profile", record, format="json")
    assert answer.status_code == 201, answer.json()
    return Volunteer.objects.get(user=user)


def _profile_by_import(email: str) -> Volunteer:
    report = volunteers_import(data=jsonl([a_volunteer(external_id="V-PATH-1", email=email)]), filename="v.jsonl")
    assert not report.rejected, report.as_dict()
    return Volunteer.objects.get(external_id="V-PATH-1")


VOLUNTEER_PATHS: dict[str, Callable[[str], Volunteer]] = {"api": _profile_by_api, "import": _profile_by_import}


@pytest.mark.parametrize("path", VOLUNTEER_PATHS)
def test_every_path_creates_a_profile_with_the_same_consents(path: str) -> None:
    volunteer = VOLUNTEER_PATHS[path]("amina@example.org")

    assert volunteer.matching_consent is True
    assert volunteer.matching_consent_at is not None
    assert volunteer.alerts_consent is False
    assert volunteer.alerts_consent_at is None
    assert volunteer.headline == a_volunteer()["headline"]
    assert OutboxMessage.objects.filter(key=f"volunteer:{volunteer.pk}").exists()


def test_staff_correcting_a_profile_in_the_admin_go_through_the_roster_rules() -> None:
    volunteer = VolunteerFactory(email="old@example.org")
    Volunteer.objects.filter(pk=volunteer.pk).update(alerts_consent=True)
    browser = Client()
    browser.force_login(StaffFactory())
    page = browser.get(f"/admin/volunteers/volunteer/{volunteer.pk}/change/")
    form = {
        key: json.dumps(value) if isinstance(value, list | dict) else value
        for key, value in page.context["adminform"].form.initial.items()
        if key in page.context["adminform"].form.fields and value is not None
    }
    form.update({"email": "new@example.org", "on_site_ok": "on"})

    saved = browser.post(f"/admin/volunteers/volunteer/{volunteer.pk}/change/", form)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    volunteer.refresh_from_db()
    assert volunteer.email == "new@example.org"
    assert volunteer.email_confirmed_at is None  # a new address is unconfirmed, as after an import
    assert volunteer.alerts_consent is True  # consents are the owner's, never the admin's
    assert OutboxMessage.objects.filter(key=f"volunteer:{volunteer.pk}").exists()


def test_claiming_an_imported_profile_keeps_its_fields_and_consents() -> None:
    imported = _profile_by_import("farah@example.org")
    before = {
        f: getattr(imported, f) for f in ("headline", "matching_consent", "matching_consent_at", "alerts_consent")
    }

    user = volunteer_send_claim_invitation(volunteer=imported, sent_by=StaffFactory())

    imported.refresh_from_db()
    assert imported.user == user
    assert {f: getattr(imported, f) for f in before} == before
