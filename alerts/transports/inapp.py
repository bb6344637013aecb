"""In-app delivery: a row in the recipient's inbox, one per alert (exactly once)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from alerts.models import InboxMessage
from alerts.transports.base import Message, PermanentDeliveryError


class InAppTransport:
    channel = "inapp"

    def send(self, message: Message) -> None:
        if message.alert_id is None:
            raise PermanentDeliveryError("an in-app message must deliver an alert")
        if message.user_id is None:
            raise PermanentDeliveryError("the recipient has no account to hold an inbox")
        try:
            with transaction.atomic():
                InboxMessage.objects.get_or_create(
                    alert_id=message.alert_id,
                    defaults={
                        "user_id": message.user_id,
                        "title": message.subject[:300],
                        "body": message.text,
                        "url": message.url[:500],
                    },
                )
        except IntegrityError:
            pass  # a concurrent delivery of the same alert wrote it: delivered once
