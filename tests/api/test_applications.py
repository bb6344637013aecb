"""Selection through the API: allowed and refused steps, and the history kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assignments.models import Application
from tests.api.conftest import World, client_for


def _transition(world: World, status: str, note: str = "", who=None):  # type: ignore[no-untyped-def]
    client = client_for(who or world.manager)
    return client.post(
        f"/api/v1/applications/{world.application.pk}/transition", {"status": status, "note": note}, format="json"
    )


def test_it_moves_an_application_through_selection_and_keeps_who_and_when(world: World) -> None:
    before = timezone.now()
    for step in ("shortlisted", "interview", "selected", "deployed", "completed"):
        response = _transition(world, step, note=f"moved to {step}")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == step

    history = client_for(world.manager).get(f"/api/v1/applications/{world.application.pk}").json()["history"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        ("", "interest"),
        ("interest", "shortlisted"),
        ("shortlisted", "interview"),
        ("interview", "selected"),
        ("selected", "deployed"),
        ("deployed", "completed"),
    ]
    assert {e["actor"] for e in history[1:]} == {world.manager.email}
    assert history[-1]["note"] == "moved to completed"
    assert all(before - timedelta(seconds=5) <= _at(e["at"]) <= timezone.now() for e in history[1:])


def _at(value: str) -> datetime:
    parsed = parse_datetime(value)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("interest", "selected"),
        ("interest", "deployed"),
        ("interest", "interest"),
        ("shortlisted", "interest"),
        ("not_selected", "shortlisted"),
        ("completed", "deployed"),
        ("withdrawn", "shortlisted"),
        ("interest", "withdrawn"),
        ("interest", "hired"),
        ("interest", ""),
    ],
)
def test_it_refuses_a_step_the_pipeline_does_not_allow(world: World, start: str, to: str) -> None:
    Application.objects.filter(pk=world.application.pk).update(status=start)
    response = _transition(world, to)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
    world.application.refresh_from_db()
    assert world.application.status == start
    assert world.application.events.count() == 1


def test_it_lets_staff_move_any_application(world: World) -> None:
    assert _transition(world, "shortlisted", who=world.staff).status_code == 200


def test_it_hides_another_programmes_application_from_a_manager(world: World) -> None:
    assert _transition(world, "shortlisted", who=world.other_manager).status_code == 404
    world.application.refresh_from_db()
    assert world.application.status == "interest"


def test_it_lets_the_volunteer_withdraw_and_records_it(world: World) -> None:
    _transition(world, "shortlisted")
    client = client_for(world.volunteer_user)
    response = client.post(f"/api/v1/applications/{world.application.pk}/withdraw", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    last = response.json()["history"][-1]
    assert (last["from_status"], last["to_status"], last["actor_role"]) == ("shortlisted", "withdrawn", "volunteer")


def test_it_refuses_withdrawal_once_deployed(world: World) -> None:
    Application.objects.filter(pk=world.application.pk).update(status="deployed")
    response = client_for(world.volunteer_user).post(f"/api/v1/applications/{world.application.pk}/withdraw")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_it_shows_the_volunteer_their_history_without_the_managers_identity_or_notes(world: World) -> None:
    _transition(world, "shortlisted", note="strong on EmONC, weak on curriculum design")
    body = client_for(world.volunteer_user).get(f"/api/v1/applications/{world.application.pk}").json()
    assert body["status"] == "shortlisted"
    assert body["history"][-1] == {
        "from_status": "interest",
        "to_status": "shortlisted",
        "at": body["history"][-1]["at"],
        "actor_role": "manager",
    }
    assert "volunteer" not in body
    assert world.manager.email not in str(body)


def test_it_lists_only_the_volunteers_own_applications(world: World) -> None:
    other = client_for(world.other_volunteer_user)
    assert other.get("/api/v1/applications/").json()["count"] == 0
    other.post(f"/api/v1/vacancies/{world.vacancy.external_id}/interest", {"motivation": "Waan xiiseynayaa."})
    listed = other.get("/api/v1/applications/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["motivation"] == "Waan xiiseynayaa."


def test_it_expresses_interest_once_however_often_it_is_said(world: World) -> None:
    client = client_for(world.other_volunteer_user)
    url = f"/api/v1/vacancies/{world.vacancy.external_id}/interest"
    first, second = client.post(url, {}, format="json"), client.post(url, {}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Application.objects.filter(volunteer=world.other_volunteer).count() == 1


def test_it_asks_a_volunteer_without_a_profile_to_create_one_first(world: World, volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    response = client_for(volunteer_without_profile).post(f"/api/v1/vacancies/{world.vacancy.external_id}/interest")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["profile"]


def test_it_filters_a_managers_applications_by_status_and_vacancy(world: World) -> None:
    client = client_for(world.manager)
    assert client.get("/api/v1/applications/?status=interest").json()["count"] == 1
    assert client.get("/api/v1/applications/?status=selected").json()["count"] == 0
    assert client.get(f"/api/v1/applications/?vacancy={world.vacancy.external_id}").json()["count"] == 1
    assert client.get(f"/api/v1/applications/?vacancy={world.other_vacancy.external_id}").json()["count"] == 0
