"""Email through Django's email framework: file backend by default, SMTP or anymail by settings."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from alerts.transports.base import DeliveryError, Message, PermanentDeliveryError, Result, TransientDeliveryError

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


class EmailTransport:
    channel = "email"
    local = False

    def send(self, message: Message) -> None:
        [(_, error)] = self.send_many([message])
        if error is not None:
            raise error

    def send_many(self, messages: Iterable[Message]) -> Iterator[Result]:
        """Send over one connection, yielding each message once the server has answered for it.

        A refusal (4xx/5xx) concerns that message only, and the next one
        goes out on a fresh connection; a connection that cannot be opened
        or is lost fails the rest of the batch as transient, without
        knocking again for each.
        """
        connection: Any = None
        lost: DeliveryError | None = None
        try:
            for message in messages:
                if lost is not None:
                    yield message, lost
                    continue
                try:
                    if connection is None:
                        connection = get_connection(fail_silently=False)
                        connection.open()
                    _email(message, connection).send()
                except PermanentDeliveryError as exc:
                    yield message, exc
                    continue
                except Exception as exc:
                    classified = _classify(exc)
                    if classified is None:
                        # Not known to pass (BadHeaderError from a title with a line
                        # break): this message fails at once with the real error,
                        # where staff see and replay it; left "sending", it waited
                        # for the sweeper and came back again and again.
                        logger.exception("alert %s: unexpected error in the email transport", message.alert_id)
                        classified = PermanentDeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
                    with contextlib.suppress(Exception):  # after a refusal, start clean
                        connection.close()
                    connection = None
                    if _connection_lost(exc):
                        lost = classified
                    yield message, classified
                    continue
                yield message, None
        finally:
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
