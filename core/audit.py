"""Audit records of who looked at personal data (see ``core.models.AuditRecord``).

The write is one INSERT whatever the number of objects shown, so a list page
stays at a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from core.models import AuditRecord

Action = AuditRecord.Action


def audit_viewed(*, actor: Any, action: str, object_type: str, object_ids: Iterable[int | str]) -> int:
    """Record that ``actor`` (a user, possibly anonymous) saw each of ``object_ids``; return how many records."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    at = timezone.now()
    records = [
        AuditRecord(actor_id=actor_id, action=action, object_type=object_type, object_id=str(pk), at=at)
        for pk in dict.fromkeys(object_ids)
    ]
    if records:
        AuditRecord.objects.bulk_create(records)
    return len(records)
