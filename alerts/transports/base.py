"""What every channel's transport takes and raises.

A transport delivers rendered ``Message`` objects and says how each failed: a
``TransientDeliveryError`` is worth retrying (server down, 4xx), a
``PermanentDeliveryError`` is not (address refused, 5xx). Adding SMS or
WhatsApp is one module with a class of this shape, listed in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


# What ``send_many`` yields for each message: None once it is delivered, or why not.
Result = tuple[Message, DeliveryError | None]


class Transport(Protocol):
    channel: str
    # True when delivering is a write to our own database (the inbox): the
    # sender then writes a whole batch and marks it sent in one transaction,
    # exactly once. False for anything over a network, where each message is
    # marked sent as soon as the other side has taken it.
    local: bool

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise a DeliveryError; never called inside a transaction."""
        ...

    def send_many(self, messages: Iterable[Message]) -> Iterator[Result]:
        """Deliver the messages (connections reused across them), yielding each one's result as it is known.

        The caller records a delivered message before asking for the next
        result: a transport that has several in flight lets no other one
        reach the point where the other side has it until then, so that a
        caller killed before recording repeats at most that one message.
        """
        ...
