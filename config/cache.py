"""Caches that fail open: an outage of Redis or of the cache directory is a warning, never a 500.

Only throttle counters and allauth's rate limits live in the default cache;
losing them for a while lets a few more requests through, whereas raising
answered 500 on every write and log-in (DRF's throttles read the cache on
each unsafe request). Lock-outs keep their own, strict cache alias ("axes"),
whose outage config.axes_handler notices and answers from the database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a backend raises when its store is away: Redis refusing or timing out,
# a cache directory that is read-only, full or gone.
CACHE_OUTAGES: tuple[type[BaseException], ...] = (RedisError, OSError)


def _warn(operation: str, exc: BaseException) -> None:
    logger.warning("cache unavailable (%s: %s: %s); failing open", operation, type(exc).__name__, exc)


class _FailOpenMixin:
    """Each operation answers as if the cache were empty and writes were taken."""

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys: Any, version: Any = None) -> Any:
        try:
            return super().get_many(keys, version)  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().has_key(key, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("has_key", exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> None:
        try:
            super().set(key, value, timeout, version)  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("set", exc)

    def set_many(self, data: Any, timeout: Any = None, version: Any = None) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("set_many", exc)
            return []

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        # True, as if taken: allauth waits on add() for its lock, and a throttle then needs no incr().
        try:
            return bool(super().add(key, value, timeout, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("add", exc)
            return True

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            return int(super().incr(key, delta, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("incr", exc)
            return delta

    def touch(self, key: Any, timeout: Any = None, version: Any = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("touch", exc)
            return False

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().delete(key, version))  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("delete_many", exc)

    def clear(self) -> None:
        try:
            super().clear()  # type: ignore[misc]
        except CACHE_OUTAGES as exc:
            _warn("clear", exc)


class FailOpenRedisCache(_FailOpenMixin, RedisCache):
    """Django's Redis cache; an unreachable Redis reads as empty, with a warning."""


class FailOpenFileBasedCache(_FailOpenMixin, FileBasedCache):
    """Django's file cache; an unwritable directory reads as empty, with a warning."""

    def _createdir(self) -> None:
        # Django creates the directory when the cache is first used in a process.
        try:
            super()._createdir()  # type: ignore[misc]
        except OSError as exc:
            _warn("create directory", exc)


def caches_setting(*, redis_url: str, file_location: str) -> dict[str, dict[str, Any]]:
    """CACHES for a deployment: fail-open "default" for counters, strict "axes" for lock-outs."""
    if redis_url:
        return {
            "default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": redis_url},
            "axes": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
        }
    return {
        "default": {"BACKEND": "config.cache.FailOpenFileBasedCache", "LOCATION": file_location},
        "axes": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": file_location},
    }
