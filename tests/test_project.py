"""Project-level checks: migrations are complete and the system checks pass."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_no_missing_migrations() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_it_passes_the_system_checks() -> None:
    call_command("check", fail_level="WARNING")
