"""A volunteer hears each time a manager moves their application: in-app and by email, per their channels."""

from __future__ import annotations

import pytest
from django.core import mail

from alerts.models import Alert, AlertPreference, InboxMessage
from alerts.services.answers import volunteer_unsubscribe
from alerts.services.notes import application_status_note_create
from alerts.tasks import application_status_note, send_alert
from assignments.models import Application
from assignments.services import application_advance, application_express_interest
from core.models import OutboxMessage
from tests.factories import ManagerFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(db: None) -> Application:
    return application_express_interest(volunteer=VolunteerFactory(), vacancy=VacancyFactory())


def _move(application: Application, *steps: str) -> Application:
    manager = ManagerFactory()
    for step in steps:
        application = application_advance(application=application, to_status=step, actor=manager, note="internal")
    return application


def _deliver_notes() -> None:
    for alert in Alert.objects.filter(kind=Alert.Kind.STATUS_NOTE, status=Alert.Status.PENDING):
        send_alert(alert.pk)


def test_a_move_queues_the_note_through_the_outbox(application: Application) -> None:
    _move(application, "shortlisted")
    row = OutboxMessage.objects.get(task="alerts.application_status_note")
    assert row.kwargs == {"application_id": application.pk, "step": "shortlisted"}


@pytest.mark.parametrize(
    ("steps", "says"),
    [
        (["shortlisted"], "you are on the shortlist"),
        (["shortlisted", "interview"], "would like to interview you"),
        (["shortlisted", "selected"], "you have been selected"),
        (["not_selected"], "the programme chose other candidates"),
    ],
)
def test_every_outcome_reaches_the_volunteer_in_app_and_by_email(
    application: Application, steps: list[str], says: str
) -> None:
    application = _move(application, *steps)
    assert application_status_note(application.pk, steps[-1]) == 2
    _deliver_notes()
    [email] = mail.outbox
    assert says in str(email.body)
    assert f"https://match.example.org/applications/{application.pk}/" in str(email.body)  # a page, not JSON
    assert "/api/" not in str(email.body)
    assert "internal" not in str(email.body)  # the manager's note stays theirs
    message = InboxMessage.objects.get(user=application.volunteer.user)  # type: ignore[union-attr]
    assert message.url == f"https://match.example.org/applications/{application.pk}/"


def test_the_note_is_created_once_however_often_the_task_runs(application: Application) -> None:
    _move(application, "shortlisted")
    assert application_status_note(application.pk, "shortlisted") == 2
    assert application_status_note(application.pk, "shortlisted") == 0
    assert Alert.objects.filter(kind=Alert.Kind.STATUS_NOTE).count() == 2


def test_a_note_for_a_step_the_application_has_left_is_not_created(application: Application) -> None:
    _move(application, "shortlisted", "interview")
    assert application_status_note_create(application_id=application.pk, step="shortlisted") == 0


def test_the_channels_chosen_are_followed(application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    AlertPreference.objects.create(volunteer=volunteer, channels=["email"])
    _move(application, "shortlisted")
    application_status_note(application.pk, "shortlisted")
    assert list(Alert.objects.filter(kind=Alert.Kind.STATUS_NOTE).values_list("channel", flat=True)) == ["email"]


def test_after_unsubscribing_from_email_the_note_still_reaches_the_inbox(application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    volunteer_unsubscribe(volunteer=volunteer)
    _move(application, "shortlisted")
    application_status_note(application.pk, "shortlisted")
    _deliver_notes()
    assert mail.outbox == []
    assert InboxMessage.objects.filter(user=volunteer.user).count() == 1


def test_with_no_channel_at_all_nobody_is_left_without_an_answer(application: Application) -> None:
    volunteer = application.volunteer
    assert volunteer is not None
    AlertPreference.objects.create(volunteer=volunteer, channels=[])
    _move(application, "not_selected")
    assert application_status_note(application.pk, "not_selected") == 1
    _deliver_notes()
    assert InboxMessage.objects.filter(user=volunteer.user).count() == 1


def test_an_imported_profile_without_an_account_hears_by_email(db: None) -> None:
    volunteer = VolunteerFactory(user=None, email="imported@example.org")
    application = application_express_interest(volunteer=volunteer, vacancy=VacancyFactory())
    _move(application, "shortlisted")
    application_status_note(application.pk, "shortlisted")
    _deliver_notes()
    assert [m.to for m in mail.outbox] == [["imported@example.org"]]


def test_an_erased_volunteer_gets_nothing(application: Application) -> None:
    _move(application, "shortlisted")
    Volunteer.objects.filter(pk=application.volunteer_id).update(erased_at="2027-01-01T00:00Z")
    assert application_status_note(application.pk, "shortlisted") == 0
