"""A real worker holding two partitions of the roster (MATCHING_PARTITIONS=2, queues
match.p0 and match.p1): a vacancy opened is ranked one task per partition and merged, and
the nightly rematch ranks its batch one task per partition; both store what the
vacancy's first ranking stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery import current_app
from django.db import connection

from assignments.models import Vacancy
from assignments.services import vacancy_set_status
from core import tasknames
from matching.models import MatchResult, MatchRun
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.stack import Broker, Worker, instead_of, postgres_url, worker_on

pytestmark = pytest.mark.django_db(transaction=True)
PARTITIONS = 2


@pytest.fixture
def partitioned_worker(
    worker: Worker, broker: Broker, settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """The session's worker set aside for a worker of two partitions on the same broker
    (this process routes partition tasks by the same setting)."""
    settings.MATCHING_PARTITIONS = PARTITIONS
    partitioned = worker_on(
        database_url=postgres_url(connection.settings_dict),
        broker_url=broker.url,
        workdir=tmp_path_factory.mktemp("partitioned-worker"),
        env={"MATCHING_PARTITIONS": str(PARTITIONS)},
    )
    with instead_of(worker, partitioned):
        yield partitioned


def _stored(vacancy: Vacancy) -> list[tuple[Any, ...]]:
    return sorted(MatchResult.objects.filter(vacancy=vacancy).values_list("volunteer_id", "score", "parts"))


def _done(vacancy: Vacancy) -> list[MatchRun]:
    return list(MatchRun.objects.filter(vacancy=vacancy, status=MatchRun.Status.DONE).order_by("pk"))


def test_partitions_rank_a_vacancy_and_the_nightly_batch(
    partitioned_worker: Worker, wait_for: Callable[..., None]
) -> None:
    manager = ManagerFactory()
    programme = ProgrammeFactory(managers=[manager])
    midwives = [VolunteerFactory(headline="Midwife and clinical tutor", skills=["midwifery"]) for _ in range(3)]
    for _ in range(5):
        VolunteerFactory(headline="External auditor", skills=["financial audit", "ISSAI"])
    vacancies = [VacancyFactory(programme=programme, status=Vacancy.Status.DRAFT) for _ in range(2)]
    for vacancy in vacancies:
        vacancy_set_status(vacancy=vacancy, status="open", actor=manager)

    wait_for(lambda: all(len(_done(v)) == 1 for v in vacancies), timeout=60, what="the partitioned runs")
    first = {v.pk: _stored(v) for v in vacancies}
    assert all(run.chunks_total == PARTITIONS and run.scored == 8 for v in vacancies for run in _done(v))
    best = MatchResult.objects.filter(vacancy=vacancies[0]).order_by("-score")[:3]
    assert {r.volunteer_id for r in best} == {m.pk for m in midwives}

    current_app.send_task(tasknames.REMATCH_ALL)
    wait_for(lambda: all(len(_done(v)) == 2 for v in vacancies), timeout=60, what="the nightly rematch")

    assert {v.pk: _stored(v) for v in vacancies} == first
    log = partitioned_worker.output()
    assert log.count(f"{tasknames.RANK_BATCH_PARTITION}[") >= PARTITIONS  # one batch task per partition
    assert "Traceback" not in log
