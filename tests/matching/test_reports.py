"""The managers' supply-and-demand chart: counts per sector, the roster read once per cache period."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments.models import Vacancy
from matching.reports import skills_supply_and_demand
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def _figures() -> dict[str, tuple[int, int]]:
    return {f.sector: (f.supply, f.demand) for f in skills_supply_and_demand(vacancies=Vacancy.objects.all())}


def test_supply_counts_matchable_volunteers_and_demand_counts_open_positions() -> None:
    VolunteerFactory(skills=["midwifery", "clinical teaching"])
    VolunteerFactory(skills=["midwifery"])
    VolunteerFactory(skills=["midwifery"], matching_consent=False)  # may not be matched: not supply
    VolunteerFactory(skills=["public sector audit"])
    VacancyFactory(required_skills=["midwifery"], preferred_skills=[], positions=3)
    VacancyFactory(required_skills=["midwifery"], preferred_skills=[], positions=2, status=Vacancy.Status.DRAFT)

    figures = _figures()

    assert figures["health"] == (2, 3)
    assert figures["pfm"] == (1, 0)


def test_the_roster_is_read_once_per_cache_period(settings: Any) -> None:
    settings.REPORTS_SUPPLY_SECONDS = 600
    VolunteerFactory(skills=["midwifery"])
    assert _figures()["health"] == (1, 0)

    VolunteerFactory(skills=["midwifery"])
    with CaptureQueriesContext(connection) as queries:
        figures = _figures()

    assert figures["health"][0] == 1  # the count of the cache period, not re-read
    assert not any("volunteers_volunteer" in q["sql"] for q in queries.captured_queries)


def test_a_new_period_reads_the_roster_again(settings: Any) -> None:
    settings.REPORTS_SUPPLY_SECONDS = 0  # nothing kept
    VolunteerFactory(skills=["midwifery"])
    assert _figures()["health"][0] == 1
    VolunteerFactory(skills=["midwifery"])
    assert _figures()["health"][0] == 2
