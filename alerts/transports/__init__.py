"""One transport per channel. To add one (SMS, WhatsApp): a module with a class
like ``EmailTransport``, a ``Channel`` choice, and a line here."""

from __future__ import annotations

from alerts.transports.base import (
    DeliveryError,
    Message,
    PermanentDeliveryError,
    TransientDeliveryError,
    Transport,
)
from alerts.transports.email import EmailTransport
from alerts.transports.inapp import InAppTransport

TRANSPORTS: dict[str, Transport] = {
    "email": EmailTransport(),
    "inapp": InAppTransport(),
}


def transport_for(channel: str) -> Transport:
    """The transport of a channel; KeyError for a channel nobody implemented."""
    return TRANSPORTS[channel]


__all__ = [
    "TRANSPORTS",
    "DeliveryError",
    "Message",
    "PermanentDeliveryError",
    "TransientDeliveryError",
    "Transport",
    "transport_for",
]
