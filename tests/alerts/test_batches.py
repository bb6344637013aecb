"""Alerts in batches: one claim, one SMTP connection, one inbox write; each alert still claimed once and marked once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from alerts import tasks
from alerts.models import Alert, InboxMessage
from alerts.services import sending
from alerts.services.claims import alerts_claim
from alerts.services.sending import alerts_deliver, alerts_sweep
from tests.alerts.fake_smtp import FakeSMTP
from tests.support.markers import needs_postgresql

pytestmark = pytest.mark.django_db


def _ids(alerts: list[Alert], channel: str) -> list[int]:
    return [a.pk for a in alerts if a.channel == channel]


def _recipients(server: FakeSMTP) -> Counter[str]:
    return Counter(str(message_from_bytes(raw)["To"]).lower() for raw in server.received)


def test_a_batch_of_emails_goes_over_one_smtp_connection_when_one_is_allowed(
    many: Callable[[int], list[Alert]], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    server = smtp()
    settings.ALERT_EMAIL_CONNECTIONS = 1
    alerts = many(5)

    result = alerts_deliver(alert_ids=_ids(alerts, "email"))

    assert sorted(result.sent) == _ids(alerts, "email")
    assert server.connections == 1
    assert len(server.received) == 5
    assert set(Alert.objects.filter(channel="email").values_list("status", flat=True)) == {"sent"}


def test_a_batch_of_in_app_alerts_costs_the_queries_of_one(
    many: Callable[[int], list[Alert]], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    alerts = many(12)
    inapp = _ids(alerts, "inapp")

    with django_assert_max_num_queries(8) as one:
        alerts_deliver(alert_ids=inapp[:1])
    with django_assert_max_num_queries(len(one.captured_queries)):
        alerts_deliver(alert_ids=inapp[1:])

    assert InboxMessage.objects.count() == 12
    assert mail.outbox == []


def test_in_app_delivered_again_after_a_kill_between_write_and_mark_stays_once(
    many: Callable[[int], list[Alert]],
) -> None:
    alerts = many(3)
    inapp = _ids(alerts, "inapp")
    alerts_deliver(alert_ids=inapp)
    # As if the worker died after the write and the sweeper gave the claims back.
    Alert.objects.filter(pk__in=inapp).update(status="pending")

    alerts_deliver(alert_ids=inapp)

    assert InboxMessage.objects.filter(alert_id__in=inapp).count() == 3
    assert set(Alert.objects.filter(pk__in=inapp).values_list("status", flat=True)) == {"sent"}


def test_each_email_carries_a_message_id_of_its_own_that_a_resend_repeats(
    many: Callable[[int], list[Alert]],
) -> None:
    alerts = many(3)
    emails = _ids(alerts, "email")
    alerts_deliver(alert_ids=emails)
    first = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    Alert.objects.filter(pk__in=emails).update(status="pending")  # reclaimed: sent again
    mail.outbox.clear()

    alerts_deliver(alert_ids=emails)

    again = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    assert again == first
    assert len(set(first.values())) == 3
    assert all(mid.endswith("@match.example.org>") for mid in first.values())
    assert mail.outbox[0].message()["Message-ID"] in first.values()


def test_a_refusal_fails_only_its_own_alert_and_the_batch_goes_on(
    many: Callable[[int], list[Alert]], smtp: Callable[..., FakeSMTP]
) -> None:
    alerts = many(4)
    emails = [a for a in alerts if a.channel == "email"]
    refused = emails[1].volunteer.email.lower()
    server = smtp(rcpt_replies={refused: "550 5.1.1 no such user"})

    result = alerts_deliver(alert_ids=[a.pk for a in emails])

    assert result.failed == [emails[1].pk]
    assert sorted(result.sent) == sorted(a.pk for a in emails if a.pk != emails[1].pk)
    assert refused not in _recipients(server)
    assert len(server.received) == 3
    assert Alert.objects.get(pk=emails[1].pk).last_error.startswith("recipients refused")


def test_a_deferral_puts_back_only_its_alert_and_the_task_retries_it_with_backoff(
    many: Callable[[int], list[Alert]], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    alerts = many(3)
    emails = [a for a in alerts if a.channel == "email"]
    smtp(rcpt_replies={emails[2].volunteer.email.lower(): "451 4.7.1 greylisted"})

    with mock.patch.object(tasks.send_alerts, "apply_async") as retry:  # the broker is the boundary
        assert tasks.send_alerts([a.pk for a in emails]) == {"sent": 2, "skipped": 0, "failed": 0, "retry": 1}

    [call] = retry.call_args_list
    assert call.kwargs["kwargs"] == {"alert_ids": [emails[2].pk]}
    assert 0 < call.kwargs["countdown"] <= settings.ALERT_RETRY_BASE_DELAY
    assert Alert.objects.get(pk=emails[2].pk).status == "pending"


def test_a_server_lost_mid_batch_puts_the_rest_back_without_knocking_again(
    many: Callable[[int], list[Alert]], smtp: Callable[..., FakeSMTP]
) -> None:
    alerts = many(4)
    server = smtp(drop_after_mail=True)

    result = alerts_deliver(alert_ids=_ids(alerts, "email"))

    assert sorted(result.retry) == _ids(alerts, "email")
    assert server.connections == 1  # the rest of the batch did not each try again
    assert set(Alert.objects.filter(channel="email").values_list("status", flat=True)) == {"pending"}


class Killed(BaseException):
    """Stands for a SIGKILL: nothing after it runs, not even except clauses for Exception."""


@pytest.mark.parametrize("connections", [1, 4])
def test_a_kill_between_send_and_mark_repeats_one_email_of_the_batch_at_most(
    many: Callable[[int], list[Alert]], smtp: Callable[..., FakeSMTP], settings: Any, connections: int
) -> None:
    settings.ALERT_EMAIL_CONNECTIONS = connections
    alerts = many(6)
    emails = _ids(alerts, "email")
    server = smtp()
    mark = sending.alerts_mark
    marked: list[int] = []

    def mark_until_the_third_send(**kwargs: Any) -> None:
        if kwargs.get("status") == "sent":
            if len(marked) == 2:  # the server has the third message; the worker dies before marking it
                raise Killed
            marked.extend(kwargs["ids"])
        mark(**kwargs)

    with mock.patch.object(sending, "alerts_mark", mark_until_the_third_send), pytest.raises(Killed):
        alerts_deliver(alert_ids=emails)
    assert len(server.received) == 3
    # The sweeper gives back the dead worker's claims once they are old; they are sent again.
    Alert.objects.filter(status="sending").update(claimed_until=timezone.now() - timedelta(seconds=1))
    instant, _ = alerts_sweep()
    alerts_deliver(alert_ids=instant)

    received = _recipients(server)
    assert set(Alert.objects.filter(pk__in=emails).values_list("status", flat=True)) == {"sent"}
    assert len(received) == 6
    assert sum(received.values()) - len(received) == 1  # the one message in flight, and only it
    ids_by_recipient: dict[str, set[str]] = {}
    for raw in server.received:
        message = message_from_bytes(raw)
        ids_by_recipient.setdefault(str(message["To"]).lower(), set()).add(str(message["Message-ID"]))
    assert all(len(ids) == 1 for ids in ids_by_recipient.values())  # the repeat can be dropped by Message-ID


@needs_postgresql()  # a race between two connections
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_the_same_batch_never_claim_one_alert_twice(
    many: Callable[[int], list[Alert]],
) -> None:
    ids = [a.pk for a in many(30)]
    for round_ in range(5):
        Alert.objects.filter(pk__in=ids).update(status="pending", claim_token="")
        start = threading.Barrier(2)
        claimed: list[list[int]] = [[], []]

        def worker(
            slot: int, order: list[int], start: threading.Barrier = start, claimed: list[list[int]] = claimed
        ) -> None:
            try:
                start.wait()
                claimed[slot] = [a.pk for a in alerts_claim(alert_ids=order)]
            finally:
                connection.close()  # each thread had a connection of its own

        # Overlapping batches (a redelivered task and the sweeper's, say), asked for at the same moment.
        threads = [
            threading.Thread(target=worker, args=(0, ids[:40])),
            threading.Thread(target=worker, args=(1, ids[20:][::-1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        # Without the "still pending" condition both would take the 20 in the middle.
        assert not set(claimed[0]) & set(claimed[1]), f"round {round_}: an alert claimed twice"
        assert sorted(claimed[0] + claimed[1]) == sorted(ids)
        assert {len(claimed[0]), len(claimed[1])} <= {20, 40}
    assert Alert.objects.filter(pk__in=ids, status="sending").count() == len(ids)


@pytest.mark.django_db(transaction=True)
def test_an_alert_deleted_while_its_batch_is_written_ends_quietly_and_the_rest_is_delivered(
    many: Callable[[int], list[Alert]],
) -> None:
    alerts = many(3)
    inapp = _ids(alerts, "inapp")
    render = sending.message_for

    def render_then_lose_the_first(alert: Alert, **kwargs: Any) -> Any:
        message = render(alert, **kwargs)
        if alert.pk == inapp[0]:  # its vacancy or volunteer deleted meanwhile, say
            Alert.objects.filter(pk=alert.pk).delete()
        return message

    with mock.patch.object(sending, "message_for", render_then_lose_the_first):
        result = alerts_deliver(alert_ids=inapp)

    assert sorted(result.sent) == inapp[1:]
    assert sorted(InboxMessage.objects.values_list("alert_id", flat=True)) == inapp[1:]
    assert set(Alert.objects.filter(pk__in=inapp).values_list("status", flat=True)) == {"sent"}
