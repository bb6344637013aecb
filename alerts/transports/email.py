"""Email through Django's email framework: file backend by default, SMTP or anymail by settings."""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from alerts.transports.base import Message, PermanentDeliveryError, TransientDeliveryError

try:  # anymail is installed, but keep the transport usable without it
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
except ImportError:  # pragma: no cover
    AnymailAPIError = AnymailRecipientsRefused = None  # type: ignore[assignment,misc]


def _by_code(code: int, text: str) -> Exception:
    # RFC 5321: 4xx is a temporary failure, 5xx a permanent one.
    if 400 <= code < 500:
        return TransientDeliveryError(f"SMTP {code}: {text}")
    return PermanentDeliveryError(f"SMTP {code}: {text}")


def _classify(exc: Exception) -> Exception | None:
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


class EmailTransport:
    channel = "email"

    def send(self, message: Message) -> None:
        if not message.to_email:
            raise PermanentDeliveryError("no email address")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
            headers=message.headers,
            connection=get_connection(fail_silently=False),
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except Exception as exc:
            classified = _classify(exc)
            if classified is None:
                raise
            raise classified from exc
