"""Retention: profiles inactive for PRIVACY_RETENTION_DAYS are erased, on a clock the test sets."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from tests.factories import ApplicationFactory, ManagerFactory, UserFactory, VolunteerFactory
from volunteers.models import Volunteer
from volunteers.privacy.retention import volunteers_retention_erase
from volunteers.tasks import erase_inactive_volunteers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _retention(settings: pytest.FixtureRequest) -> None:
    settings.PRIVACY_RETENTION_DAYS = 365


def _now() -> datetime:
    return timezone.now() + timedelta(days=400)


def _aged(volunteer: Volunteer, *, edited: datetime, joined: datetime, login: datetime | None) -> Volunteer:
    # auto_now would overwrite updated_at on save(): set the past with update().
    Volunteer.objects.filter(pk=volunteer.pk).update(updated_at=edited)
    if volunteer.user_id:
        User.objects.filter(pk=volunteer.user_id).update(date_joined=joined, last_login=login)
    volunteer.refresh_from_db()
    return volunteer


def test_it_erases_a_profile_with_no_log_in_and_no_edit_within_the_period() -> None:
    now = _now()
    old = now - timedelta(days=366)
    idle = _aged(VolunteerFactory(full_name="Idle Person"), edited=old, joined=old, login=old)
    application = ApplicationFactory(volunteer=idle, motivation="old motivation")

    assert volunteers_retention_erase(now=now) == 1

    idle.refresh_from_db()
    application.refresh_from_db()
    assert idle.erased_at is not None
    assert idle.full_name == "Erased volunteer"
    assert idle.user is None
    assert application.volunteer is None
    assert application.motivation == ""
    assert not User.objects.get(email__endswith="@erased.invalid").is_active


def test_it_keeps_a_profile_logged_into_or_edited_within_the_period() -> None:
    now = _now()
    old, recent = now - timedelta(days=366), now - timedelta(days=364)
    logged_in = _aged(VolunteerFactory(), edited=old, joined=old, login=recent)
    edited = _aged(VolunteerFactory(), edited=recent, joined=old, login=old)
    new_account = _aged(VolunteerFactory(), edited=old, joined=recent, login=None)

    assert volunteers_retention_erase(now=now) == 0

    assert not Volunteer.objects.filter(pk__in=[logged_in.pk, edited.pk, new_account.pk], erased_at__isnull=False)


def test_the_period_is_a_setting(settings: pytest.FixtureRequest) -> None:
    now = _now()
    idle = _aged(VolunteerFactory(), edited=now - timedelta(days=366), joined=now - timedelta(days=366), login=None)
    settings.PRIVACY_RETENTION_DAYS = 400

    assert volunteers_retention_erase(now=now) == 0

    settings.PRIVACY_RETENTION_DAYS = 300
    assert volunteers_retention_erase(now=now) == 1
    idle.refresh_from_db()
    assert idle.erased_at is not None


def test_it_erases_a_roster_profile_without_an_account() -> None:
    now = _now()
    idle = _aged(
        VolunteerFactory(user=None, full_name="Roster Only"), edited=now - timedelta(days=366), joined=now, login=None
    )
    ApplicationFactory(volunteer=idle, motivation="from the roster")

    assert volunteers_retention_erase(now=now) == 1

    idle.refresh_from_db()
    assert idle.erased_at is not None
    assert idle.full_name == "Erased volunteer"
    assert not Volunteer.objects.filter(full_name="Roster Only").exists()


def test_it_leaves_managers_and_erased_profiles_alone_and_reruns_harmlessly() -> None:
    now = _now()
    old = now - timedelta(days=366)
    manager = ManagerFactory()
    User.objects.filter(pk=manager.pk).update(date_joined=old, last_login=old)
    _aged(VolunteerFactory(), edited=old, joined=old, login=None)

    assert volunteers_retention_erase(now=now) == 1
    assert volunteers_retention_erase(now=now) == 0

    manager.refresh_from_db()
    assert manager.is_active


def test_the_task_and_the_command_erase_on_todays_clock() -> None:
    long_ago = timezone.now() - timedelta(days=366)
    first = _aged(VolunteerFactory(), edited=long_ago, joined=long_ago, login=None)
    second = _aged(VolunteerFactory(user=UserFactory()), edited=long_ago, joined=long_ago, login=long_ago)
    kept = VolunteerFactory()

    dry = StringIO()
    call_command("erase_inactive", "--dry-run", stdout=dry)
    assert dry.getvalue().startswith("2 profile(s)")
    assert erase_inactive_volunteers() == 2
    assert erase_inactive_volunteers() == 0
    out = StringIO()
    call_command("erase_inactive", stdout=out)

    assert out.getvalue().startswith("0 profile(s)")
    assert set(Volunteer.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == {first.pk, second.pk}
    kept.refresh_from_db()
    assert kept.erased_at is None
