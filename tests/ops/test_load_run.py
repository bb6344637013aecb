"""`make load`'s script, run small: the stack starts, locust drives it, the report prints, nothing stays behind."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.support.markers import needs_real_stack
from tests.support.stack import database_exists, free_port, port_open, run_script, scratch_database_url

pytestmark = [needs_real_stack(), pytest.mark.django_db]


def test_a_short_load_run_reports_its_endpoints_without_errors_and_leaves_nothing_running() -> None:
    url = scratch_database_url(connection.settings_dict, "load")
    web_port, redis_port = free_port(), free_port()
    settings = {
        "LOAD_DATABASE_URL": url,
        "LOAD_PORT": str(web_port),
        "LOAD_REDIS_PORT": str(redis_port),
        "LOAD_VOLUNTEERS": "400",
        "LOAD_VACANCIES": "10",
        "LOAD_SECONDS": "8",
        "LOAD_RPS": "5",
        "LOAD_USERS": "5",
    }
    run = run_script("load", settings, timeout=300)
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
    assert not database_exists(url)
