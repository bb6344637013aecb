"""django-axes lock-outs in the cache, in the database while the cache is away.

A lock-out must not fail open like a throttle (that would hand guessing back
to an attacker during a Redis outage), nor answer 500 (every log-in failed).
Each operation tries the cache handler; on an outage it logs a warning and
does the same through axes' database handler, whose AccessAttempt rows then
count the failures until the cache returns.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.cache import caches

from config.cache import CACHE_OUTAGES

logger = logging.getLogger(__name__)


class CacheOrDatabaseAxesHandler(AxesCacheHandler):
    def __init__(self) -> None:
        # Not super().__init__(): that takes caches[AXES_CACHE] blindly, and a
        # CACHES without the strict "axes" alias (tests that swap in a local
        # memory cache) means the default one.
        self.cache = caches[settings.AXES_CACHE if settings.AXES_CACHE in settings.CACHES else "default"]
        self.database = AxesDatabaseHandler()

    def _fallback(self, operation: str, exc: BaseException) -> None:
        logger.warning(
            "cache unavailable for lock-outs (%s: %s: %s); using the database", operation, type(exc).__name__, exc
        )

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        try:
            return int(super().get_failures(request, credentials))
        except CACHE_OUTAGES as exc:
            self._fallback("get_failures", exc)
            return int(self.database.get_failures(request, credentials))

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except CACHE_OUTAGES as exc:
            self._fallback("user_login_failed", exc)
            self.database.user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        try:
            super().user_logged_in(sender, request, user, **kwargs)
        except CACHE_OUTAGES as exc:
            self._fallback("user_logged_in", exc)
            self.database.user_logged_in(sender, request, user, **kwargs)

    def reset_attempts(self, **kwargs: Any) -> int:
        try:
            count = int(super().reset_attempts(**kwargs))
        except CACHE_OUTAGES as exc:
            self._fallback("reset_attempts", exc)
            count = 0
        # Failures counted while the cache was away are cleared too.
        return count + int(self.database.reset_attempts(**kwargs))

    # axes signals every save and delete of its AccessAttempt rows to the handler; those rows are the database's.
    def post_save_access_attempt(self, instance: Any, **kwargs: Any) -> None:
        self.database.post_save_access_attempt(instance, **kwargs)

    def post_delete_access_attempt(self, instance: Any, **kwargs: Any) -> None:
        self.database.post_delete_access_attempt(instance, **kwargs)
