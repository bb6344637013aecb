"""Alert preferences and the in-app inbox over the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import AlertPreference, InboxMessage
from tests.factories import ManagerFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

URL = "/api/v1/alerts/preferences"


@pytest.fixture
def volunteer() -> Volunteer:
    return VolunteerFactory()


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_shows_the_defaults_without_storing_anything(volunteer: Volunteer) -> None:
    response = _client(volunteer.user).get(URL)

    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("channels", "rhythm", "paused_until", "min_score", "sectors", "countries")} == {
        "channels": ["email", "inapp"],
        "rhythm": "instant",
        "paused_until": None,
        "min_score": 0.0,
        "sectors": [],
        "countries": [],
    }
    assert not AlertPreference.objects.exists()


def test_put_replaces_every_preference_and_patch_changes_some(volunteer: Volunteer) -> None:
    client = _client(volunteer.user)
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    body = {
        "channels": ["inapp", "email", "inapp"],
        "rhythm": "weekly",
        "paused_until": until,
        "min_score": 0.6,
        "sectors": [" Health ", "Education"],
        "countries": ["so", "ET"],
    }

    put = client.put(URL, body, format="json")
    patch = client.patch(URL, {"rhythm": "daily"}, format="json")
    replaced = client.put(URL, {"channels": ["email"]}, format="json")

    assert put.status_code == 200
    assert {k: put.json()[k] for k in body} == {
        "channels": ["email", "inapp"],
        "rhythm": "weekly",
        "paused_until": until,
        "min_score": 0.6,
        "sectors": ["Health", "Education"],
        "countries": ["SO", "ET"],
    }
    assert (patch.json()["rhythm"], patch.json()["min_score"]) == ("daily", 0.6)
    assert (replaced.json()["rhythm"], replaced.json()["min_score"], replaced.json()["sectors"]) == ("instant", 0.0, [])
    assert AlertPreference.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channels": ["email", "sms"]}, "channels"),
        ({"channels": "email"}, "channels"),
        ({"rhythm": "hourly"}, "rhythm"),
        ({"min_score": 1.5}, "min_score"),
        ({"min_score": "high"}, "min_score"),
        ({"countries": ["XX"]}, "countries"),
        ({"countries": ["Somalia"]}, "countries"),
        ({"paused_until": "2001-01-01"}, "paused_until"),
        ({"paused_until": "soon"}, "paused_until"),
        ({"sectors": [""]}, "sectors"),
        ({"frequency": "daily"}, "frequency"),
    ],
)
def test_it_refuses_unknown_values_naming_the_field(volunteer: Volunteer, body: dict[str, Any], field: str) -> None:
    response = _client(volunteer.user).patch(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not AlertPreference.objects.exists()


def test_a_user_without_a_profile_gets_404(volunteer: Volunteer) -> None:
    from tests.factories import UserFactory

    response = _client(UserFactory()).get(URL)

    assert response.status_code == 404


# --- Inbox -----------------------------------------------------------------------


def _messages(user: Any, n: int, *, read: bool = False) -> list[InboxMessage]:
    return [
        InboxMessage.objects.create(
            user=user, title=f"Message {i}", body="...", read_at=timezone.now() if read else None
        )
        for i in range(n)
    ]


def test_the_inbox_lists_only_the_users_own_messages_newest_first(volunteer: Volunteer) -> None:
    mine = _messages(volunteer.user, 3)
    _messages(ManagerFactory(), 2)

    response = _client(volunteer.user).get("/api/v1/inbox/")

    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [m.pk for m in reversed(mine)]
    assert response.json()["results"][0]["read"] is False


def test_the_inbox_lists_in_a_fixed_number_of_queries(volunteer: Volunteer) -> None:
    client = _client(volunteer.user)
    _messages(volunteer.user, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/inbox/")
    _messages(volunteer.user, 20)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/inbox/")

    assert len(many) == len(few) <= 3


def test_it_counts_unread_and_marks_one_or_all_read(volunteer: Volunteer) -> None:
    client = _client(volunteer.user)
    first, *_ = _messages(volunteer.user, 3)
    _messages(volunteer.user, 1, read=True)

    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 3}
    marked = client.post(f"/api/v1/inbox/{first.pk}/read")
    read_at = marked.json()["read_at"]
    again = client.post(f"/api/v1/inbox/{first.pk}/read")
    assert (marked.status_code, again.json()["read_at"]) == (200, read_at)
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 2}
    assert client.post("/api/v1/inbox/read-all").json() == {"marked": 2}
    assert client.post("/api/v1/inbox/read-all").json() == {"marked": 0}
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 0}


def test_another_users_message_answers_404_and_stays_unread(volunteer: Volunteer) -> None:
    [theirs] = _messages(ManagerFactory(), 1)

    response = _client(volunteer.user).post(f"/api/v1/inbox/{theirs.pk}/read")

    assert response.status_code == 404
    assert InboxMessage.objects.get(pk=theirs.pk).read_at is None
