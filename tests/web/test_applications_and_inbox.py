"""My applications with their history (without managers' notes), withdrawing, and the inbox."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts.models import InboxMessage
from assignments.models import Application
from assignments.services import application_advance, application_express_interest
from tests.factories import ManagerFactory, VacancyFactory
from tests.web.conftest import client_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlisted(volunteer: Volunteer) -> Application:
    manager = ManagerFactory()
    application = application_express_interest(volunteer=volunteer, vacancy=VacancyFactory(title="Midwife tutor"))
    return application_advance(
        application=application, to_status="shortlisted", actor=manager, note="PRIVATE: call her references"
    )


def test_my_applications_list_their_status(hodan: Client, shortlisted: Application) -> None:
    html = hodan.get("/applications/").content.decode()
    assert "Midwife tutor" in html
    assert "Shortlisted" in html


def test_an_application_shows_its_history_but_never_the_managers_notes(hodan: Client, shortlisted: Application) -> None:
    html = hodan.get(f"/applications/{shortlisted.pk}/").content.decode()
    assert "Interest sent" in html
    assert "Shortlisted" in html
    assert "PRIVATE" not in html


def test_a_volunteer_withdraws_once_and_a_second_click_is_explained(hodan: Client, shortlisted: Application) -> None:
    response = hodan.post(f"/applications/{shortlisted.pk}/withdraw/", follow=True)
    assert b"Your application is withdrawn." in response.content
    response = hodan.post(f"/applications/{shortlisted.pk}/withdraw/", follow=True)
    assert b"You had already withdrawn this application." in response.content
    shortlisted.refresh_from_db()
    assert shortlisted.status == "withdrawn"
    assert shortlisted.events.filter(to_status="withdrawn").count() == 1


def test_withdrawing_an_application_that_moved_on_meanwhile_explains_itself(
    hodan: Client, shortlisted: Application
) -> None:
    Application.objects.filter(pk=shortlisted.pk).update(status="deployed")
    response = hodan.post(f"/applications/{shortlisted.pk}/withdraw/", follow=True)
    assert response.status_code == 200
    assert "is now “Deployed” and can no longer be withdrawn" in response.content.decode()


def test_the_inbox_lists_my_messages_marks_them_read_and_opens_what_they_are_about(
    hodan: Client, volunteer: Volunteer
) -> None:
    mine = InboxMessage.objects.create(
        user=volunteer.user, title="Shortlisted!", body="Good news.", url="https://match.example.org/applications/"
    )
    html = hodan.get("/inbox/").content.decode()
    assert "Shortlisted!" in html
    assert "New" in html
    response = hodan.post(f"/inbox/{mine.pk}/read/", {"open": "1"})
    assert response["Location"] == "/applications/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_message_pointing_off_site_is_not_followed(hodan: Client, volunteer: Volunteer) -> None:
    message = InboxMessage.objects.create(user=volunteer.user, title="x", url="https://evil.example.com/")
    assert hodan.post(f"/inbox/{message.pk}/read/", {"open": "1"})["Location"] == "/inbox/"


def test_another_users_message_is_not_found(hodan: Client, other_volunteer: Volunteer) -> None:
    theirs = InboxMessage.objects.create(user=other_volunteer.user, title="Not yours")
    assert hodan.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert "Not yours" not in hodan.get("/inbox/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(hodan: Client, volunteer: Volunteer) -> None:
    InboxMessage.objects.create(user=volunteer.user, title="One")
    InboxMessage.objects.create(user=volunteer.user, title="Two")
    hodan.post("/inbox/read-all/")
    assert not InboxMessage.objects.filter(read_at__isnull=True).exists()


def test_htmx_mark_read_answers_the_message_alone(hodan: Client, volunteer: Volunteer) -> None:
    message = InboxMessage.objects.create(user=volunteer.user, title="One")
    html = hodan.post(f"/inbox/{message.pk}/read/", headers={"HX-Request": "true"}).content.decode()
    assert html.startswith(f'<li class="card mb-2" id="message-{message.pk}">')


def test_a_manager_has_an_inbox_too(db: None) -> None:
    manager = ManagerFactory()
    InboxMessage.objects.create(user=manager, title="3 strong candidates")
    assert b"3 strong candidates" in client_for(manager).get("/inbox/").content
