"""Alerts fixtures: mail kept in memory (locmem), a way to store a shortlist, a volunteer who wants alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.core.cache import cache

from alerts.models import Alert
from assignments.models import Vacancy
from core.tasknames import CREATE_ALERTS_FOR_VACANCY
from matching.models import MatchRun
from tests.alerts.fake_smtp import FakeSMTP
from tests.factories import VacancyFactory, VolunteerFactory
from tests.support.outbox import outbox_run_pending
from tests.support.results import store_results
from volunteers.models import Volunteer


@pytest.fixture(autouse=True)
def _alert_settings(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://match.example.org"
    settings.ALERT_MIN_SCORE = 0.35
    settings.ALERT_TOP_N = 10
    settings.ALERT_MANAGER_FIRST_N = 3
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


StoreShortlist = Callable[[Vacancy, Sequence[tuple[Volunteer, float]]], MatchRun]


@pytest.fixture
def store_shortlist(db: None) -> StoreShortlist:
    """Store a vacancy's shortlist as a finished ranking run would, and create its alerts as the worker would.

    The engine is not what these tests are about: the scores are given, the
    path from stored results to alerts is the real one.
    """

    def _store(vacancy: Vacancy, scored: Sequence[tuple[Volunteer, float]]) -> MatchRun:
        run = store_results(
            vacancy,
            scored,
            reasons=[f"midwifery: matches '{vacancy.title}'", "Somali: native"],
            matched_skills=[("midwifery", "midwifery")],
        )
        # What the worker does with the outbox row stored with the results.
        outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY,))
        return run

    return _store


def match_alerts(**filters: Any) -> list[tuple[int | None, int | None, str, str]]:
    """(volunteer, vacancy, channel, status) of every match alert, in a stable order."""
    rows = Alert.objects.filter(kind=Alert.Kind.MATCH, **filters).order_by("volunteer_id", "vacancy_id", "channel")
    return list(rows.values_list("volunteer_id", "vacancy_id", "channel", "status"))


@pytest.fixture
def smtp(settings: Any) -> Iterator[Callable[..., FakeSMTP]]:
    """Switch to the SMTP backend, pointed at a fake server answering as asked."""
    servers: list[FakeSMTP] = []

    def _start(**replies: Any) -> FakeSMTP:
        server = FakeSMTP(**replies)
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return server

    yield _start
    for server in servers:
        server.close()


@pytest.fixture
def many(store_shortlist: StoreShortlist, settings: Any) -> Callable[[int], list[Alert]]:
    """``n`` volunteers alerted about one vacancy by email and in-app: 2n pending alerts."""

    def _many(n: int) -> list[Alert]:
        settings.ALERT_TOP_N = n
        volunteers = [VolunteerFactory() for _ in range(n)]
        store_shortlist(VacancyFactory(), [(v, 0.8) for v in volunteers])
        return list(Alert.objects.filter(volunteer__in=volunteers).order_by("pk"))

    return _many
