"""Sentry and Prometheus are off unless settings switch them on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django, sentry_sdk
django.setup()
from django.conf import settings
from django.test import Client
print("sentry", sentry_sdk.get_client().is_active())
print("prometheus", "django_prometheus" in settings.INSTALLED_APPS)
response = Client().get("/metrics")
print("metrics", response.status_code, b"django_http_requests" in response.content)
"""


def _probe(**env: str) -> dict[str, str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in done.stdout.splitlines() if " " in line}


def test_both_are_off_by_default() -> None:
    assert settings.SENTRY_DSN == ""
    assert settings.METRICS_ENABLED is False
    found = _probe(SENTRY_DSN="", METRICS_ENABLED="false")
    assert found["sentry"] == "False"
    assert found["prometheus"] == "False"
    assert found["metrics"].startswith("404")


@pytest.mark.parametrize("dsn", ["https://public@127.0.0.1:9/1"])  # a port nothing listens on: nothing leaves
def test_settings_switch_them_on(dsn: str) -> None:
    found = _probe(SENTRY_DSN=dsn, METRICS_ENABLED="true")
    assert found["sentry"] == "True"
    assert found["prometheus"] == "True"
    assert found["metrics"] == "200 True"
