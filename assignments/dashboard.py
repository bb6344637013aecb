"""A programme manager's figures: vacancies, their pipelines, and what waits on the manager.

Every figure is computed by aggregate queries over the vacancies the user may
edit (`vacancies_managed_by`), so the number of queries does not grow with
the number of vacancies or applications.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from assignments.models import Application, Vacancy
from assignments.selectors import applications_manageable_by, vacancies_managed_by

S = Application.Status

# Steps at which an application waits for the programme, not for the volunteer.
WAITING_ON_MANAGER: tuple[str, ...] = (S.INTEREST, S.SHORTLISTED, S.INTERVIEW, S.SELECTED)
# Applications that take a position: once they reach the number of positions,
# the vacancy is ready to be marked filled.
POSITION_TAKEN: tuple[str, ...] = (S.SELECTED, S.DEPLOYED, S.COMPLETED)
# The pipeline as a manager reads it, left to right.
PIPELINE: tuple[str, ...] = (
    S.INTEREST,
    S.SHORTLISTED,
    S.INTERVIEW,
    S.SELECTED,
    S.DEPLOYED,
    S.COMPLETED,
    S.NOT_SELECTED,
    S.WITHDRAWN,
)


@dataclass(frozen=True)
class VacancyFigures:
    """One row of the dashboard."""

    vacancy: Vacancy
    applications: int
    pipeline: dict[str, int]
    positions_taken: int
    days_open: int | None
    days_to_fill: int | None
    # The matcher's count of eligible candidates, filled in by the caller
    # (matching stands below assignments): see `Dashboard.with_candidates`.
    candidates: int | None = None

    @property
    def ready_to_fill(self) -> bool:
        return self.vacancy.status == Vacancy.Status.OPEN and self.positions_taken >= self.vacancy.positions


@dataclass(frozen=True)
class Dashboard:
    vacancies: list[VacancyFigures]
    waiting: list[Application]
    pipeline_totals: dict[str, int] = field(default_factory=dict)

    def with_candidates(self, counts: Mapping[int, int]) -> Dashboard:
        """The same dashboard with each vacancy's number of ranked candidates."""
        rows = [replace(row, candidates=counts.get(row.vacancy.pk, 0)) for row in self.vacancies]
        return replace(self, vacancies=rows)

    @property
    def total_applications(self) -> int:
        return sum(self.pipeline_totals.values())

    @property
    def open_vacancies(self) -> int:
        return sum(1 for row in self.vacancies if row.vacancy.status == Vacancy.Status.OPEN)

    @property
    def open_positions(self) -> int:
        return sum(
            max(row.vacancy.positions - row.positions_taken, 0)
            for row in self.vacancies
            if row.vacancy.status == Vacancy.Status.OPEN
        )


def _days(start: datetime | None, end: datetime) -> int | None:
    return None if start is None else max((end - start).days, 0)


def vacancies_with_figures(*, user: Any, now: datetime | None = None) -> list[VacancyFigures]:
    """Each of the user's vacancies with its candidates, applications and pipeline counts.

    Days open counts from the moment an open vacancy was opened; time to fill
    from posting to the moment it was marked filled.
    """
    now = now or timezone.now()
    visible = vacancies_managed_by(user=user)
    vacancies = list(visible.order_by("-created_at", "id"))
    # A grouped count rather than a join per vacancy.
    by_status: dict[int, dict[str, int]] = {}
    for vacancy_id, status, n in (
        Application.objects.filter(vacancy__in=visible.values("pk"))
        .values_list("vacancy_id", "status")
        .annotate(n=Count("pk"))
        .values_list("vacancy_id", "status", "n")
    ):
        by_status.setdefault(vacancy_id, {})[status] = n
    rows = []
    for vacancy in vacancies:
        pipeline = {status: by_status.get(vacancy.pk, {}).get(status, 0) for status in PIPELINE}
        is_open = vacancy.status == Vacancy.Status.OPEN
        filled = vacancy.status == Vacancy.Status.FILLED
        rows.append(
            VacancyFigures(
                vacancy=vacancy,
                applications=sum(pipeline.values()),
                pipeline=pipeline,
                positions_taken=sum(pipeline[s] for s in POSITION_TAKEN),
                days_open=_days(vacancy.status_changed_at, now) if is_open else None,
                days_to_fill=_days(vacancy.created_at, vacancy.status_changed_at or now) if filled else None,
            )
        )
    # Open first, then drafts, closed and filled; newest first within each.
    order: dict[str, int] = {
        Vacancy.Status.OPEN: 0,
        Vacancy.Status.DRAFT: 1,
        Vacancy.Status.CLOSED: 2,
        Vacancy.Status.FILLED: 3,
    }
    rows.sort(key=lambda row: order.get(row.vacancy.status, 9))
    return rows


def applications_waiting(*, user: Any, limit: int = 20) -> QuerySet[Application]:
    """Applications waiting on the programme, the longest waiting first (drafts and ended vacancies aside)."""
    return (
        applications_manageable_by(user=user)
        .filter(
            status__in=WAITING_ON_MANAGER,
            volunteer__isnull=False,
            vacancy__status__in=(Vacancy.Status.OPEN, Vacancy.Status.CLOSED),
        )
        .order_by("status_changed_at", "id")[:limit]
    )


def programme_dashboard(*, user: Any, now: datetime | None = None) -> Dashboard:
    """The dashboard of every programme the user manages (staff: all)."""
    rows = vacancies_with_figures(user=user, now=now)
    totals = {status: sum(row.pipeline[status] for row in rows) for status in PIPELINE}
    return Dashboard(vacancies=rows, waiting=list(applications_waiting(user=user)), pipeline_totals=totals)


def vacancy_positions_taken(*, vacancy: Vacancy) -> int:
    """How many applications hold one of the vacancy's positions (selected, deployed or completed)."""
    return Application.objects.filter(vacancy=vacancy, status__in=POSITION_TAKEN).count()


def vacancy_ready_to_fill(*, vacancy: Vacancy) -> bool:
    """An open vacancy whose positions are all taken: the page offers to mark it filled."""
    return vacancy.status == Vacancy.Status.OPEN and vacancy_positions_taken(vacancy=vacancy) >= vacancy.positions
