"""Subject access (everything out) and erasure (everything gone) for one person."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers

from accounts.models import ApiToken
from assignments.models import Application, ApplicationEvent
from matching.models import MatchResult
from tests.factories import ApplicationFactory, ManagerFactory, ProgrammeFactory, StaffFactory, VacancyFactory
from tests.privacy.conftest import Person
from volunteers.models import Volunteer
from volunteers.privacy import user_erase, volunteer_export_data
from volunteers.privacy.registry import REGISTRY

pytestmark = pytest.mark.django_db


def _whole_database_as_text() -> str:
    return "\n".join(serializers.serialize("json", model._default_manager.all()) for model in apps.get_models())


def test_it_exports_everything_about_the_person_as_json(person: Person) -> None:
    data = json.loads(json.dumps(volunteer_export_data(user=person.user)))

    assert data["account"]["email"] == person.user.email
    profile = data["volunteer_profile"][0]
    assert profile["summary"] == person.volunteer.summary
    assert profile["matching_consent"] is True
    assert profile["alerts_consent_at"] is not None
    [application] = data["applications"]
    assert application["motivation"] == "I trained at Hargeisa Group Hospital"
    assert [step["to_status"] for step in application["history"]] == ["interest", "shortlisted"]
    assert data["match_results"][0]["score"] == pytest.approx(0.81)
    assert data["email_addresses"] == [{"email": person.user.email, "verified": True, "primary": True}]
    assert data["api_tokens"][0]["created"]
    assert data["sign_in_records"]["failed_attempts"][0]["ip_address"] == "203.0.113.7"
    assert data["sign_in_records"]["sign_ins"][0]["ip_address"] == "203.0.113.7"


def test_it_has_a_section_for_every_registered_export(person: Person) -> None:
    data = volunteer_export_data(user=person.user)

    assert {relation.key for relation in REGISTRY.values() if relation.export} <= set(data)


def test_it_exports_no_secrets(person: Person) -> None:
    text = json.dumps(volunteer_export_data(user=person.user))

    assert person.token_key not in text
    assert person.user.password not in text


def test_it_exports_nobody_else(person: Person) -> None:
    other = ApplicationFactory(motivation="Someone else's motivation")

    data = volunteer_export_data(user=person.user)

    assert "Someone else's motivation" not in json.dumps(data)
    assert other.volunteer.email not in json.dumps(data)


def test_it_exports_what_a_manager_did_without_other_peoples_notes() -> None:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    application = ApplicationFactory(vacancy=VacancyFactory(programme=programme, created_by=manager))
    ApplicationEvent.objects.create(
        application=application, from_status="interest", to_status="shortlisted", actor=manager, note="private"
    )

    data = volunteer_export_data(user=manager)

    assert data["managed_programmes"] == [{"id": programme.pk, "slug": programme.slug, "name": programme.name}]
    assert data["vacancies_created"][0]["external_id"] == application.vacancy.external_id
    assert data["application_steps_taken"][0]["to_status"] == "shortlisted"
    assert "private" not in json.dumps(data)


def test_it_leaves_no_trace_of_the_person_anywhere_in_the_database(person: Person) -> None:
    LogEntry.objects.log_actions(
        user_id=StaffFactory().pk, queryset=[person.volunteer], action_flag=CHANGE, change_message="Fixed Hodan's CV"
    )
    before = _whole_database_as_text()
    assert all(secret in before for secret in person.secrets)  # the check below can fail

    user_erase(user=person.user)

    after = _whole_database_as_text()
    assert [secret for secret in person.secrets if secret.lower() in after.lower()] == []


def test_it_anonymises_the_profile_and_account(person: Person) -> None:
    user_erase(user=person.user)

    person.user.refresh_from_db()
    person.volunteer.refresh_from_db()
    assert person.volunteer.erased_at is not None
    assert person.volunteer.user is None
    assert person.volunteer.summary == ""
    assert person.volunteer.matching_consent is False
    assert person.volunteer.alerts_consent is False
    assert person.volunteer.email_confirmed_at is None
    assert person.user.email.endswith("@erased.invalid")
    assert not person.user.is_active
    assert not person.user.has_usable_password()
    assert person.user.full_name == ""
    assert not Volunteer.objects.matchable().filter(pk=person.volunteer.pk).exists()


def test_it_keeps_applications_only_as_anonymous_statistics(person: Person) -> None:
    user_erase(user=person.user)

    application = Application.objects.get(pk=person.application.pk)
    assert application.volunteer is None
    assert application.motivation == ""
    assert application.status == person.application.status
    events = list(application.events.all())
    assert [event.to_status for event in events] == ["interest", "shortlisted"]
    assert all(event.note == "" and event.actor_id is None for event in events)


def test_it_deletes_addresses_tokens_rankings_and_sign_in_records(person: Person) -> None:
    user_erase(user=person.user)

    assert not EmailAddress.objects.filter(user=person.user).exists()
    assert not ApiToken.objects.filter(user=person.user).exists()
    assert not MatchResult.objects.filter(volunteer=person.volunteer).exists()
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()


def test_it_scrubs_the_admin_log_of_the_erased_profile(person: Person) -> None:
    LogEntry.objects.log_actions(
        user_id=StaffFactory().pk, queryset=[person.volunteer], action_flag=CHANGE, change_message="edited"
    )

    user_erase(user=person.user)

    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Volunteer))
    assert entry.object_repr == "[erased]"


def test_it_leaves_other_people_alone(person: Person) -> None:
    other = ApplicationFactory(vacancy=person.application.vacancy, motivation="Mine")

    user_erase(user=person.user)

    other.refresh_from_db()
    other.volunteer.refresh_from_db()
    assert other.motivation == "Mine"
    assert other.volunteer.erased_at is None
    assert other.volunteer.user.is_active


def test_it_unlinks_an_erased_manager_from_programmes_and_vacancies() -> None:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    vacancy = VacancyFactory(programme=programme, created_by=manager, status_changed_by=manager)

    user_erase(user=manager)

    vacancy.refresh_from_db()
    assert not programme.managers.exists()
    assert vacancy.created_by is None
    assert vacancy.status_changed_by is None


def test_it_erases_twice_without_harm(person: Person) -> None:
    user_erase(user=person.user)
    user_erase(user=person.user)

    person.user.refresh_from_db()
    assert person.user.email == f"erased-{person.user.pk}@erased.invalid"
