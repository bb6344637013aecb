"""An error no transport expected fails the alert at once with the real error for staff, not after the sweeper."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from alerts.models import Alert
from alerts.services.sending import Outcome, alert_deliver
from assignments.models import Vacancy
from tests.alerts.conftest import StoreShortlist
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts_for_one_vacancy(store_shortlist: StoreShortlist) -> tuple[Vacancy, Alert, Alert]:
    volunteer = VolunteerFactory()
    vacancy = VacancyFactory()
    store_shortlist(vacancy, [(volunteer, 0.8)])
    return (
        vacancy,
        Alert.objects.get(volunteer=volunteer, channel="email"),
        Alert.objects.get(volunteer=volunteer, channel="inapp"),
    )


def test_a_title_with_a_line_break_from_before_validation_fails_its_email_at_once(
    alerts_for_one_vacancy: tuple[Vacancy, Alert, Alert],
) -> None:
    vacancy, email, _ = alerts_for_one_vacancy
    # Stored before one-line fields were validated (an update skips validation).
    Vacancy.objects.filter(pk=vacancy.pk).update(title="Midwife\nBcc: everyone@example.org")

    assert alert_deliver(alert_id=email.pk)[0] == Outcome.FAILED

    email.refresh_from_db()
    assert email.status == Alert.Status.FAILED
    assert "BadHeaderError" in email.last_error
    assert "newline" in email.last_error.lower()


def test_any_unexpected_exception_in_a_transport_fails_the_alert_with_its_type_and_message(
    alerts_for_one_vacancy: tuple[Vacancy, Alert, Alert],
) -> None:
    _, _, inapp = alerts_for_one_vacancy
    with mock.patch("alerts.transports.inapp.InAppTransport.send_many", side_effect=KeyError("template")):
        outcome: Any = alert_deliver(alert_id=inapp.pk)

    assert outcome[0] == Outcome.FAILED
    inapp.refresh_from_db()
    assert (inapp.status, inapp.last_error) == (Alert.Status.FAILED, "unexpected error: KeyError: 'template'")
