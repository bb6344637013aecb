"""`make load`'s script, run small: the stack starts, locust drives it, the report prints, nothing stays behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.support.markers import needs_real_stack
from tests.support.stack import free_port, port_open, postgres_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [needs_real_stack(), pytest.mark.django_db]


def _database_exists(url: str, name: str) -> bool:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_a_short_load_run_reports_its_endpoints_without_errors_and_leaves_nothing_running() -> None:
    base = postgres_url(connection.settings_dict)
    name = f"{connection.settings_dict['NAME']}_load"
    url = base.rsplit("/", 1)[0] + f"/{name}"
    web_port, redis_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))},
        "LOAD_DATABASE_URL": url,
        "LOAD_PORT": str(web_port),
        "LOAD_REDIS_PORT": str(redis_port),
        "LOAD_VOLUNTEERS": "400",
        "LOAD_VACANCIES": "10",
        "LOAD_SECONDS": "8",
        "LOAD_RPS": "5",
        "LOAD_USERS": "5",
    }
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = run.stdout
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]
    assert "ranking: 10 vacancies against 400" in report
    # Eight seconds at 5 requests/s: the frequent reads show; a rarer write may not come up.
    assert "GET /api/v1/matches" in report
    assert "\nall " in report
    assert "error rate: 0.00%" in report
    # Where the CPU went: the web's share per request is there to compare runs by.
    assert re.search(r"CPU during the run, in cores of \d+: web \d+\.\d\d, worker \d+\.\d\d", report), report
    assert re.search(r"web \d+\.\d ms a request", report)
    # Every process stopped and the database dropped, however the targets came out.
    assert not port_open(web_port)
    assert not port_open(redis_port)
    assert not _database_exists(base, name)
