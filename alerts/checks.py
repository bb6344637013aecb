"""System checks: retries below the broker's visibility timeout; claims' leases longer than a renewal.

A task waiting to retry is held unacknowledged by the worker (acks_late); if
its delay passed the visibility timeout, Redis would hand it to a second
worker while the first still holds it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def retry_delays_below_visibility_timeout(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    timeout = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    if timeout <= settings.ALERT_RETRY_MAX_DELAY:
        errors.append(
            Error(
                f"ALERT_RETRY_MAX_DELAY ({settings.ALERT_RETRY_MAX_DELAY}s) must be below "
                f"CELERY_BROKER_VISIBILITY_TIMEOUT ({timeout}s)",
                id="alerts.E001",
            )
        )
    return errors


@register()
def claim_leases_outlast_a_renewal(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.ALERT_CLAIM_LEASE <= settings.ALERT_CLAIM_RENEW + settings.EMAIL_TIMEOUT:
        # A worker renews its claims between two messages: the lease must outlast
        # a renewal interval plus one SMTP operation stuck until the timeout, or
        # the sweeper would hand a live worker's alert to another (a repeat).
        errors.append(
            Error(
                f"ALERT_CLAIM_LEASE ({settings.ALERT_CLAIM_LEASE}s) must be longer than ALERT_CLAIM_RENEW "
                f"({settings.ALERT_CLAIM_RENEW}s) plus EMAIL_TIMEOUT ({settings.EMAIL_TIMEOUT}s)",
                id="alerts.E002",
            )
        )
    if settings.ALERT_CLAIM_RENEW <= 0:
        errors.append(Error("ALERT_CLAIM_RENEW must be at least 1 second", id="alerts.E003"))
    return errors
