"""Volunteers' scheduled work: the retention job."""

from __future__ import annotations

from celery import shared_task

from core import tasknames
from core.tasks import DB_RETRY
from volunteers.privacy.retention import volunteers_retention_erase


@shared_task(name=tasknames.ERASE_INACTIVE_VOLUNTEERS, acks_late=True, **DB_RETRY)
def erase_inactive_volunteers() -> int:
    """Erase the profiles inactive for PRIVACY_RETENTION_DAYS (daily on beat); safe to run twice."""
    return volunteers_retention_erase()
