"""Retention: profiles nobody has used for PRIVACY_RETENTION_DAYS are erased.

"Inactive" means the person has not logged in and the profile has not been
edited (by them, a programme's roster import or staff) since the cut-off, and
any account was made before it. Staff and managers are not profiles and are
left to their organisation. Erasure goes through ``volunteer_erase``, the path
a person's own erasure takes, so nothing is forgotten differently.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from volunteers.models import Volunteer
from volunteers.privacy.services import volunteer_erase

logger = logging.getLogger(__name__)


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """The moment before which a profile without activity is erased."""
    return (now or timezone.now()) - timedelta(days=settings.PRIVACY_RETENTION_DAYS)


def volunteers_inactive(*, now: datetime | None = None) -> QuerySet[Volunteer]:
    """Profiles not erased, not edited since the cut-off, whose account (if any) has not been used since."""
    cutoff = retention_cutoff(now=now)
    account_idle = Q(user__isnull=True) | (
        Q(user__date_joined__lt=cutoff) & (Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff))
    )
    return Volunteer.objects.filter(account_idle, erased_at__isnull=True, updated_at__lt=cutoff).order_by("pk")


def volunteers_retention_erase(*, now: datetime | None = None, limit: int = 500) -> int:
    """Erase up to ``limit`` inactive profiles, each in its own transaction; return how many.

    Each profile is checked again, locked, in the transaction that erases it,
    so a profile edited since the list was read is kept. Rerunning finds only
    what is left.
    """
    erased = 0
    for volunteer_id in list(volunteers_inactive(now=now).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            volunteer = volunteers_inactive(now=now).select_for_update(of=("self",)).filter(pk=volunteer_id).first()
            if volunteer is None:
                continue
            volunteer_erase(volunteer=volunteer)
        erased += 1
    if erased:
        logger.info("retention: %d inactive profile(s) erased", erased)
    return erased
