"""After an erasure, no text in any column of any table names the person.

The person is put through the flows that write about them (ranking, a ranking
still working in chunks, match alerts sent by email and in-app, an application with a motivation, a
manager's step with a note, reminders, the outbox, staff edits in the admin,
sign-in records), then erased; every column of every table the database
holds, found by introspection rather than from the models, is read back (a
compressed blob decompressed) and searched for their name, email address and
phone number, and for words only their skills and summary hold (matching quotes a
person's own skill phrases in the reasons it stores, per candidate, in results and
in a run's chunks; a partitioned roster's word statistics hold every word).
"""

from __future__ import annotations

import contextlib
import json
import zlib
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from alerts.models import Alert
from alerts.services.creation import alerts_for_vacancy_results
from alerts.services.managers import stale_applications_alerts_create
from alerts.services.notes import application_status_note_create
from alerts.services.sending import alert_deliver
from assignments.services import application_advance, application_express_interest
from core.models import OutboxMessage
from matching.index_cache import vocabulary_refit
from matching.models import MatchRun, MatchRunChunk
from matching.outcomes import outcome_from_application_event
from matching.rank import vacancy_rank, vacancy_rank_chunk
from tests.factories import (
    ManagerFactory,
    ProgrammeFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VolunteerFactory,
)
from volunteers.privacy import user_erase
from volunteers.privacy.services import volunteer_erase

pytestmark = pytest.mark.django_db

NAME = "Hodan Warsame"
EMAIL = "Hodan.Warsame@example.org"
PHONE = "+252 61 555 0101"
# What must not survive, compared without case: the name's parts, the address,
# the phone number as written and as bare digits.
NEEDLES = ("hodan", "warsame", EMAIL.lower(), PHONE, "252615550101")
# Words no one else writes, planted in the person's skills and summary: the
# skill phrase comes back quoted in the reasons the ranking stores.
SKILL_PHRASE = "Zorblatt breech drills"
PROFILE_NEEDLES = ("zorblatt", "quillane")
VACANCY_SKILLS = ["midwifery", "clinical teaching", "breech delivery drills"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        blob = bytes(value)
        with contextlib.suppress(zlib.error):  # a compressed blob (word statistics) is read inside
            blob = zlib.decompress(blob)
        return blob.decode("latin-1")
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
        user=user,
        full_name=NAME,
        email=EMAIL,
        skills=["midwifery", "clinical teaching", SKILL_PHRASE],
        summary=f"Midwife; I ran the Quillane ward's drills. Reach me on {PHONE} after six.",
    )
    Client().force_login(user)  # a session row
    AccessLog.objects.create(username=EMAIL.lower(), ip_address="198.51.100.9", user_agent="Firefox", path_info="/")

    manager = ManagerFactory(full_name="Amina Manager")
    programme = ProgrammeFactory(managers=[manager])
    vacancy = VacancyFactory(programme=programme, created_by=manager, required_skills=VACANCY_SKILLS)
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

    _rank_in_chunks_without_finishing(programme=programme, person_id=volunteer.pk)
    vocabulary_refit()  # the word statistics a partitioned roster's partitions share

    # Staff edits in the admin: the log keeps each object's repr (an address is its own repr).
    staff = StaffFactory()
    for obj in (volunteer, user, address, application):
        LogEntry.objects.log_actions(
            user_id=staff.pk, queryset=[obj], action_flag=CHANGE, change_message=[{"changed": {"fields": ["Name"]}}]
        )
    return user


def _rank_in_chunks_without_finishing(*, programme: Any, person_id: int) -> None:
    """A ranking split into chunks (one profile each) whose other chunk has not run yet, or
    whose worker died: the person's chunk waits in the database for the merge."""
    VolunteerFactory()  # a second profile, so a second chunk
    vacancy = VacancyFactory(programme=programme, required_skills=VACANCY_SKILLS)
    with override_settings(MATCHING_CHUNK_SIZE=1):
        run, ranges = vacancy_rank(vacancy_id=vacancy.pk)
        assert run is not None
        assert len(ranges) > 1
        number, (low, high) = next((n, r) for n, r in enumerate(ranges) if r[0] <= person_id <= r[1])
        assert not vacancy_rank_chunk(run_id=run.pk, number=number, low_id=low, high_id=high)
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.RUNNING


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
    # Their own words, as matching stores them about them.
    words = database_hits(PROFILE_NEEDLES)
    assert "matching_matchresult.reasons: zorblatt" in words
    assert "matching_matchrunchunk.candidates: zorblatt" in words
    assert "matching_matchingvocabulary.data: quillane" in words


def test_no_column_of_any_table_names_the_person_after_erasure(settings: pytest.FixtureRequest) -> None:
    user = _live_through_the_flows(settings)

    user_erase(user=user)

    assert database_hits(NEEDLES + PROFILE_NEEDLES) == []


def test_erasing_a_profile_without_an_account_drops_only_their_entries_from_a_waiting_chunk() -> None:
    person = VolunteerFactory(user=None, skills=["midwifery", SKILL_PHRASE])
    other = VolunteerFactory(user=None)
    vacancy = VacancyFactory(required_skills=VACANCY_SKILLS)
    with override_settings(MATCHING_CHUNK_SIZE=2):
        VolunteerFactory(user=None)  # a third profile: a second chunk, not run
        run, ranges = vacancy_rank(vacancy_id=vacancy.pk)
        assert run is not None
        assert not vacancy_rank_chunk(run_id=run.pk, number=0, low_id=ranges[0][0], high_id=ranges[0][1])
    chunk = MatchRunChunk.objects.get(run=run)
    assert {c["volunteer_id"] for c in chunk.candidates} == {person.pk, other.pk}

    volunteer_erase(volunteer=person)
    volunteer_erase(volunteer=person)  # twice is harmless

    chunk.refresh_from_db()
    assert [c["volunteer_id"] for c in chunk.candidates] == [other.pk]
    assert database_hits(PROFILE_NEEDLES) == []
