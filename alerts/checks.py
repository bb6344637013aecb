"""System checks: alert retries must never outlast the broker's visibility timeout.

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
    if settings.ALERT_CLAIM_TIMEOUT <= settings.ALERT_RETRY_MAX_DELAY:
        errors.append(Error("ALERT_CLAIM_TIMEOUT must be longer than ALERT_RETRY_MAX_DELAY", id="alerts.E002"))
    if settings.ALERT_CLAIM_TIMEOUT <= settings.CELERY_TASK_TIME_LIMIT:
        # A claim younger than the hard time limit may belong to a task still running.
        errors.append(Error("ALERT_CLAIM_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT", id="alerts.E003"))
    return errors
