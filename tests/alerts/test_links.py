"""Signed links: answer an alert or unsubscribe without logging in; bad links change nothing."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from alerts.links import answer_url, unsubscribe_url
from alerts.models import Alert, AlertPreference
from assignments.models import Application
from assignments.services import vacancy_set_status
from core.models import OutboxMessage
from core.tasknames import RESCORE_VOLUNTEER as TASK_RESCORE_VOLUNTEER
from tests.alerts.conftest import StoreShortlist
from tests.factories import StaffFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer
from volunteers.privacy import user_erase

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(store_shortlist: StoreShortlist) -> Alert:
    volunteer = VolunteerFactory()
    store_shortlist(VacancyFactory(title="Clinical Midwifery Tutor"), [(volunteer, 0.8)])
    return Alert.objects.get(volunteer=volunteer, channel="email")


def _path(url: str) -> str:
    return url.removeprefix("https://match.example.org")


def _answer(alert: Alert, action: str) -> str:
    return _path(answer_url(alert_id=alert.pk, action=action))


def _unsubscribe(volunteer: Volunteer) -> str:
    return _path(unsubscribe_url(volunteer_id=volunteer.pk))


def _tamper(url: str) -> str:
    """The same link with the last character of its signature changed."""
    return url[:-1] + ("A" if url[-1] != "A" else "B")


def _expired(make: Any, **kwargs: Any) -> str:
    long_ago = time.time() - 400 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        return _path(make(**kwargs))


# --- Interested ------------------------------------------------------------------


def test_a_get_only_shows_the_assignment_and_a_button(alert: Alert) -> None:
    response = Client().get(_answer(alert, "interested"))

    assert response.status_code == 200
    assert b"Clinical Midwifery Tutor" in response.content
    assert b'method="post"' in response.content
    assert not Application.objects.exists()  # link scanners fetch GETs


def test_interested_creates_the_application_once_however_often_it_is_used(alert: Alert) -> None:
    url = _answer(alert, "interested")

    first, second = Client().post(url), Client().post(url)

    assert (first.status_code, second.status_code) == (200, 200)
    [application] = Application.objects.all()
    assert (application.volunteer, application.vacancy, application.status) == (
        alert.volunteer,
        alert.vacancy,
        "interest",
    )
    assert application.events.count() == 1
    assert Alert.objects.get(pk=alert.pk).answer == "interested"


def test_the_interested_link_of_a_closed_vacancy_says_so_without_a_confirm_page(alert: Alert) -> None:
    vacancy_set_status(vacancy=alert.vacancy, status="closed", actor=StaffFactory())

    response = Client().get(_answer(alert, "interested"))

    assert response.status_code == 410
    assert b"no longer open" in response.content
    assert b'<form method="post">' not in response.content  # no confirm form (the footer's language form aside)
    assert b"Yes, I&#x27;m interested" not in response.content
    assert b"Yes, I'm interested" not in response.content
    assert not Application.objects.exists()


def test_interest_in_a_vacancy_that_closed_is_refused_with_a_clear_page(alert: Alert) -> None:
    vacancy_set_status(vacancy=alert.vacancy, status="closed", actor=StaffFactory())

    response = Client().post(_answer(alert, "interested"))

    assert response.status_code == 400
    assert b"is not open for applications" in response.content
    assert not Application.objects.exists()


# --- Not for me ------------------------------------------------------------------


def test_not_for_me_is_recorded_once_and_the_alert_kept(alert: Alert) -> None:
    url = _answer(alert, "not_for_me")

    assert Client().post(url).status_code == 200
    answered_at = Alert.objects.get(pk=alert.pk).answered_at
    assert Client().post(url).status_code == 200

    kept = Alert.objects.get(pk=alert.pk)
    assert (kept.answer, kept.answered_at) == ("not_for_me", answered_at)
    assert not Application.objects.exists()


# --- Not available until ---------------------------------------------------------


def test_unavailable_pauses_alerts_and_moves_availability_and_asks_for_rescoring(alert: Alert) -> None:
    until = timezone.localdate() + timedelta(days=60)
    OutboxMessage.objects.all().delete()

    response = Client().post(_answer(alert, "unavailable"), {"until": until.isoformat()})
    again = Client().post(_answer(alert, "unavailable"), {"until": until.isoformat()})

    assert (response.status_code, again.status_code) == (200, 200)
    assert AlertPreference.objects.get(volunteer=alert.volunteer).paused_until == until
    assert Volunteer.objects.get(pk=alert.volunteer_id).available_from == until
    [rescore] = OutboxMessage.objects.filter(task=TASK_RESCORE_VOLUNTEER)
    assert rescore.kwargs == {"volunteer_id": alert.volunteer_id}
    assert Alert.objects.get(pk=alert.pk).answer == "unavailable"


@pytest.mark.parametrize("until", ["", "not-a-date", "2001-01-01"])
def test_unavailable_without_a_future_date_changes_nothing(alert: Alert, until: str) -> None:
    response = Client().post(_answer(alert, "unavailable"), {"until": until})

    assert response.status_code == 400
    assert b"date" in response.content
    assert not AlertPreference.objects.exists()
    assert Volunteer.objects.get(pk=alert.volunteer_id).available_from is None


def test_unavailable_past_the_end_of_availability_names_the_problem(alert: Alert) -> None:
    Volunteer.objects.filter(pk=alert.volunteer_id).update(available_until=date(2099, 1, 31))

    response = Client().post(_answer(alert, "unavailable"), {"until": "2099-06-01"})

    assert response.status_code == 400
    assert b"must not be before available_from" in response.content
    assert not AlertPreference.objects.filter(paused_until__isnull=False).exists()


# --- Bad links -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_answer_link_is_refused_and_changes_nothing(alert: Alert, method: str) -> None:
    response = getattr(Client(), method)(_tamper(_answer(alert, "interested")))

    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert not Application.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_answer_link_is_gone(alert: Alert, method: str) -> None:
    url = _expired(answer_url, alert_id=alert.pk, action="interested")

    response = getattr(Client(), method)(url)

    assert response.status_code == 410
    assert b"expired" in response.content
    assert not Application.objects.exists()


def test_an_answer_link_of_an_erased_account_is_gone(alert: Alert) -> None:
    url = _answer(alert, "interested")
    user_erase(user=alert.volunteer.user)

    response = Client().post(url)

    assert response.status_code == 410
    assert b"no longer exists" in response.content
    assert not Application.objects.exists()


def test_an_answer_token_cannot_serve_as_an_unsubscribe_token(alert: Alert) -> None:
    token = _answer(alert, "not_for_me").rsplit("/", 1)[1]

    response = Client().post(f"/alerts/unsubscribe/{token}")

    assert response.status_code == 400
    assert Volunteer.objects.get(pk=alert.volunteer_id).alerts_consent is True


# --- Unsubscribe -----------------------------------------------------------------


def test_the_unsubscribe_page_asks_before_changing_anything(alert: Alert) -> None:
    response = Client().get(_unsubscribe(alert.volunteer))

    assert response.status_code == 200
    assert b"Stop my alerts" in response.content
    assert Volunteer.objects.get(pk=alert.volunteer_id).alerts_consent is True


def test_one_click_unsubscribe_works_without_login_or_csrf_token(alert: Alert) -> None:
    client = Client(enforce_csrf_checks=True)
    url = _unsubscribe(alert.volunteer)

    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    withdrawn_at = Volunteer.objects.get(pk=alert.volunteer_id).alerts_consent_at
    again = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert (response.status_code, again.status_code) == (200, 200)
    volunteer = Volunteer.objects.get(pk=alert.volunteer_id)
    assert volunteer.alerts_consent is False
    assert volunteer.alerts_consent_at == withdrawn_at  # the second click changed nothing


def test_after_unsubscribing_the_queued_alert_is_not_sent(alert: Alert) -> None:
    from django.core import mail

    from alerts import tasks

    Client().post(_unsubscribe(alert.volunteer))

    assert tasks.send_alert(alert.pk) == "skipped"
    assert mail.outbox == []


def test_a_tampered_unsubscribe_link_is_refused(alert: Alert) -> None:
    response = Client().post(_tamper(_unsubscribe(alert.volunteer)))

    assert response.status_code == 400
    assert Volunteer.objects.get(pk=alert.volunteer_id).alerts_consent is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unsubscribe_link_years_old_still_works(alert: Alert, method: str) -> None:
    # RFC 8058: a List-Unsubscribe link in an old email must still unsubscribe.
    url = _expired(unsubscribe_url, volunteer_id=alert.volunteer_id)

    response = getattr(Client(), method)(url)

    assert response.status_code == 200
    expected_consent = method == "get"  # the page asks first; the one-click POST unsubscribes
    assert Volunteer.objects.get(pk=alert.volunteer_id).alerts_consent is expected_consent


def test_an_unsubscribe_link_of_an_erased_account_is_gone(alert: Alert) -> None:
    url = _unsubscribe(alert.volunteer)
    user_erase(user=alert.volunteer.user)

    response = Client().get(url)

    assert response.status_code == 410
    assert b"no longer exists" in response.content
