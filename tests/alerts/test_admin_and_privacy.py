"""Staff see failed alerts and replay them; a person's alerts leave with their data."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from alerts.models import Alert, AlertPreference, InboxMessage
from alerts.services.sending import alert_deliver
from core.models import OutboxMessage
from core.tasknames import SEND_ALERT as TASK_SEND_ALERT
from tests.alerts.conftest import StoreShortlist
from tests.factories import StaffFactory, VacancyFactory, VolunteerFactory
from volunteers.privacy import user_erase, volunteer_export_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def alerts(store_shortlist: StoreShortlist) -> list[Alert]:
    volunteer = VolunteerFactory(full_name="Hodan Warsame")
    AlertPreference.objects.create(volunteer=volunteer, sectors=["Health"])
    store_shortlist(VacancyFactory(), [(volunteer, 0.8)])
    return list(Alert.objects.filter(volunteer=volunteer).order_by("channel"))


def test_staff_find_failed_alerts_and_open_them(staff_client: Client, alerts: list[Alert]) -> None:
    Alert.objects.filter(pk=alerts[0].pk).update(status="failed", last_error="SMTP 550: no such user")

    listing = staff_client.get("/admin/alerts/alert/?status__exact=failed")

    assert listing.status_code == 200
    assert [a.pk for a in listing.context["cl"].result_list] == [alerts[0].pk]
    assert staff_client.get(f"/admin/alerts/alert/{alerts[0].pk}/change/").status_code == 200
    for model in ("alertpreference", "inboxmessage"):
        assert staff_client.get(f"/admin/alerts/{model}/").status_code == 200


def test_staff_replay_a_failed_alert_from_the_admin(staff_client: Client, alerts: list[Alert]) -> None:
    failed, pending = alerts
    Alert.objects.filter(pk=failed.pk).update(status="failed", attempts=6, last_error="SMTP 421")
    OutboxMessage.objects.all().delete()

    response = staff_client.post(
        "/admin/alerts/alert/",
        {"action": "replay", "_selected_action": [failed.pk, pending.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 alert(s) queued again." in [str(m) for m in response.context["messages"]]
    replayed = Alert.objects.get(pk=failed.pk)
    assert (replayed.status, replayed.attempts, replayed.last_error) == ("pending", 0, "")
    assert OutboxMessage.objects.get().kwargs == {"alert_id": failed.pk}
    assert OutboxMessage.objects.get().task == TASK_SEND_ALERT


def test_a_persons_alerts_preferences_and_inbox_are_exported(alerts: list[Alert]) -> None:
    alert_deliver(alert_id=alerts[1].pk)  # the in-app one
    user = alerts[0].volunteer.user

    data = json.loads(json.dumps(volunteer_export_data(user=user)))

    assert [a["channel"] for a in data["alerts_received"]] == ["email", "inapp"]
    assert data["alert_preferences"][0]["sectors"] == ["Health"]
    assert [m["title"] for m in data["inbox"]] == [InboxMessage.objects.get().title]


def test_erasure_removes_the_persons_alerts_preferences_and_inbox(alerts: list[Alert]) -> None:
    alert_deliver(alert_id=alerts[1].pk)
    volunteer = alerts[0].volunteer

    user_erase(user=volunteer.user)

    assert not Alert.objects.exists()
    assert not AlertPreference.objects.exists()
    assert not InboxMessage.objects.exists()
