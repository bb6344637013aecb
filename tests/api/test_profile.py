"""A volunteer's own profile and consents."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.models import OutboxMessage
from tests.api.conftest import World, client_for
from volunteers.models import Volunteer

PROFILE: dict[str, Any] = {
    "full_name": "Faadumo Warsame",
    "headline": "Public financial management adviser",
    "summary": "Budget execution and treasury reform in two finance ministries.",
    "skills": ["PFM", "budget execution", "IFMIS"],
    "languages": {"so": "native", "en": "fluent", "ar": "conversational"},
    "education": "master",
    "years_experience": 14,
    "residence_country": "SE",
    "heritage_countries": ["SO", "ET"],
    "available_from": "2027-01-15",
    "available_until": "2027-12-15",
    "on_site_ok": False,
    "gender": "female",
}


def _rescore_requested(volunteer: Volunteer) -> bool:
    return OutboxMessage.objects.filter(key=f"volunteer:{volunteer.pk}", sent_at__isnull=True).exists()


def test_it_lets_a_volunteer_without_a_profile_create_one_with_every_roster_field(volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    client = client_for(volunteer_without_profile)
    assert client.get("/api/v1/profile").status_code == 404

    response = client.post("/api/v1/profile", PROFILE, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in PROFILE} == PROFILE
    assert body["email"] == volunteer_without_profile.email
    profile = Volunteer.objects.get(user=volunteer_without_profile)
    assert body["external_id"] == profile.external_id
    assert profile.matching_consent is True
    assert profile.matching_consent_at is not None
    assert profile.alerts_consent is False
    assert _rescore_requested(profile)
    assert client.get("/api/v1/me").json()["has_profile"] is True


def test_it_refuses_a_second_profile(world: World) -> None:
    response = client_for(world.volunteer_user).post("/api/v1/profile", PROFILE, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["profile"]


def test_it_refuses_a_profile_whose_email_is_already_on_the_roster(volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    Volunteer.objects.create(
        user=None,
        email=volunteer_without_profile.email.upper(),
        full_name="Imported",
        languages={"so": "native"},
        education="bachelor",
        years_experience=3,
        residence_country="GB",
    )
    response = client_for(volunteer_without_profile).post("/api/v1/profile", PROFILE, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]


def test_it_requires_the_required_roster_fields_on_create(volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    response = client_for(volunteer_without_profile).post("/api/v1/profile", {"full_name": "Ayaan"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"languages", "education", "years_experience", "residence_country"}


def test_it_updates_part_of_a_profile_and_asks_for_a_rescore(world: World) -> None:
    OutboxMessage.objects.all().delete()
    response = client_for(world.volunteer_user).patch("/api/v1/profile", {"years_experience": 13}, format="json")
    assert response.status_code == 200
    world.volunteer.refresh_from_db()
    assert world.volunteer.years_experience == 13
    assert world.volunteer.skills == ["midwifery", "clinical teaching", "EmONC"]
    assert _rescore_requested(world.volunteer)


def test_it_resets_left_out_optional_fields_on_a_full_replacement(world: World) -> None:
    body = {k: v for k, v in PROFILE.items() if k not in {"headline", "skills", "gender"}}
    response = client_for(world.volunteer_user).put("/api/v1/profile", body, format="json")
    assert response.status_code == 200
    world.volunteer.refresh_from_db()
    assert (world.volunteer.headline, world.volunteer.skills, world.volunteer.gender) == ("", [], "")
    assert world.volunteer.full_name == "Faadumo Warsame"


def test_it_records_when_each_consent_changes_and_withdrawing_is_one_call(world: World) -> None:
    client = client_for(world.volunteer_user)
    alerts_at_before = Volunteer.objects.get(pk=world.volunteer.pk).alerts_consent_at
    started = timezone.now()

    withdrawn = client.post("/api/v1/profile/consents", {"matching": False}, format="json")

    assert withdrawn.status_code == 200
    body = withdrawn.json()
    assert body["matching_consent"] is False
    profile = Volunteer.objects.get(pk=world.volunteer.pk)
    assert profile.matching_consent_at is not None
    assert profile.matching_consent_at >= started
    assert profile.alerts_consent_at == alerts_at_before  # alerts untouched, its time kept
    assert not Volunteer.objects.matchable().filter(pk=profile.pk).exists()

    given = client.post("/api/v1/profile/consents", {"matching": True, "alerts": False}, format="json").json()
    assert (given["matching_consent"], given["alerts_consent"]) == (True, False)
    profile.refresh_from_db()
    assert profile.alerts_consent_at is not None
    assert profile.alerts_consent_at >= started


def test_it_refuses_an_empty_or_non_boolean_consent(world: World) -> None:
    client = client_for(world.volunteer_user)
    assert list(client.post("/api/v1/profile/consents", {}, format="json").json()["errors"]) == ["matching"]
    response = client.post("/api/v1/profile/consents", {"alerts": "maybe"}, format="json")
    assert list(response.json()["errors"]) == ["alerts"]


def test_a_profile_created_by_a_confirmed_account_counts_its_address_as_confirmed(volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=volunteer_without_profile, email=volunteer_without_profile.email, verified=True, primary=True
    )
    response = client_for(volunteer_without_profile).post("/api/v1/profile", PROFILE, format="json")
    assert response.status_code == 201, response.content
    assert Volunteer.objects.get(user=volunteer_without_profile).email_confirmed_at is not None


def test_a_profile_created_by_an_unconfirmed_account_is_not_confirmed(volunteer_without_profile) -> None:  # type: ignore[no-untyped-def]
    response = client_for(volunteer_without_profile).post("/api/v1/profile", PROFILE, format="json")
    assert response.status_code == 201, response.content
    assert Volunteer.objects.get(user=volunteer_without_profile).email_confirmed_at is None
