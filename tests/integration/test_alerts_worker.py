"""A real worker on Redis and PostgreSQL sends match alerts: once, after outages, never against consent."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from celery import current_app

from alerts.models import Alert, InboxMessage
from alerts.services.creation import alerts_for_vacancy_results
from assignments.models import Vacancy
from assignments.services import vacancy_set_status
from core.models import OutboxMessage
from matching.models import MatchRun
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.integration.conftest import Broker, Worker
from tests.support.results import store_results
from volunteers.models import Volunteer
from volunteers.services import volunteer_consents_set

pytestmark = pytest.mark.django_db(transaction=True)


def _mails_to(worker: Worker, address: str) -> list[Any]:
    """Messages the worker's file backend wrote for ``address`` (one file per connection)."""
    folder = worker.log.parent / "sent-mail"
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        # A file may hold several messages, each ending with a line of dashes.
        for chunk in Path(path).read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = message_from_bytes(chunk.strip())
                if message["To"] == address:
                    found.append(message)
    return found


def _open_vacancy_with_candidates(n: int = 3) -> tuple[Vacancy, list[Volunteer]]:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]), status=Vacancy.Status.DRAFT)
    volunteers = [
        VolunteerFactory(headline="Midwife and clinical tutor", skills=["midwifery", "clinical teaching"])
        for _ in range(n)
    ]
    return vacancy, volunteers


def _settled(vacancy: Vacancy) -> bool:
    """Every instant alert about the vacancy (volunteers' and managers') is done with."""
    alerts = Alert.objects.filter(vacancy=vacancy, deliver="instant")
    return alerts.exists() and not alerts.filter(status__in=["pending", "sending"]).exists()


def _sent(volunteers: list[Volunteer], channel: str = "email") -> int:
    return Alert.objects.filter(volunteer__in=volunteers, channel=channel, status="sent").count()


def test_a_vacancy_opened_alerts_its_strong_candidates_by_email_and_inbox(
    worker: Worker, wait_for: Callable[..., None]
) -> None:
    vacancy, volunteers = _open_vacancy_with_candidates()

    vacancy_set_status(vacancy=vacancy, status="open", actor=None)

    wait_for(lambda: _sent(volunteers) == 3, timeout=60, what="three alert emails")
    wait_for(lambda: _sent(volunteers, "inapp") == 3, timeout=30, what="three in-app alerts")
    for volunteer in volunteers:
        [mail] = _mails_to(worker, volunteer.email)
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert vacancy.title in mail["Subject"]
        assert InboxMessage.objects.filter(user=volunteer.user).count() == 1
    assert "Traceback" not in worker.output()


def test_a_vacancy_opened_while_the_broker_is_down_loses_no_alert(
    worker: Worker, broker: Broker, wait_for: Callable[..., None]
) -> None:
    vacancy, volunteers = _open_vacancy_with_candidates()
    broker.stop()
    try:
        vacancy_set_status(vacancy=vacancy, status="open", actor=None)
        assert OutboxMessage.objects.filter(sent_at__isnull=True, key=f"vacancy:{vacancy.pk}").exists()
    finally:
        broker.start()

    wait_for(lambda: _sent(volunteers) == 3, timeout=90, what="the alerts after the broker came back")
    for volunteer in volunteers:
        assert len(_mails_to(worker, volunteer.email)) == 1


def test_tasks_delivered_twice_double_nothing(worker: Worker, wait_for: Callable[..., None]) -> None:
    vacancy, volunteers = _open_vacancy_with_candidates()
    vacancy_set_status(vacancy=vacancy, status="open", actor=None)
    wait_for(lambda: _sent(volunteers) == 3, timeout=60, what="the first alerts")
    wait_for(lambda: _settled(vacancy), timeout=30, what="the managers' alerts too")
    before = sorted(Alert.objects.filter(vacancy=vacancy).values_list("pk", "status", "attempts", "sent_at"))
    runs = MatchRun.objects.filter(vacancy=vacancy, status="done").count()

    alert = Alert.objects.filter(vacancy=vacancy, channel="email").first()
    assert alert is not None
    ids = [
        current_app.send_task("alerts.send_alert", kwargs={"alert_id": alert.pk}).id,
        current_app.send_task("alerts.send_alert", kwargs={"alert_id": alert.pk}).id,
        current_app.send_task("alerts.dispatch_vacancy", kwargs={"vacancy_id": vacancy.pk}).id,
        current_app.send_task("alerts.dispatch_vacancy", kwargs={"vacancy_id": vacancy.pk}).id,
        current_app.send_task("matching.rank_vacancy", kwargs={"vacancy_id": vacancy.pk}).id,
    ]
    wait_for(lambda: all(f"[{i}] succeeded" in worker.output() for i in ids), timeout=60, what="the repeats")
    wait_for(
        lambda: MatchRun.objects.filter(vacancy=vacancy, status="done").count() == runs + 1,
        timeout=30,
        what="the repeated ranking",
    )

    after = sorted(Alert.objects.filter(vacancy=vacancy).values_list("pk", "status", "attempts", "sent_at"))
    assert after == before
    for volunteer in volunteers:
        assert len(_mails_to(worker, volunteer.email)) == 1
        assert InboxMessage.objects.filter(user=volunteer.user).count() == 1


def _store(vacancy: Vacancy, volunteers: list[Volunteer]) -> None:
    """Store a shortlist in this process, through matching's own transaction (alerts are queued with it)."""
    store_results(vacancy, [(v, 0.8) for v in volunteers])


def test_consent_withdrawn_while_alerts_are_queued_sends_none(
    worker: Worker, broker: Broker, wait_for: Callable[..., None]
) -> None:
    vacancy, volunteers = _open_vacancy_with_candidates(2)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.OPEN)
    vacancy.refresh_from_db()
    broker.stop()
    try:
        _store(vacancy, volunteers)  # the request for alerts commits with the results; the broker cannot take it
        # The alerts are created as the worker would once the request reaches it,
        # and wait, pending, for a send that cannot be queued yet.
        alerts_for_vacancy_results(vacancy_id=vacancy.pk)
        assert Alert.objects.filter(volunteer__in=volunteers, status="pending").count() == 4
        volunteer_consents_set(volunteer=volunteers[0], alerts=False)
    finally:
        broker.start()

    wait_for(
        lambda: not Alert.objects.filter(volunteer__in=volunteers, status__in=["pending", "sending"]).exists(),
        timeout=90,
        what="the queued alerts to be dealt with",
    )
    withdrawn, still_consenting = volunteers
    assert set(Alert.objects.filter(volunteer=withdrawn).values_list("status", "last_error")) == {
        ("skipped", "no consent to alerts")
    }
    assert _mails_to(worker, withdrawn.email) == []
    assert not InboxMessage.objects.filter(user=withdrawn.user).exists()
    assert _sent([still_consenting]) == 1
    assert len(_mails_to(worker, still_consenting.email)) == 1
