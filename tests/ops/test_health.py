"""Health endpoints: the web process's dependencies, and whether any worker answers."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client

from config import health
from config.cache import caches_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_up() -> Any:
    # The broker is outside the process: its connection is what is replaced.
    with mock.patch.object(health, "_broker", return_value=None) as patched:
        yield patched


@pytest.mark.usefixtures("broker_up")
def test_it_answers_ok_when_database_cache_and_broker_answer() -> None:
    response = Client().get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.usefixtures("broker_up")
def test_it_answers_503_naming_a_cache_that_is_down(settings: Any) -> None:
    settings.CACHES = caches_setting(redis_url="redis://127.0.0.1:1/0", file_location="")

    response = Client().get("/health/")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": False, "error": "ConnectionError", "ms": checks["cache"]["ms"]}
    assert checks["database"]["ok"] is True


def test_it_answers_503_when_the_broker_refuses(settings: Any) -> None:
    settings.HEALTH_BROKER_TIMEOUT = 0.5
    with mock.patch.object(health.app, "connection_for_write", side_effect=ConnectionRefusedError("refused")):
        response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_the_worker_endpoint_counts_the_workers_that_answer() -> None:
    with mock.patch.object(health.app.control, "ping", return_value=[{"worker@a": {"ok": "pong"}}]):
        alive = Client().get("/health/worker")
    with mock.patch.object(health.app.control, "ping", return_value=[]):
        none = Client().get("/health/worker")

    assert (alive.status_code, alive.json()["workers"]) == (200, 1)
    assert (none.status_code, none.json()["status"]) == (503, "fail")


def test_health_answers_need_no_credentials_and_say_nothing_secret(broker_up: Any) -> None:
    text = Client().get("/health/").content.decode()
    assert "127.0.0.1" not in text
    assert "postgres" not in text.lower()
