"""Managers hear back in time: first strong candidates, a daily summary, applications left waiting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from alerts import tasks
from alerts.models import Alert, InboxMessage
from alerts.services.managers import (
    manager_first_candidates_alert,
    manager_summaries_create,
    stale_applications_alerts_create,
)
from assignments.models import Application
from assignments.services import application_advance
from tests.alerts.conftest import StoreShortlist
from tests.factories import (
    ApplicationFactory,
    ManagerFactory,
    ProgrammeFactory,
    VacancyFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def _send_all() -> list[str]:
    return [
        tasks.send_alert(pk)
        for pk in Alert.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
    ]


# --- First strong candidates ----------------------------------------------------------


def test_managers_hear_once_when_a_vacancy_gets_its_first_strong_candidates(store_shortlist: StoreShortlist) -> None:
    manager, colleague = ManagerFactory(), ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager, colleague]))
    people = [VolunteerFactory() for _ in range(4)]

    store_shortlist(vacancy, [(people[0], 0.9), (people[1], 0.8), (people[2], 0.2)])
    assert not Alert.objects.filter(kind="manager_first").exists()  # two strong: not yet

    store_shortlist(vacancy, [(people[0], 0.9), (people[1], 0.8), (people[2], 0.7)])
    store_shortlist(vacancy, [(p, 0.9) for p in people])  # a rerun with more

    rows = Alert.objects.filter(kind="manager_first").order_by("user_id", "channel")
    assert list(rows.values_list("user_id", "channel")) == [
        (manager.pk, "email"),
        (manager.pk, "inapp"),
        (colleague.pk, "email"),
        (colleague.pk, "inapp"),
    ]
    assert rows[0].context == {"count": 3}


def test_asking_again_after_managers_were_told_reads_twice_and_writes_nothing_however_many_managers(
    store_shortlist: StoreShortlist, django_assert_max_num_queries: Any
) -> None:
    managers = [ManagerFactory() for _ in range(4)]
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=managers))
    store_shortlist(vacancy, [(VolunteerFactory(), 0.9) for _ in range(3)])
    assert Alert.objects.filter(kind="manager_first").count() == 8

    # Each rescore of someone on the list asks again: the managers and who was told, nothing written.
    with django_assert_max_num_queries(2):
        assert manager_first_candidates_alert(vacancy=vacancy, strong_count=3) == 0

    newcomer = ManagerFactory()
    vacancy.programme.managers.add(newcomer)
    assert manager_first_candidates_alert(vacancy=vacancy, strong_count=3) == 2
    assert set(Alert.objects.filter(kind="manager_first", user=newcomer).values_list("channel", flat=True)) == {
        "email",
        "inapp",
    }


def test_the_first_candidates_notice_links_to_the_shortlist(store_shortlist: StoreShortlist) -> None:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]), title="Budget Execution Adviser")
    store_shortlist(vacancy, [(VolunteerFactory(), 0.9 - i / 10) for i in range(3)])

    _send_all()

    [email] = [m for m in mail.outbox if m.to == [manager.email]]
    assert email.subject == "3 good or strong matches for Budget Execution Adviser"
    assert f"https://match.example.org/manage/vacancies/{vacancy.external_id}/shortlist/" in email.body
    assert "List-Unsubscribe" not in email.extra_headers
    assert InboxMessage.objects.get(user=manager).url.endswith("/shortlist/")


# --- Daily summary -------------------------------------------------------------------


def _applied(vacancy: Any, when: datetime) -> Application:
    application = ApplicationFactory(vacancy=vacancy)
    Application.objects.filter(pk=application.pk).update(created_at=when, status_changed_at=when)
    return application


def test_the_daily_summary_counts_yesterdays_interest_per_vacancy_once() -> None:
    manager, other = ManagerFactory(), ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    busy, quiet = VacancyFactory(programme=programme, title="Busy"), VacancyFactory(programme=programme, title="Quiet")
    elsewhere = VacancyFactory(programme=ProgrammeFactory(managers=[other]), title="Elsewhere")
    yesterday = timezone.now() - timedelta(days=1)
    for _ in range(2):
        _applied(busy, yesterday)
    _applied(quiet, yesterday)
    _applied(quiet, timezone.now() - timedelta(days=3))  # older: counted in all, not as new
    _applied(busy, timezone.now())  # today: tomorrow's summary
    _applied(elsewhere, yesterday)

    assert manager_summaries_create() == 4  # email and in-app for each of the two managers
    assert manager_summaries_create() == 0

    summary = Alert.objects.get(kind="manager_summary", user=manager, channel="email")
    assert [(r["title"], r["new"], r["total"]) for r in summary.context["vacancies"]] == [
        ("Busy", 2, 3),
        ("Quiet", 1, 2),
    ]
    assert [
        r["title"] for r in Alert.objects.get(kind="manager_summary", user=other, channel="email").context["vacancies"]
    ] == ["Elsewhere"]
    _send_all()
    [email] = [m for m in mail.outbox if m.to == [manager.email]]
    assert "Busy (A-" in email.body
    assert "2 new, 3 in all" in email.body


def test_no_summary_when_nothing_new() -> None:
    manager = ManagerFactory()
    _applied(VacancyFactory(programme=ProgrammeFactory(managers=[manager])), timezone.now() - timedelta(days=5))

    assert manager_summaries_create() == 0
    assert not Alert.objects.exists()


# --- Applications left waiting -------------------------------------------------------


def test_a_waiting_application_earns_one_reminder_and_one_polite_note(settings: Any) -> None:
    settings.ALERT_STALE_DAYS = 14
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]), title="Midwifery Tutor")
    waiting = _applied(vacancy, timezone.now() - timedelta(days=15))
    _applied(vacancy, timezone.now() - timedelta(days=13))  # not yet

    assert stale_applications_alerts_create() == 4
    assert tasks.stale_applications() == 0  # the beat task, run again: nothing new

    assert sorted(Alert.objects.values_list("kind", "channel", "application_id")) == [
        ("stale_reminder", "email", waiting.pk),
        ("stale_reminder", "inapp", waiting.pk),
        ("status_note", "email", waiting.pk),
        ("status_note", "inapp", waiting.pk),
    ]
    _send_all()
    to_manager = next(m for m in mail.outbox if m.to == [manager.email])
    to_volunteer = next(m for m in mail.outbox if m.to == [waiting.volunteer.email])
    assert "waited 15 days" in to_manager.body
    assert 'step "interest expressed"' in to_manager.body
    assert "still being considered" in to_volunteer.body
    assert to_volunteer.subject == "Your application for Midwifery Tutor"


def test_the_next_step_left_waiting_earns_its_own_reminder(settings: Any) -> None:
    manager = ManagerFactory()
    application = _applied(
        VacancyFactory(programme=ProgrammeFactory(managers=[manager])), timezone.now() - timedelta(days=20)
    )
    stale_applications_alerts_create()

    application_advance(application=application, to_status="shortlisted", actor=manager)
    later = timezone.now() + timedelta(days=settings.ALERT_STALE_DAYS + 1)
    stale_applications_alerts_create(now=later)

    steps = sorted(Alert.objects.filter(kind="stale_reminder", channel="email").values_list("context__step", flat=True))
    assert steps == ["interest", "shortlisted"]


def test_a_reminder_for_an_application_that_moved_on_is_skipped() -> None:
    manager = ManagerFactory()
    application = _applied(
        VacancyFactory(programme=ProgrammeFactory(managers=[manager])), timezone.now() - timedelta(days=20)
    )
    stale_applications_alerts_create()
    application_advance(application=application, to_status="shortlisted", actor=manager)

    assert set(_send_all()) == {"skipped"}
    assert mail.outbox == []


def test_finished_applications_are_not_reminded() -> None:
    manager = ManagerFactory()
    application = _applied(
        VacancyFactory(programme=ProgrammeFactory(managers=[manager])), timezone.now() - timedelta(days=40)
    )
    Application.objects.filter(pk=application.pk).update(status="not_selected")

    assert stale_applications_alerts_create() == 0
