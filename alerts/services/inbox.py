"""The in-app inbox: marking messages read."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from alerts.models import InboxMessage
from alerts.selectors import inbox_for_user


@transaction.atomic
def inbox_message_mark_read(*, user: User, message_id: int) -> InboxMessage:
    """Mark one of the user's messages read (again is harmless); another user's answers 404."""
    message = get_object_or_404(inbox_for_user(user=user), pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def inbox_mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user read; return how many changed."""
    return inbox_for_user(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())
