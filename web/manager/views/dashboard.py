"""The programme dashboard and the programme's charts."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alerts.participation import ParticipationRow, participation_by_stage
from assignments.dashboard import PIPELINE, programme_dashboard
from assignments.models import Application
from assignments.selectors import programmes_managed_by, vacancies_managed_by
from matching.reports import skills_supply_and_demand
from matching.selectors import candidates_per_vacancy
from web.manager.access import manager_page
from web.manager.charts import Series, bar_chart_svg

STATUS_LABELS = dict(Application.Status.choices)


@require_GET
@manager_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open vacancies, positions, candidates and applications, pipelines, and who waits longest."""
    vacancies = vacancies_managed_by(user=request.user)
    figures = programme_dashboard(user=request.user).with_candidates(candidates_per_vacancy(vacancies=vacancies))
    return render(
        request,
        "web/manager/dashboard.html",
        {
            "dashboard": figures,
            "pipeline": [(status, STATUS_LABELS[status]) for status in PIPELINE],
            "programmes": programmes_managed_by(user=request.user),
        },
    )


@require_GET
@manager_page
def charts(request: HttpRequest) -> HttpResponse:
    """Skills supply and demand by sector; participation by gender and country at each stage."""
    vacancies = vacancies_managed_by(user=request.user)
    sectors = skills_supply_and_demand(vacancies=vacancies)
    participation = participation_by_stage(vacancies=vacancies)
    supply_chart = (
        bar_chart_svg(
            title=_("Skills: volunteers on the roster and open positions, by sector"),
            categories=[s.label for s in sectors],
            series=[
                Series(_("Volunteers offering"), [s.supply for s in sectors]),
                Series(_("Open positions asking"), [s.demand for s in sectors]),
            ],
            value_label=_("People / positions"),
            horizontal=True,
            salt="supply",
        )
        if sectors
        else ""
    )
    gender_chart = _participation_chart(
        _("Participation by gender at each stage (groups under 10 hidden)"),
        participation.stages,
        participation.by_gender,
        salt="gender",
    )
    country_chart = _participation_chart(
        _("Participation by country of residence at each stage (groups under 10 hidden)"),
        participation.stages,
        participation.by_country,
        salt="country",
    )
    return render(
        request,
        "web/manager/charts.html",
        {
            "sectors": sectors,
            "supply_chart": supply_chart,
            "participation": participation,
            "gender_chart": gender_chart,
            "country_chart": country_chart,
        },
    )


def _participation_chart(title: str, stages: Sequence[str], rows: Sequence[ParticipationRow], *, salt: str) -> str:
    """One bar per group and stage; nothing when every cell is hidden (a chart of blanks says nothing)."""
    if not any(c is not None for row in rows for c in row.cells):
        return ""
    return bar_chart_svg(
        title=title,
        categories=list(stages),
        series=[Series(row.label, list(row.cells)) for row in rows],
        value_label=_("People"),
        salt=salt,
    )
