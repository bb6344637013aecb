"""`manage.py demo_setup`: the demo programme, roster and log-ins, and running it twice changes nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assignments.models import Programme, Vacancy
from core.models import OutboxMessage
from core.tasknames import RANK_VACANCY as TASK_RANK_VACANCY
from roster.management.commands.demo_setup import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    VOLUNTEER_EMAIL,
    VOLUNTEER_PROFILE,
)
from tests.demo.conftest import VACANCIES_FILE, VOLUNTEERS_FILE, read_jsonl
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

DEMO_LOGINS = (ADMIN_EMAIL, MANAGER_EMAIL, VOLUNTEER_EMAIL)


@pytest.fixture(autouse=True)
def _development_settings(settings: Any) -> None:
    # demo_setup refuses to run unless DEBUG is on; the test runner turns it off.
    settings.DEBUG = True


def _demo_setup() -> str:
    out = StringIO()
    call_command("demo_setup", stdout=out, stderr=StringIO())
    return out.getvalue()


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row demo_setup writes, with the columns that would show a rewrite."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "role", "is_staff", "password")),
        "addresses": list(EmailAddress.objects.order_by("pk").values_list("pk", "user", "email", "verified")),
        "volunteers": list(
            Volunteer.objects.order_by("pk").values_list("pk", "user", "updated_at", "email_confirmed_at")
        ),
        "vacancies": list(Vacancy.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "programmes": list(Programme.objects.order_by("pk").values_list("pk", "slug", "managers")),
        "outbox": list(OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", "key")),
    }


def test_it_creates_the_mida_somalia_programme_with_its_residence_rule() -> None:
    _demo_setup()

    programme = Programme.objects.get(slug="mida-somalia")
    assert programme.name == "MIDA Somalia"
    assert programme.rule_residence_outside_duty_country


def test_it_loads_the_whole_demo_roster_as_open_vacancies() -> None:
    _demo_setup()

    assert Volunteer.objects.count() == len(read_jsonl(VOLUNTEERS_FILE))
    assert Vacancy.objects.filter(programme__slug="mida-somalia").open().count() == len(read_jsonl(VACANCIES_FILE))


def test_it_gives_each_demo_log_in_its_role() -> None:
    _demo_setup()

    admin = User.objects.get(email=ADMIN_EMAIL)
    manager = User.objects.get(email=MANAGER_EMAIL)
    volunteer = User.objects.get(email=VOLUNTEER_EMAIL)
    assert admin.is_staff
    assert admin.is_superuser
    assert manager.role == User.Role.MANAGER
    assert not manager.is_staff
    assert list(manager.managed_programmes.values_list("slug", flat=True)) == ["mida-somalia"]
    assert volunteer.role == User.Role.VOLUNTEER
    assert not volunteer.is_staff


def test_it_links_the_demo_volunteer_to_a_confirmed_imported_profile_with_alerts_on() -> None:
    _demo_setup()

    profile = Volunteer.objects.get(user__email=VOLUNTEER_EMAIL)
    assert profile.external_id == VOLUNTEER_PROFILE
    assert profile.source == "import"
    assert profile.email_confirmed_at is not None
    assert profile.alerts_consent
    assert profile.alerts_consent_at is not None


def test_it_prints_the_demo_log_ins_marked_as_demo_only() -> None:
    output = _demo_setup()

    assert "DEMO ONLY" in output
    for email in DEMO_LOGINS:
        assert email in output
    assert DEMO_PASSWORD in output


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_it_lets_each_demo_log_in_sign_in_through_the_login_page(client: Client, email: str) -> None:
    _demo_setup()

    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})

    # Mandatory verification would redirect an unverified address to "confirm your e-mail".
    assert response.status_code == 302
    assert response["Location"] != reverse("account_email_verification_sent")
    assert client.session.get("_auth_user_id") == str(User.objects.get(email=email).pk)


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_it_lets_each_demo_log_in_authenticate_with_client_login(client: Client, email: str) -> None:
    _demo_setup()

    # axes asks for the request that carries the credentials.
    assert client.login(request=HttpRequest(), email=email, password=DEMO_PASSWORD)


def test_it_lets_the_demo_admin_into_the_admin_site(client: Client) -> None:
    _demo_setup()
    client.post(reverse("account_login"), {"login": ADMIN_EMAIL, "password": DEMO_PASSWORD})

    assert client.get(reverse("admin:index")).status_code == 200


def test_it_queues_one_ranking_for_each_open_vacancy() -> None:
    _demo_setup()

    pending = OutboxMessage.objects.filter(task=TASK_RANK_VACANCY, sent_at__isnull=True)
    open_ids = set(Vacancy.objects.open().values_list("pk", flat=True))
    assert {message.kwargs["vacancy_id"] for message in pending} == open_ids
    assert pending.count() == len(open_ids)


def test_it_changes_nothing_when_run_a_second_time() -> None:
    _demo_setup()
    before = _snapshot()

    output = _demo_setup()

    assert _snapshot() == before
    assert "created: 0, updated: 0" in output


def test_it_restores_the_demo_password_and_address_when_they_were_changed() -> None:
    _demo_setup()
    manager = User.objects.get(email=MANAGER_EMAIL)
    manager.set_password("something-else-entirely-99")
    manager.save()
    EmailAddress.objects.filter(user=manager).update(verified=False)

    _demo_setup()

    manager.refresh_from_db()
    assert manager.check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.get(user=manager).verified


def test_it_refuses_to_run_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        _demo_setup()

    assert not User.objects.filter(email__in=DEMO_LOGINS).exists()
