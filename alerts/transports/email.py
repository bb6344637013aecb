"""Email through Django's email framework: file backend by default, SMTP or anymail by settings.

With SMTP, a batch goes out over ALERT_EMAIL_CONNECTIONS connections at once
(each opened once and used for many messages), so that one message's round
trips to the server do not wait for the last one's: the server's answers, not
the worker's CPU, set the pace of one message after another. Only one message
at a time passes the server's point of no return (the "." that ends its data,
``alerts.transports.smtp``), and the next one only once the caller has
recorded it: a worker killed mid-batch repeats at most that one message, as
with a single connection. Other backends (anymail, the file backend) cannot
hold a message back at that point and send one message at a time.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import smtplib
import socket
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from alerts.transports.base import DeliveryError, Message, PermanentDeliveryError, Result, TransientDeliveryError
from alerts.transports.smtp import DJANGO_SMTP_BACKEND, HELD_SMTP_BACKEND

try:  # anymail is installed, but keep the transport usable without it
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
except ImportError:  # pragma: no cover
    AnymailAPIError = AnymailRecipientsRefused = None  # type: ignore[assignment,misc]

logger = logging.getLogger(__name__)


def _by_code(code: int, text: str) -> DeliveryError:
    # RFC 5321: 4xx is a temporary failure, 5xx a permanent one.
    if 400 <= code < 500:
        return TransientDeliveryError(f"SMTP {code}: {text}")
    return PermanentDeliveryError(f"SMTP {code}: {text}")


def _classify(exc: Exception) -> DeliveryError | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return TransientDeliveryError(f"recipients deferred: {exc.recipients}")
        return PermanentDeliveryError(f"recipients refused: {exc.recipients}")
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return TransientDeliveryError(f"SMTP server unavailable: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return _by_code(exc.smtp_code, message)
    if isinstance(exc, ConnectionError | socket.timeout | TimeoutError):
        return TransientDeliveryError(f"cannot reach the mail server: {exc}")
    if AnymailRecipientsRefused is not None and isinstance(exc, AnymailRecipientsRefused):
        return PermanentDeliveryError(str(exc))
    if AnymailAPIError is not None and isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is not None and 400 <= status < 500 and status not in (408, 429):
            return PermanentDeliveryError(str(exc))
        return TransientDeliveryError(str(exc))
    if isinstance(exc, OSError):
        return TransientDeliveryError(f"mail I/O failed: {exc}")
    return None


def _connection_lost(exc: Exception) -> bool:
    """Whether the failure took the connection with it (the rest of a batch would fail the same way).

    smtplib's errors are OSErrors too; only those that are not an SMTP answer
    mean the server is gone.
    """
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _email(message: Message, connection: Any) -> EmailMultiAlternatives:
    if not message.to_email:
        raise PermanentDeliveryError("no email address")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=message.headers,
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


class _Stopped(Exception):
    """The batch stopped while this message waited for its turn: its data never ends, the server drops it."""


class _Turns:
    """One message at a time past the server's point of no return, until the caller has recorded it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._taken = False
        self._stopped = False

    def take(self) -> None:
        with self._changed:
            while self._taken and not self._stopped:
                self._changed.wait()
            if self._stopped:
                raise _Stopped
            self._taken = True

    def pass_on(self) -> None:
        with self._changed:
            self._taken = False
            self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


class _Connection:
    """One connection to the mail server, opened on first use and reused; after a refusal, a fresh one.

    With ``turns``, each message waits for its turn before the server may take it.
    """

    def __init__(self, turns: _Turns | None = None) -> None:
        self.turns = turns
        self.backend: Any = None
        # Whether the last message sent took the turn (the caller passes it on).
        self.took_turn = False

    def _before_commit(self) -> None:
        if self.turns is not None:
            self.turns.take()
            self.took_turn = True

    def send(self, message: Message) -> tuple[DeliveryError | None, bool]:
        """Send one message: (None, False) once the server took it, else (why not, whether the server is gone)."""
        self.took_turn = False
        try:
            if self.backend is None:
                if self.turns is None:
                    self.backend = get_connection(fail_silently=False)
                else:
                    self.backend = get_connection(
                        HELD_SMTP_BACKEND, fail_silently=False, before_commit=self._before_commit
                    )
                self.backend.open()
            _email(message, self.backend).send()
        except PermanentDeliveryError as exc:
            return exc, False
        except _Stopped:
            raise
        except Exception as exc:
            classified = _classify(exc)
            if classified is None:
                # Not known to pass (BadHeaderError from a title with a line
                # break): this message fails at once with the real error,
                # where staff see and replay it; left "sending", it waited
                # for the sweeper and came back again and again.
                logger.exception("alert %s: unexpected error in the email transport", message.alert_id)
                classified = PermanentDeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
            self.close()  # after a refusal, start clean
            return classified, _connection_lost(exc)
        return None, False

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None

    def abandon(self) -> None:
        """Drop the connection mid-message, without QUIT: the server drops the message."""
        if self.backend is not None:
            self.backend.abandon()
            self.backend = None


@dataclass
class _Answer:
    message: Message | None = None
    error: DeliveryError | None = None
    lost: bool = False
    took_turn: bool = False
    crash: BaseException | None = None


class _Pool:
    """Threads with a connection each, sending a batch's messages as they come; one server commit at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.turns = _Turns()
        self.todo: queue.SimpleQueue[Message | None] = queue.SimpleQueue()
        self.answers: queue.SimpleQueue[_Answer] = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []

    def _work(self) -> None:
        connection = _Connection(self.turns)
        try:
            while (message := self.todo.get()) is not None:
                try:
                    error, lost = connection.send(message)
                except _Stopped:
                    connection.abandon()
                    continue
                self.answers.put(_Answer(message, error, lost, connection.took_turn))
        except BaseException as exc:  # a bug in here: the batch stops with it, as it would on one connection
            self.answers.put(_Answer(crash=exc))
        finally:
            connection.close()

    def _answer(self) -> _Answer:
        while True:
            try:
                return self.answers.get(timeout=1)
            except queue.Empty:  # a wait with a timeout lets a signal in (Celery's soft time limit)
                continue

    def send(self, messages: Iterable[Message]) -> Iterator[Result]:
        source = iter(messages)
        in_flight, lost = 0, None
        # One connection until the server has answered once: a server that is
        # down is knocked at once, not once per connection.
        limit = 1
        try:
            while True:
                while in_flight < limit and (message := next(source, None)) is not None:
                    if lost is not None:
                        yield message, lost
                        continue
                    if in_flight == len(self.threads):
                        thread = threading.Thread(target=self._work, name="alerts-email", daemon=True)
                        thread.start()
                        self.threads.append(thread)
                    self.todo.put(message)
                    in_flight += 1
                if not in_flight:
                    return
                answer = self._answer()
                in_flight -= 1
                if answer.crash is not None or answer.message is None:
                    raise answer.crash or RuntimeError("an email thread answered for no message")
                if answer.lost:
                    lost = answer.error
                else:
                    limit = self.size
                yield answer.message, answer.error
                # The caller has recorded it (marked it sent): the next message may be taken.
                if answer.took_turn:
                    self.turns.pass_on()
        finally:
            # Messages still waiting for their turn are dropped (their data never
            # ends); at most the one that had its turn was taken unrecorded.
            self.turns.stop()
            for _ in self.threads:
                self.todo.put(None)
            for thread in self.threads:
                thread.join()


def _connections() -> int:
    """How many connections a batch may use: ALERT_EMAIL_CONNECTIONS for Django's SMTP backend, else one."""
    if settings.EMAIL_BACKEND not in (DJANGO_SMTP_BACKEND, HELD_SMTP_BACKEND):
        return 1
    return max(1, settings.ALERT_EMAIL_CONNECTIONS)


class EmailTransport:
    channel = "email"
    local = False

    def send(self, message: Message) -> None:
        [(_, error)] = _send_in_turn([message])
        if error is not None:
            raise error

    def send_many(self, messages: Iterable[Message]) -> Iterator[Result]:
        """Send a batch, yielding each message once the server has answered for it, in the order of the answers.

        The caller records each result before asking for the next: until then
        no other message passes the server's point of no return. A refusal
        (4xx/5xx) concerns that message only, and its connection starts
        afresh; a connection that cannot be opened or is lost fails the rest
        of the batch as transient, without knocking again for each.
        """
        size = _connections()
        if size == 1:
            yield from _send_in_turn(messages)
        else:
            yield from _Pool(size).send(messages)


def _send_in_turn(messages: Iterable[Message]) -> Iterator[Result]:
    """One connection, one message after another."""
    connection = _Connection()
    lost: DeliveryError | None = None
    try:
        for message in messages:
            if lost is not None:
                yield message, lost
                continue
            error, gone = connection.send(message)
            if gone:
                lost = error
            yield message, error
    finally:
        connection.close()
