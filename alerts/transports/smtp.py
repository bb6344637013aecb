"""Django's SMTP backend, its connections holding back each message's data and final "." until the caller says so.

A server takes a message on the line "." that ends its data (RFC 5321,
4.1.1.4): a connection that closes before it leaves nothing behind, one
that closes after it may leave a message the sender never learnt was taken
(RFC 1047). The email transport sends on several connections at once but
lets only one message at a time past that point, until it is marked sent:
so a worker killed mid-batch repeats at most one message, however many
connections it had open. Everything else is Django's backend as configured
(EMAIL_HOST, TLS, login, timeout) and Django's message building.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from typing import Any

from django.core.mail.backends import smtp

DJANGO_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# What the transport uses in its place: the same backend, with the hold.
HELD_SMTP_BACKEND = "alerts.transports.smtp.EmailBackend"

_END_OF_DATA = b"\r\n.\r\n"


class _HoldsEndOfData:
    """smtplib's client, calling ``before_commit()`` after the server's "354" and before the message and its "."."""

    before_commit: Callable[[], None] | None = None
    _in_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self._in_data = True
        try:
            return super().data(msg)  # type: ignore[misc, no-any-return]
        finally:
            self._in_data = False

    def send(self, s: Any) -> None:
        # smtplib's data() sends the message and its final "." in one call, the
        # only bytes it sends (commands are str), once the server said "354".
        # The whole of it waits: split in two writes, the "." would wait for the
        # server's acknowledgement of the rest (Nagle's algorithm against
        # delayed ACKs, 40 ms a message). A test on a real socket pins it
        # (tests/alerts/test_email_connections.py).
        if self._in_data and self.before_commit is not None and isinstance(s, bytes) and s.endswith(_END_OF_DATA):
            self.before_commit()
        super().send(s)  # type: ignore[misc]


class HeldSMTP(_HoldsEndOfData, smtplib.SMTP):
    pass


class HeldSMTPSSL(_HoldsEndOfData, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend whose connections wait for ``before_commit()`` before sending a message's data.

    Everything up to there (MAIL FROM, RCPT TO, DATA and their answers) goes
    ahead. ``before_commit`` may raise: the message's data is then never
    sent, and ``abandon()`` drops the connection, so the server drops the
    message.
    """

    def __init__(self, *args: Any, before_commit: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_commit = before_commit

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return HeldSMTPSSL if self.use_ssl else HeldSMTP

    def open(self) -> bool | None:
        opened: bool | None = super().open()
        if isinstance(self.connection, _HoldsEndOfData):
            self.connection.before_commit = self.before_commit
        return opened

    def abandon(self) -> None:
        """Close the socket without QUIT, which mid-data the server would read as part of the message."""
        # Django keeps a connection still being set up (TLS, login) apart.
        partial: smtplib.SMTP | None = getattr(self, "_partial_connection", None)
        for connection in (self.connection, partial):
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
        self.connection = None
        self._partial_connection = None
