"""Health endpoints for a load balancer and an orchestrator, unauthenticated and cheap.

- ``GET /health/``: this web process can serve: the database answers, the
  cache takes a write, the broker accepts a connection. 200, or 503 naming
  what failed (the error's class only: no hosts or credentials).
- ``GET /health/worker``: at least one Celery worker answers a ping within
  HEALTH_WORKER_TIMEOUT seconds. 200 with how many, or 503.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from config.celery import app


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    # The strict cache (lock-outs): the default one fails open and would always look healthy.
    alias = settings.AXES_CACHE if settings.AXES_CACHE in settings.CACHES else "default"
    cache = caches[alias]
    cache.set("health:probe", "ok", 10)
    if cache.get("health:probe") != "ok":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT)


def _run(name: str, check: Callable[[], None]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure is the answer, not an error of this view
        return {"ok": False, "error": type(exc).__name__, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
def web(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache, "broker": _broker}
    results = {name: _run(name, check) for name, check in checks.items()}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)


@never_cache
def worker(request: HttpRequest) -> JsonResponse:
    started = time.perf_counter()
    try:
        replies = app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT) or []
        error = ""
    except Exception as exc:  # the broker is away: no worker can be reached
        replies, error = [], type(exc).__name__
    answer: dict[str, object] = {
        "status": "ok" if replies else "fail",
        "workers": len(replies),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if error:
        answer["error"] = error
    return JsonResponse(answer, status=200 if replies else 503)


urlpatterns = [path("health/", web, name="health"), path("health/worker", worker, name="health-worker")]
