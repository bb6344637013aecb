"""What every channel's transport takes and raises.

A transport delivers one rendered ``Message`` and says how it failed: a
``TransientDeliveryError`` is worth retrying (server down, 4xx), a
``PermanentDeliveryError`` is not (address refused, 5xx). Adding SMS or
WhatsApp is one module with a class of this shape, listed in ``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class DeliveryError(Exception):
    """Base of the errors a transport raises."""


class TransientDeliveryError(DeliveryError):
    """Try again later: the message may well go through."""


class PermanentDeliveryError(DeliveryError):
    """Never retry: the recipient or the message is refused for good."""


@dataclass(frozen=True)
class Message:
    """One rendered message for one recipient; transports use the parts they need."""

    subject: str
    text: str
    html: str = ""
    to_email: str = ""
    user_id: int | None = None
    # The alert this message delivers; for a digest, the first of its alerts.
    alert_id: int | None = None
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    channel: str

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise a DeliveryError; never called inside a transaction."""
        ...
