"""A real worker on Redis ranks vacancies and profiles; the shortlist shows through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from celery import current_app
from rest_framework.test import APIClient

from assignments.models import Vacancy
from assignments.services import vacancy_set_status
from core.models import OutboxMessage
from matching.models import MatchResult, MatchRun
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.stack import Broker, Worker

pytestmark = pytest.mark.django_db(transaction=True)


def _roster() -> dict[str, Any]:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    midwives = [
        VolunteerFactory(headline="Midwife and clinical tutor", skills=["midwifery", "clinical teaching"])
        for _ in range(3)
    ]
    auditor = VolunteerFactory(
        headline="External auditor, supreme audit institution",
        summary="Financial and compliance audits of ministries under ISSAI.",
        skills=["financial audit", "ISSAI", "IPSAS"],
    )
    no_somali = VolunteerFactory(languages={"en": "native"})
    vacancy = VacancyFactory(programme=programme, status=Vacancy.Status.DRAFT)
    return {"manager": manager, "vacancy": vacancy, "midwives": midwives, "auditor": auditor, "no_somali": no_somali}


def _shortlist(manager: Any, vacancy: Vacancy) -> list[dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get(f"/api/v1/vacancies/{vacancy.external_id}/shortlist")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _done_runs(vacancy: Vacancy) -> int:
    return MatchRun.objects.filter(vacancy=vacancy, status=MatchRun.Status.DONE).count()


def test_it_ranks_a_newly_opened_vacancy_and_serves_the_shortlist(
    worker: Worker, wait_for: Callable[..., None]
) -> None:
    data = _roster()
    vacancy_set_status(vacancy=data["vacancy"], status="open", actor=data["manager"])

    wait_for(lambda: _done_runs(data["vacancy"]) == 1, timeout=30, what="the ranking run")
    shortlist = _shortlist(data["manager"], data["vacancy"])

    ranked = [row["volunteer"] for row in shortlist]
    assert set(ranked[:3]) == {m.external_id for m in data["midwives"]}
    assert data["no_somali"].external_id not in ranked  # fails the Somali requirement
    assert all(row["reasons"] for row in shortlist)
    assert "Traceback" not in worker.output()


def test_a_duplicated_delivery_leaves_the_same_rows(worker: Worker, wait_for: Callable[..., None]) -> None:
    data = _roster()
    vacancy_set_status(vacancy=data["vacancy"], status="open", actor=data["manager"])
    wait_for(lambda: _done_runs(data["vacancy"]) == 1, timeout=30, what="the first run")
    before = sorted(MatchResult.objects.filter(vacancy=data["vacancy"]).values_list("volunteer_id", "score"))

    current_app.send_task("matching.rank_vacancy", kwargs={"vacancy_id": data["vacancy"].pk})
    current_app.send_task("matching.rank_vacancy", kwargs={"vacancy_id": data["vacancy"].pk})
    wait_for(lambda: _done_runs(data["vacancy"]) == 3, timeout=30, what="the repeated runs")

    after = sorted(MatchResult.objects.filter(vacancy=data["vacancy"]).values_list("volunteer_id", "score"))
    assert after == before


def test_a_profile_change_is_rescored_against_open_vacancies(worker: Worker, wait_for: Callable[..., None]) -> None:
    data = _roster()
    vacancy_set_status(vacancy=data["vacancy"], status="open", actor=data["manager"])
    wait_for(lambda: _done_runs(data["vacancy"]) == 1, timeout=30, what="the ranking run")
    newcomer = data["no_somali"]
    assert not MatchResult.objects.filter(vacancy=data["vacancy"], volunteer=newcomer).exists()

    from django.db import transaction

    from core.outbox import rescore_volunteer_requested

    with transaction.atomic():
        newcomer.languages = {"en": "native", "so": "fluent"}
        newcomer.save()
        rescore_volunteer_requested(volunteer_id=newcomer.pk)

    wait_for(
        lambda: MatchResult.objects.filter(vacancy=data["vacancy"], volunteer=newcomer).exists(),
        timeout=30,
        what="the rescored profile on the shortlist",
    )


def test_a_task_for_a_deleted_vacancy_ends_quietly(worker: Worker, wait_for: Callable[..., None]) -> None:
    data = _roster()
    vacancy_id = data["vacancy"].pk
    data["vacancy"].delete()
    current_app.send_task("matching.rank_vacancy", kwargs={"vacancy_id": vacancy_id})
    wait_for(lambda: f"vacancy {vacancy_id} is gone" in worker.output(), timeout=30, what="the task to end")
    assert "Traceback" not in worker.output()


def test_a_vacancy_opened_while_the_broker_is_down_is_ranked_once_it_is_back(
    worker: Worker, broker: Broker, wait_for: Callable[..., None]
) -> None:
    data = _roster()
    broker.stop()
    try:
        vacancy_set_status(vacancy=data["vacancy"], status="open", actor=data["manager"])
        pending = OutboxMessage.objects.get(sent_at__isnull=True, key=f"vacancy:{data['vacancy'].pk}")
        assert pending.attempts >= 1  # the relay after commit tried and failed
    finally:
        broker.start()

    # Relays racing as the broker returns may publish the ranking twice; that is
    # allowed (ranking is idempotent), so wait for at least one finished run.
    wait_for(lambda: _done_runs(data["vacancy"]) >= 1, timeout=60, what="the ranking after the broker came back")
    assert _shortlist(data["manager"], data["vacancy"])


def test_a_ranking_lost_with_its_worker_is_redone_within_a_minute(
    worker: Worker, wait_for: Callable[..., None]
) -> None:
    """Defaults (30 s lease, reconciler every 15 s): no broker redelivery is needed."""
    from django.utils import timezone

    from core import tasknames
    from core.outbox import rank_vacancy_key
    from matching import rank

    data = _roster()
    # A request published this instant whose message a killed worker took with it...
    lost = VacancyFactory(programme=data["vacancy"].programme)
    OutboxMessage.objects.create(
        task=tasknames.RANK_VACANCY,
        key=rank_vacancy_key(lost.pk),
        kwargs={"vacancy_id": lost.pk},
        sent_at=timezone.now(),
    )
    # ...and a run that started this instant on a worker that then died.
    killed = VacancyFactory(programme=data["vacancy"].programme)
    dead_run = rank._new_run(killed)

    wait_for(lambda: _done_runs(lost) == 1 and _done_runs(killed) == 1, timeout=60, what="both rankings redone")
    dead_run.refresh_from_db()
    assert dead_run.status == MatchRun.Status.FAILED
    assert _shortlist(data["manager"], killed)
    for vacancy in (lost, killed):
        ids = list(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer_id", flat=True))
        assert len(ids) == len(set(ids))
