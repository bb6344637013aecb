"""Markers for tests that say something only on the real stack (PostgreSQL, a Redis broker).

Outside CI a missing piece skips them, with the reason. Under CI (`CI` set) they are
never skipped: they run, and fail on what is missing, so a green CI run has run them.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection


def postgresql_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "needs DATABASE_URL pointing at PostgreSQL (make test sets it)"
    return None


def real_stack_missing() -> str | None:
    if missing := postgresql_missing():
        return missing
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "needs CELERY_BROKER_URL pointing at Redis (make test sets it)"
    if shutil.which("redis-server") is None:
        return "needs redis-server on PATH"
    return None


def _unless_ci(missing: str | None) -> pytest.MarkDecorator:
    return pytest.mark.skipif(missing is not None and not os.environ.get("CI"), reason=missing or "")


def needs_postgresql() -> pytest.MarkDecorator:
    return _unless_ci(postgresql_missing())


def needs_real_stack() -> pytest.MarkDecorator:
    return _unless_ci(real_stack_missing())
