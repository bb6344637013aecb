"""The outbox: work is recorded with the change that causes it and relayed once the broker takes it."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from assignments.models import Vacancy
from assignments.services import vacancy_set_status
from config.celery import carry_request_id
from core.context import request_id_var
from core.models import OutboxMessage
from core.outbox import outbox_relay, rank_vacancy_requested
from core.tasknames import RANK_VACANCY as TASK_RANK_VACANCY
from tests.factories import StaffFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def test_it_records_a_ranking_when_a_vacancy_opens() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    vacancy_set_status(vacancy=vacancy, status="open", actor=StaffFactory())
    pending = OutboxMessage.objects.get(sent_at__isnull=True)
    assert pending.task == TASK_RANK_VACANCY
    assert pending.kwargs == {"vacancy_id": vacancy.pk}


def test_it_collapses_repeated_requests_for_the_same_vacancy_into_one_pending_row() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    staff = StaffFactory()
    vacancy_set_status(vacancy=vacancy, status="open", actor=staff)
    vacancy_set_status(vacancy=vacancy, status="closed", actor=staff)
    vacancy_set_status(vacancy=vacancy, status="open", actor=staff)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1


def test_it_keeps_messages_pending_while_the_broker_is_down() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    vacancy_set_status(vacancy=vacancy, status="open", actor=StaffFactory())
    with mock.patch("core.outbox.current_app.send_task", side_effect=OperationalError("connection refused")):
        assert outbox_relay() == 0
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "connection refused" in message.last_error


def test_it_sends_pending_messages_once_the_broker_is_back() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    vacancy_set_status(vacancy=vacancy, status="open", actor=StaffFactory())
    with mock.patch("core.outbox.current_app.send_task", side_effect=OperationalError("down")):
        outbox_relay()
    with mock.patch("core.outbox.current_app.send_task") as send_task:
        assert outbox_relay() == 1
        assert outbox_relay() == 0
    send_task.assert_called_once()
    assert send_task.call_args.args == (TASK_RANK_VACANCY,)
    assert send_task.call_args.kwargs["kwargs"] == {"vacancy_id": vacancy.pk}
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_new_change_after_sending_queues_new_work() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    staff = StaffFactory()
    vacancy_set_status(vacancy=vacancy, status="open", actor=staff)
    with mock.patch("core.outbox.current_app.send_task"):
        outbox_relay()
    vacancy_set_status(vacancy=vacancy, status="closed", actor=staff)
    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1


def test_a_message_another_relay_is_publishing_is_not_published_twice() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    vacancy_set_status(vacancy=vacancy, status="open", actor=StaffFactory())
    OutboxMessage.objects.update(claimed_until=timezone.now() + timedelta(seconds=30))  # held by a relay
    with mock.patch("core.outbox.current_app.send_task") as send_task:
        assert outbox_relay() == 0
    send_task.assert_not_called()


def test_a_lease_left_by_a_relay_that_died_runs_out_and_the_message_goes_out() -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.DRAFT)
    vacancy_set_status(vacancy=vacancy, status="open", actor=StaffFactory())
    OutboxMessage.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    with mock.patch("core.outbox.current_app.send_task") as send_task:
        assert outbox_relay() == 1
    send_task.assert_called_once()
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None
    assert message.claimed_until is None


def test_a_message_relayed_later_carries_the_request_id_of_the_request_that_asked_for_it() -> None:
    token = request_id_var.set("req-asked-for-it-1")
    try:
        vacancy = VacancyFactory()
        rank_vacancy_requested(vacancy_id=vacancy.pk)
    finally:
        request_id_var.reset(token)

    # Beat's relay runs later, under its own id.
    token = request_id_var.set("task-the-relay")
    try:
        with mock.patch("core.outbox.current_app.send_task") as send_task:
            outbox_relay()
    finally:
        request_id_var.reset(token)

    assert send_task.call_args.kwargs["headers"] == {"request_id": "req-asked-for-it-1"}
    headers = dict(send_task.call_args.kwargs["headers"])
    carry_request_id(headers=headers)  # the publish signal keeps it
    assert headers == {"request_id": "req-asked-for-it-1"}


def test_work_nobody_asked_for_in_a_request_is_relayed_without_a_request_id() -> None:
    rank_vacancy_requested(vacancy_id=VacancyFactory().pk)

    with mock.patch("core.outbox.current_app.send_task") as send_task:
        outbox_relay()

    assert send_task.call_args.kwargs["headers"] is None
