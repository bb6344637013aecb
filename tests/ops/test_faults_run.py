"""`make faults`' script, run small: Redis stopped a few seconds, and a task that kills its process.

The full run (README, Faults) takes a quarter of an hour; this one drives the same script
through two of its scenarios on free ports and a database of its own, and checks the ledger
it prints and that nothing is left behind.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.support.markers import needs_real_stack
from tests.support.stack import database_exists, free_port, port_open, run_script, scratch_database_url

pytestmark = [needs_real_stack(), pytest.mark.django_db]


def test_redis_stopped_and_a_poison_task_are_recovered_and_the_ledger_says_so() -> None:
    url = scratch_database_url(connection.settings_dict, "faults")
    web_port, redis_port = free_port(), free_port()
    settings = {
        "FAULTS_ONLY": "b,e",
        "FAULTS_DATABASE_URL": url,
        "FAULTS_PORT": str(web_port),
        "FAULTS_REDIS_PORT": str(redis_port),
        "FAULTS_REDIS_DOWN": "5",
    }
    run = run_script("faults", settings, timeout=600)
    ledger = run.stdout
    assert run.returncode == 0, ledger[-4000:] + run.stderr[-3000:]
    # One row per scenario: nothing lost, and the verdict each target asks for.
    assert re.search(r"\(b\) Redis stopped 5 s\s+0\s+.*\sok\n", ledger), ledger[-3000:]
    assert re.search(r"\(e\) a task that kills its process\s+0\s+.*\sok\n", ledger), ledger[-3000:]
    assert re.search(r"dead-lettered after [123] deliveries", ledger)
    assert "staff see it at /admin/core/deadletter/: yes" in ledger
    # Every process stopped and the database dropped.
    assert not port_open(web_port)
    assert not port_open(redis_port)
    assert not database_exists(url)
