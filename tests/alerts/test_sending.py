"""Sending alerts: once, only while still wanted, by email with links and headers, or in-app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db.models import QuerySet

from alerts import tasks
from alerts.models import Alert, AlertPreference, InboxMessage
from alerts.services.claims import alert_claim
from alerts.services.sending import Outcome, alert_deliver
from assignments.models import Vacancy
from assignments.services import vacancy_set_status
from tests.alerts.conftest import StoreShortlist
from tests.factories import StaffFactory, VacancyFactory, VolunteerFactory
from volunteers.services import volunteer_consents_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(store_shortlist: StoreShortlist) -> Callable[..., dict[str, Alert]]:
    def _queued(**vacancy: Any) -> dict[str, Alert]:
        volunteer = VolunteerFactory(full_name="Hodan Cali")
        store_shortlist(VacancyFactory(**vacancy), [(volunteer, 0.82)])
        return {alert.channel: alert for alert in Alert.objects.filter(volunteer=volunteer)}

    return _queued


def test_it_emails_the_assignment_and_why_it_fits(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued(title="Clinical Midwifery Tutor", location="Hargeisa")["email"]

    assert tasks.send_alert(alert.pk) == "sent"

    [email] = mail.outbox
    assert email.to == [alert.volunteer.email]
    assert email.subject == "An assignment that fits you: Clinical Midwifery Tutor"
    for text in (email.body, email.alternatives[0][0]):
        assert "Clinical Midwifery Tutor" in text
        assert "Ministry of Health and Human Services" in text
        assert "Hargeisa, Somalia" in text
        assert "1 March 2027" in text
        assert "30 November 2027" in text
        assert "Somali: native" in text
        assert "https://match.example.org/alerts/answer/" in text
        assert "https://match.example.org/alerts/unsubscribe/" in text
        assert f"https://match.example.org/vacancies/{alert.vacancy.external_id}/" in text
    assert email.alternatives[0][1] == "text/html"
    assert "&#x27;Clinical Midwifery Tutor&#x27;" in email.alternatives[0][0]  # escaped in HTML
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == ("sent", 1)
    assert alert.sent_at is not None


def test_it_carries_rfc_8058_one_click_unsubscribe_headers(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]

    tasks.send_alert(alert.pk)

    [email] = mail.outbox
    message = email.message()
    url = message["List-Unsubscribe"]
    assert url.startswith("<https://match.example.org/alerts/unsubscribe/")
    assert url.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_task_delivered_twice_sends_once(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]

    first = tasks.send_alert(alert.pk)
    state = Alert.objects.filter(pk=alert.pk).values("status", "attempts", "sent_at").get()
    second = tasks.send_alert(alert.pk)

    assert (first, second) == ("sent", "not_claimed")
    assert len(mail.outbox) == 1
    assert Alert.objects.filter(pk=alert.pk).values("status", "attempts", "sent_at").get() == state


def test_only_one_of_two_racing_claims_wins(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]

    assert [alert_claim(alert_id=alert.pk), alert_claim(alert_id=alert.pk)] == [True, False]


def test_it_delivers_in_app_exactly_once(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["inapp"]

    tasks.send_alert(alert.pk)
    Alert.objects.filter(pk=alert.pk).update(status="pending")  # as if the sweeper reclaimed it after the write
    tasks.send_alert(alert.pk)

    [message] = InboxMessage.objects.all()
    assert message.user == alert.volunteer.user
    assert message.title.startswith("An assignment that fits you")
    assert message.url.endswith(f"/vacancies/{alert.vacancy.external_id}/")
    assert mail.outbox == []


def test_consent_withdrawn_while_queued_sends_nothing(queued: Callable[..., dict[str, Alert]]) -> None:
    alerts = queued()
    volunteer_consents_set(volunteer=alerts["email"].volunteer, alerts=False)

    outcomes = [tasks.send_alert(alert.pk) for alert in alerts.values()]

    assert outcomes == ["skipped", "skipped"]
    assert mail.outbox == []
    assert not InboxMessage.objects.exists()
    assert set(Alert.objects.values_list("last_error", flat=True)) == {"no consent to alerts"}


@pytest.mark.parametrize("status", [Vacancy.Status.CLOSED, Vacancy.Status.FILLED])
def test_a_vacancy_closed_or_filled_before_sending_is_skipped(
    queued: Callable[..., dict[str, Alert]], status: str
) -> None:
    alert = queued()["email"]
    vacancy_set_status(vacancy=alert.vacancy, status=status, actor=StaffFactory())

    assert tasks.send_alert(alert.pk) == "skipped"

    alert.refresh_from_db()
    assert (alert.status, alert.last_error) == ("skipped", "vacancy no longer open")
    assert mail.outbox == []


def test_a_channel_dropped_while_queued_is_skipped(queued: Callable[..., dict[str, Alert]]) -> None:
    alerts = queued()
    AlertPreference.objects.create(volunteer=alerts["email"].volunteer, channels=["inapp"])

    assert tasks.send_alert(alerts["email"].pk) == "skipped"
    assert tasks.send_alert(alerts["inapp"].pk) == "sent"
    assert mail.outbox == []


def test_alerts_paused_while_queued_are_skipped(queued: Callable[..., dict[str, Alert]]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    alert = queued()["email"]
    AlertPreference.objects.create(volunteer=alert.volunteer, paused_until=timezone.localdate() + timedelta(days=9))

    assert tasks.send_alert(alert.pk) == "skipped"


def test_a_task_for_a_deleted_alert_ends_quietly(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]
    Alert.objects.filter(pk=alert.pk).delete()

    assert tasks.send_alert(alert.pk) == "not_claimed"


def test_dispatch_queues_every_pending_instant_alert_of_the_vacancy_in_batches_of_one_channel(
    queued: Callable[..., dict[str, Alert]],
) -> None:
    alerts = queued()
    with mock.patch.object(tasks.send_alerts, "apply_async") as queue:  # the broker is the boundary
        assert tasks.dispatch_vacancy(alerts["email"].vacancy_id) == 2
        tasks.send_alert(alerts["email"].pk)
        assert tasks.dispatch_vacancy(alerts["email"].vacancy_id) == 1

    # In-app first, and ahead of email at the broker: its batches are quick and need not wait behind SMTP;
    # both behind creating and dispatching (priority 0), so the next vacancy's alerts are queued meanwhile.
    assert [(call.kwargs["args"], call.kwargs["priority"]) for call in queue.call_args_list] == [
        ([[alerts["inapp"].pk]], 3),
        ([[alerts["email"].pk]], 6),
        ([[alerts["inapp"].pk]], 3),
    ]


def test_deliver_reports_the_attempts_so_far(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]

    assert alert_deliver(alert_id=alert.pk) == (Outcome.SENT, 1)


def test_an_alert_deleted_after_its_claim_ends_quietly(queued: Callable[..., dict[str, Alert]]) -> None:
    alert = queued()["email"]

    update = QuerySet.update

    def claim_then_lose_the_row(queryset: QuerySet[Any], **fields: Any) -> int:
        claimed = update(queryset, **fields)
        if fields.get("status") == "sending":  # the claim: then the row goes, e.g. its vacancy was deleted
            with mock.patch.object(QuerySet, "update", update):
                Alert.objects.filter(pk=alert.pk).delete()
        return claimed

    with mock.patch.object(QuerySet, "update", claim_then_lose_the_row):
        assert alert_deliver(alert_id=alert.pk) == (Outcome.NOT_CLAIMED, 0)
    assert mail.outbox == []
