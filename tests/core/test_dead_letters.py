"""A task whose process dies each time it runs is set aside after CELERY_TASK_MAX_DELIVERIES, for staff to see.

A process that dies raises nothing: the count is written at task start and
cleared when the task returns or raises, so deliveries that left their count
behind are the ones whose process died. Here a death is a count left behind
(delivery_start without the task's end), as the real worker in scripts/faults
shows with a task that calls os._exit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from config.celery import app
from core.deliveries import delivery_start
from core.models import DeadLetter, TaskDelivery
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

RAN: list[dict[str, Any]] = []


@app.task(name="tests.core.record_call")
def record_call(**kwargs: Any) -> str:
    RAN.append(kwargs)
    return "ran"


@app.task(name="tests.core.fail")
def fail() -> None:
    raise RuntimeError("an ordinary failure: the process survives it")


@pytest.fixture(autouse=True)
def _clear() -> None:
    RAN.clear()


def _die(task_id: str, times: int, *, retries: int = 0) -> None:
    for _ in range(times):
        delivery_start(task=record_call.name, task_id=task_id, retries=retries)


def test_a_task_that_returns_leaves_no_count_behind() -> None:
    result = record_call.apply(kwargs={"vacancy_id": 7}, task_id="t-ok")
    assert result.get() == "ran"
    assert not TaskDelivery.objects.exists()
    assert not DeadLetter.objects.exists()


def test_a_task_that_raises_leaves_no_count_behind() -> None:
    fail.apply(task_id="t-raises")
    assert not TaskDelivery.objects.exists()


def test_it_counts_a_delivery_before_the_task_runs() -> None:
    _die("t-1", 2)
    assert TaskDelivery.objects.get().deliveries == 2


def test_a_task_whose_process_died_fewer_times_than_the_limit_runs_again(settings: Any) -> None:
    settings.CELERY_TASK_MAX_DELIVERIES = 3
    _die("t-2", 2)
    assert record_call.apply(kwargs={"vacancy_id": 7}, task_id="t-2").get() == "ran"
    assert RAN == [{"vacancy_id": 7}]
    assert not DeadLetter.objects.exists()


def test_a_task_whose_process_died_at_every_try_is_dead_lettered_not_run(settings: Any) -> None:
    settings.CELERY_TASK_MAX_DELIVERIES = 3
    _die("t-3", 3)

    assert record_call.apply(kwargs={"vacancy_id": 7}, task_id="t-3").get() is None

    assert RAN == []
    letter = DeadLetter.objects.get()
    assert (letter.task, letter.task_id, letter.kwargs, letter.deliveries) == (
        "tests.core.record_call",
        "t-3",
        {"vacancy_id": 7},
        3,
    )
    assert not TaskDelivery.objects.exists()


def test_each_retry_of_a_task_is_counted_on_its_own(settings: Any) -> None:
    settings.CELERY_TASK_MAX_DELIVERIES = 3
    _die("t-4", 3, retries=0)
    _die("t-4", 1, retries=1)
    assert delivery_start(task=record_call.name, task_id="t-4", retries=1) == 2
    assert delivery_start(task=record_call.name, task_id="t-4", retries=0) == 4


def test_a_direct_call_is_not_a_delivery() -> None:
    assert record_call(vacancy_id=1) == "ran"
    assert not TaskDelivery.objects.exists()


def test_staff_see_dead_letters_in_the_admin() -> None:
    DeadLetter.objects.create(task="matching.rank_vacancy", task_id="t-5", kwargs={"vacancy_id": 42}, deliveries=3)
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))

    page = client.get("/admin/core/deadletter/")

    assert page.status_code == 200
    assert b"matching.rank_vacancy" in page.content
    assert b"vacancy_id" in page.content
