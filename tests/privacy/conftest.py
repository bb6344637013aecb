from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog

from accounts.models import User
from accounts.services import api_token_issue
from assignments.models import Application, ApplicationEvent
from matching.models import MatchResult
from tests.factories import ApplicationFactory, UserFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer


@dataclass
class Person:
    user: User
    volunteer: Volunteer
    application: Application
    token_key: str
    secrets: tuple[str, ...]  # strings that identify the person and must not survive erasure


@pytest.fixture
def person() -> Person:
    """A volunteer with something in every place personal data can be."""
    user = UserFactory(email="Hodan.Warsame@example.org", full_name="Hodan Warsame")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    volunteer = VolunteerFactory(
        user=user,
        full_name="Hodan Warsame",
        email=user.email,
        headline="Neonatal nurse mentor",
        summary="Ran the Zanzibar-ward kangaroo care programme",
        skills=["neonatal resuscitation", "kangaroo mother care"],
        gender="female",
    )
    application = ApplicationFactory(volunteer=volunteer, motivation="I trained at Hargeisa Group Hospital")
    ApplicationEvent.objects.create(application=application, from_status="", to_status="interest", actor=user)
    ApplicationEvent.objects.create(
        application=application, from_status="interest", to_status="shortlisted", note="Strong NICU record, Hodan"
    )
    MatchResult.objects.create(vacancy=VacancyFactory(), volunteer=volunteer, score=0.81, engine_version="test")
    _, token_key = api_token_issue(user=user)
    # bulk_create: axes' post_save receiver is not implemented by its cache handler (used with Redis).
    seen = {"username": user.email.lower(), "ip_address": "203.0.113.7", "user_agent": "Firefox"}
    seen |= {"http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.bulk_create([AccessAttempt(**seen, get_data="", post_data="", failures_since_start=1)])
    AccessLog.objects.create(**seen)
    return Person(
        user=user,
        volunteer=volunteer,
        application=application,
        token_key=token_key,
        secrets=(
            "Hodan",
            "Warsame",
            "hodan.warsame@example.org",
            "Neonatal nurse mentor",
            "Zanzibar-ward",
            "kangaroo mother care",
            "Hargeisa Group Hospital",
            "203.0.113.7",
            # Only the key's digest is stored.
            hashlib.sha256(token_key.encode()).hexdigest(),
        ),
    )
