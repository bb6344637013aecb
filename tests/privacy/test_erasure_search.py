"""After an erasure, no text in any column of any table names the person.

The person is put through the flows that write about them (ranking, match
alerts sent by email and in-app, an application with a motivation, a
manager's step with a note, reminders, the outbox, staff edits in the admin,
sign-in records), then erased; every column of every table the database
holds, found by introspection rather than from the models, is read back and
searched for their name, email address and phone number.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test import Client
from django.utils import timezone

from alerts.models import Alert
from alerts.services.creation import alerts_for_vacancy_results
from alerts.services.managers import stale_applications_alerts_create
from alerts.services.notes import application_status_note_create
from alerts.services.sending import alert_deliver
from assignments.services import application_advance, application_express_interest
from core.models import OutboxMessage
from matching.outcomes import outcome_from_application_event
from matching.rank import vacancy_rank
from tests.factories import (
    ManagerFactory,
    ProgrammeFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VolunteerFactory,
)
from volunteers.privacy import user_erase

pytestmark = pytest.mark.django_db

NAME = "Hodan Warsame"
EMAIL = "Hodan.Warsame@example.org"
PHONE = "+252 61 555 0101"
# What must not survive, compared without case: the name's parts, the address,
# the phone number as written and as bare digits.
NEEDLES = ("hodan", "warsame", EMAIL.lower(), PHONE, "252615550101")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def database_hits(needles: tuple[str, ...]) -> list[str]:
    """``table.column: needle`` for every cell of every table holding a needle, whatever its type."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for values in cursor.fetchall():
                for column, value in zip(columns, values, strict=True):
                    text = _text(value).lower()
                    text_digits = "".join(ch for ch in text if ch.isdigit())
                    for needle in needles:
                        if needle.lower() in text or (needle.isdigit() and needle in text_digits):
                            hits.append(f"{table}.{column}: {needle}")
    return sorted(set(hits))


def _live_through_the_flows(settings: pytest.FixtureRequest) -> Any:
    user = UserFactory(email=EMAIL, full_name=NAME)
    address = EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    volunteer = VolunteerFactory(
        user=user, full_name=NAME, email=EMAIL, summary=f"Midwife; reach me on {PHONE} after six."
    )
    Client().force_login(user)  # a session row
    AccessLog.objects.create(username=EMAIL.lower(), ip_address="198.51.100.9", user_agent="Firefox", path_info="/")

    manager = ManagerFactory(full_name="Amina Manager")
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]), created_by=manager)
    vacancy_rank(vacancy_id=vacancy.pk)
    alerts_for_vacancy_results(vacancy_id=vacancy.pk)
    application = application_express_interest(
        volunteer=volunteer, vacancy=vacancy, motivation=f"I am {NAME}; call {PHONE} or write to {EMAIL}."
    )
    application_advance(
        application=application, to_status="shortlisted", actor=manager, note=f"Spoke to {NAME} on {PHONE}."
    )
    event = application.events.order_by("pk").last()
    assert event is not None
    outcome_from_application_event(event_id=event.pk)
    application_status_note_create(application_id=application.pk, step="shortlisted")
    stale_applications_alerts_create(now=timezone.now() + timedelta(days=90))
    for alert_id in Alert.objects.values_list("pk", flat=True):
        alert_deliver(alert_id=alert_id)

    # Staff edits in the admin: the log keeps each object's repr (an address is its own repr).
    staff = StaffFactory()
    for obj in (volunteer, user, address, application):
        LogEntry.objects.log_actions(
            user_id=staff.pk, queryset=[obj], action_flag=CHANGE, change_message=[{"changed": {"fields": ["Name"]}}]
        )
    return user


def test_the_flows_write_the_person_into_many_tables(settings: pytest.FixtureRequest) -> None:
    _live_through_the_flows(settings)

    tables = {hit.split(".")[0] for hit in database_hits(NEEDLES)}

    # The search can fail: before erasure it finds the person all over the place.
    assert {
        "accounts_user",
        "volunteers_volunteer",
        "account_emailaddress",
        "assignments_application",
        "assignments_applicationevent",
        "alerts_inboxmessage",
        "django_admin_log",
        "axes_accesslog",
    } <= tables
    assert OutboxMessage.objects.exists()


def test_no_column_of_any_table_names_the_person_after_erasure(settings: pytest.FixtureRequest) -> None:
    user = _live_through_the_flows(settings)

    user_erase(user=user)

    assert database_hits(NEEDLES) == []
