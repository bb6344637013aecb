"""A batch's email over several SMTP connections at once, one message at a time past the server's point of no return."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.mail import EmailMessage, get_connection

from alerts.models import Alert
from alerts.services import sending
from alerts.services.sending import alerts_deliver
from alerts.transports.smtp import HELD_SMTP_BACKEND
from tests.alerts.fake_smtp import FakeSMTP

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(many: Callable[[int], list[Alert]]) -> Callable[[int], list[int]]:
    """``n`` pending email alerts about one vacancy, by id."""

    def _emails(n: int) -> list[int]:
        return [alert.pk for alert in many(n) if alert.channel == "email"]

    return _emails


def test_a_batch_goes_over_as_many_connections_as_allowed_each_carrying_several(
    emails: Callable[[int], list[int]], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    server = smtp()
    settings.ALERT_EMAIL_CONNECTIONS = 3
    ids = emails(12)

    result = alerts_deliver(alert_ids=ids)

    assert sorted(result.sent) == ids
    assert len(server.received) == 12
    assert server.connections == 3
    assert set(Alert.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


def test_the_server_takes_the_next_message_only_once_the_last_one_is_marked_sent(
    emails: Callable[[int], list[int]], smtp: Callable[..., FakeSMTP], settings: Any
) -> None:
    server = smtp()
    settings.ALERT_EMAIL_CONNECTIONS = 4
    ids = emails(10)
    mark = sending.alerts_mark
    marked: list[int] = []
    taken_when_marked: list[int] = []

    def slow_mark(**kwargs: Any) -> None:
        if kwargs.get("status") == "sent":
            # Time for the other connections to race ahead, were they let.
            time.sleep(0.05)
            taken_when_marked.append(len(server.received))
            marked.extend(kwargs["ids"])
        mark(**kwargs)

    with mock.patch.object(sending, "alerts_mark", slow_mark):
        alerts_deliver(alert_ids=ids)

    # Marking the k-th message sent, the server holds k: the k - 1 marked and this one,
    # never one more that a kill here would send again.
    assert taken_when_marked == list(range(1, 11))
    assert sorted(marked) == ids


def _held_backend(server: FakeSMTP, before_commit: Callable[[], None]) -> Any:
    return get_connection(
        HELD_SMTP_BACKEND,
        fail_silently=False,
        host="127.0.0.1",
        port=server.port,
        use_tls=False,
        timeout=5,
        before_commit=before_commit,
    )


def test_a_held_connection_ends_a_message_only_after_before_commit(smtp: Callable[..., FakeSMTP]) -> None:
    server = smtp()
    taken_before: list[int] = []

    def before_commit() -> None:
        time.sleep(0.1)  # MAIL FROM, RCPT TO and DATA answered; the server would have had the message by now
        taken_before.append(len(server.received))

    backend = _held_backend(server, before_commit)
    backend.open()
    EmailMessage(
        "Hello", "A body\n.\nwith a dot line", "from@example.org", ["to@example.org"], connection=backend
    ).send()
    backend.close()

    assert taken_before == [0]
    [received] = server.received
    assert b"\r\n..\r\nwith a dot line" in received  # smtplib's dot-stuffing is untouched


def test_a_message_stopped_before_its_end_is_dropped_and_the_connection_closes_at_once(
    smtp: Callable[..., FakeSMTP],
) -> None:
    server = smtp()

    def stop() -> None:
        raise RuntimeError("the batch stopped")

    backend = _held_backend(server, stop)
    backend.open()
    with pytest.raises(RuntimeError):
        EmailMessage("Hello", "A body", "from@example.org", ["to@example.org"], connection=backend).send()
    started = time.perf_counter()
    backend.abandon()

    assert time.perf_counter() - started < 1  # no QUIT waiting for an answer mid-data
    time.sleep(0.1)
    assert server.received == []
