"""Shared by the demo tests: where the demo files are, and a clean slate for log-in limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
VOLUNTEERS_FILE = DEMO_DIR / "volunteers.jsonl"
VACANCIES_FILE = DEMO_DIR / "vacancies.jsonl"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file, one dict a line."""
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth's and axes' counters live in the shared cache; another test's
    # failed log-ins must not lock a demo account out here.
    cache.clear()
