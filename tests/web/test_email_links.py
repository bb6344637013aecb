"""Every link in an email a volunteer receives opens a page of the site, not JSON."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from alerts.models import Alert, AlertPreference
from alerts.services.digests import digest_send
from alerts.tasks import application_status_note, send_alert
from assignments.services import application_advance, application_express_interest
from tests.factories import ManagerFactory, VacancyFactory
from tests.web.conftest import client_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://match\.example\.org\S+")


def _links(body: str) -> list[str]:
    return [urlsplit(link).path for link in LINK.findall(body)]


def _assert_pages(volunteer: Volunteer, paths: list[str]) -> None:
    assert paths
    client = client_for(volunteer.user)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        assert not path.startswith("/api/"), path


def test_the_links_of_a_match_alert_open_pages(volunteer: Volunteer) -> None:
    vacancy = VacancyFactory()
    alert = Alert.objects.create(
        kind=Alert.Kind.MATCH, key="m", channel="email", volunteer=volunteer, vacancy=vacancy, score=0.8
    )
    send_alert(alert.pk)
    [email] = mail.outbox
    _assert_pages(volunteer, _links(str(email.body)))


def test_the_links_of_a_digest_open_pages(volunteer: Volunteer) -> None:
    AlertPreference.objects.create(volunteer=volunteer, rhythm="daily")
    for n in range(2):
        Alert.objects.create(
            kind=Alert.Kind.MATCH,
            key=f"m{n}",
            channel="email",
            deliver="daily",
            volunteer=volunteer,
            vacancy=VacancyFactory(),
            score=0.8,
        )
    digest_send(volunteer_id=volunteer.pk, deliver="daily")
    [email] = mail.outbox
    _assert_pages(volunteer, _links(str(email.body)))


def test_the_link_of_a_status_note_opens_the_application_page(volunteer: Volunteer) -> None:
    application = application_express_interest(volunteer=volunteer, vacancy=VacancyFactory())
    application_advance(application=application, to_status="shortlisted", actor=ManagerFactory())
    application_status_note(application.pk, "shortlisted")
    for alert in Alert.objects.filter(kind=Alert.Kind.STATUS_NOTE, channel="email"):
        send_alert(alert.pk)
    [email] = mail.outbox
    paths = _links(str(email.body))
    assert paths == [f"/applications/{application.pk}/"]
    _assert_pages(volunteer, paths)
