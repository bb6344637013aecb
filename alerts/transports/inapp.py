"""In-app delivery: a row in the recipient's inbox, one per alert (exactly once)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from alerts.models import InboxMessage
from alerts.transports.base import Message, PermanentDeliveryError, Result


def _refusal(message: Message) -> PermanentDeliveryError | None:
    if message.alert_id is None:
        return PermanentDeliveryError("an in-app message must deliver an alert")
    if message.user_id is None:
        return PermanentDeliveryError("the recipient has no account to hold an inbox")
    return None


class InAppTransport:
    channel = "inapp"
    local = True

    def send(self, message: Message) -> None:
        [(_, error)] = self.send_many([message])
        if error is not None:
            raise error

    def send_many(self, messages: Iterable[Message]) -> Iterator[Result]:
        """Write every message's inbox row in one INSERT; an alert already delivered keeps its row.

        The inbox row is unique per alert, so a batch written again (a worker
        killed after the insert, before the mark) adds nothing: exactly once.
        """
        messages = list(messages)
        refused = {id(m): _refusal(m) for m in messages}
        rows = [
            InboxMessage(alert_id=m.alert_id, user_id=m.user_id, title=m.subject[:300], body=m.text, url=m.url[:500])
            for m in messages
            if m.user_id is not None and refused[id(m)] is None
        ]
        InboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        for message in messages:
            yield message, refused[id(message)]
