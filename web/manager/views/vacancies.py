"""Post, edit, read and move a vacancy through its lifecycle (the `vacancy_*` services do the writing)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assignments import services
from assignments.dashboard import vacancy_positions_taken
from assignments.models import Application, Vacancy
from assignments.selectors import applications_manageable_by, programmes_managed_by
from matching.reports import score_distribution
from matching.selectors import runs_for_vacancy
from volunteers.names import language_name
from web.manager import once
from web.manager.access import editable_vacancy, manager_page, user_of
from web.manager.charts import histogram_svg, score_bins
from web.manager.forms import VACANCY_ERROR_FIELDS, MoveForm, VacancyForm, errors_onto

# What each lifecycle button says; the services decide which moves are allowed.
STATUS_ACTIONS = {
    Vacancy.Status.OPEN: gettext_lazy("Open it: rank candidates and alert them"),
    Vacancy.Status.CLOSED: gettext_lazy("Close it"),
    Vacancy.Status.FILLED: gettext_lazy("Mark it filled"),
}
STATUS_DONE = {
    Vacancy.Status.OPEN: gettext_lazy(
        "The vacancy is open. Candidates are being ranked; the shortlist fills in shortly."
    ),
    Vacancy.Status.CLOSED: gettext_lazy("The vacancy is closed."),
    Vacancy.Status.FILLED: gettext_lazy("The vacancy is marked filled."),
}
STATUS_VERBS = {
    Vacancy.Status.OPEN: gettext_lazy("opened"),
    Vacancy.Status.CLOSED: gettext_lazy("closed"),
    Vacancy.Status.FILLED: gettext_lazy("marked filled"),
}


def _detail_url(vacancy: Vacancy) -> str:
    return reverse("web:manager-vacancy", args=[vacancy.external_id])


def _duplicate(request: HttpRequest, token: str) -> HttpResponse | None:
    """A form already sent with this token: say so and go where the first one led."""
    first, where = once.claim(user_id=user_of(request).pk, token=token)
    if first:
        return None
    messages.info(request, _("This form was already sent; it was acted on once."))
    return redirect(where or reverse("web:manager-dashboard"))


@require_http_methods(["GET", "POST"])
@manager_page
def vacancy_new(request: HttpRequest) -> HttpResponse:
    """Post a vacancy from a host institution's terms of reference; it starts as a draft."""
    programmes = programmes_managed_by(user=request.user)
    if request.method == "POST":
        form = VacancyForm(request.POST, programmes=programmes)
        if form.is_valid():
            token = form.cleaned_data[once.FIELD]
            if (duplicate := _duplicate(request, token)) is not None:
                return duplicate
            try:
                vacancy = services.vacancy_create(
                    programme=form.cleaned_data["programme"],
                    host_institution=form.cleaned_data["host_institution"],
                    actor=user_of(request),
                    data=form.vacancy_data(),
                )
            except ValidationError as exc:
                once.release(user_id=user_of(request).pk, token=token)
                errors_onto(form, exc, aliases=VACANCY_ERROR_FIELDS)
            else:
                once.done(user_id=user_of(request).pk, token=token, url=_detail_url(vacancy))
                messages.success(request, _("Saved as a draft. Open it when it is ready to be matched."))
                return redirect(_detail_url(vacancy))
    else:
        form = VacancyForm(programmes=programmes, initial={"positions": 1, "min_years_experience": 0, "on_site": True})
    return render(
        request,
        "web/manager/vacancy_form.html",
        {"form": form, "vacancy": None, "no_programme": not programmes.exists()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@manager_page
def vacancy_edit(request: HttpRequest, external_id: str) -> HttpResponse:
    """Edit a vacancy's terms; an open vacancy is ranked again after the edit."""
    vacancy = editable_vacancy(request, external_id)
    if request.method == "POST":
        form = VacancyForm(request.POST)
        if form.is_valid():
            token = form.cleaned_data[once.FIELD]
            if (duplicate := _duplicate(request, token)) is not None:
                return duplicate
            if form.cleaned_data.get("version") not in ("", vacancy.updated_at.isoformat()):
                # Someone (or another tab) changed it since this form was drawn: show their version
                # of the status, keep what was typed, and let the manager send it again knowingly.
                data = request.POST.copy()
                data["version"] = vacancy.updated_at.isoformat()
                form.data = data
                form.add_error(
                    None,
                    _(
                        "This vacancy was changed by someone else since you opened this page (it is now %(status)s). "
                        "Your changes are below and were not saved: check them and save again."
                    )
                    % {"status": vacancy.get_status_display().lower()},
                )
                once.release(user_id=user_of(request).pk, token=token)
            else:
                try:
                    services.vacancy_update(
                        vacancy=vacancy,
                        actor=user_of(request),
                        data=form.vacancy_data(),
                        host_institution=form.cleaned_data["host_institution"],
                    )
                except ValidationError as exc:
                    once.release(user_id=user_of(request).pk, token=token)
                    errors_onto(form, exc, aliases=VACANCY_ERROR_FIELDS)
                else:
                    once.done(user_id=user_of(request).pk, token=token, url=_detail_url(vacancy))
                    messages.success(
                        request,
                        _("Saved. Candidates are being ranked again.")
                        if vacancy.status == Vacancy.Status.OPEN
                        else _("Saved."),
                    )
                    return redirect(_detail_url(vacancy))
    else:
        form = VacancyForm(initial=VacancyForm.initial_for(vacancy))
    return render(
        request, "web/manager/vacancy_form.html", {"form": form, "vacancy": vacancy}, status=400 if form.errors else 200
    )


@require_GET
@manager_page
def vacancy_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    """A vacancy as its manager sees it: terms, lifecycle, applications to move, score distribution."""
    vacancy = editable_vacancy(request, external_id)
    allowed = services.VACANCY_TRANSITIONS.get(vacancy.status, frozenset())
    actions = [(status, label) for status, label in STATUS_ACTIONS.items() if status in allowed]
    taken = vacancy_positions_taken(vacancy=vacancy)
    applications = list(
        applications_manageable_by(user=request.user).filter(vacancy=vacancy).order_by("status_changed_at", "id")
    )
    rows = [(application, MoveForm(application=application)) for application in applications]
    scores = score_distribution(vacancy=vacancy)
    bins = score_bins(scores)
    chart = histogram_svg(title=_("Match scores of the ranked candidates"), bins=bins, salt="scores") if scores else ""
    return render(
        request,
        "web/manager/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "languages": [(language_name(code), level) for code, level in sorted(vacancy.required_languages.items())],
            "actions": actions,
            "positions_taken": taken,
            "ready_to_fill": vacancy.status == Vacancy.Status.OPEN and taken >= vacancy.positions,
            "rows": rows,
            "scores": scores,
            "bins": bins,
            "chart": chart,
            "last_run": runs_for_vacancy(vacancy=vacancy).first(),
            "Status": Vacancy.Status,
            "AppStatus": Application.Status,
        },
    )


@require_POST
@manager_page
def vacancy_status(request: HttpRequest, external_id: str) -> HttpResponse:
    """Open, close or mark filled through `vacancy_set_status`; a page left open meanwhile is explained."""
    vacancy = editable_vacancy(request, external_id)
    wanted = request.POST.get("status", "")
    if wanted not in STATUS_ACTIONS:
        messages.error(request, _("Choose open, close or mark filled."))
        return redirect(_detail_url(vacancy))
    if vacancy.status == wanted:
        # A double click, or a colleague did it first: the same outcome, once.
        messages.info(
            request, _("The vacancy is already %(status)s.") % {"status": vacancy.get_status_display().lower()}
        )
        return redirect(_detail_url(vacancy))
    try:
        services.vacancy_set_status(vacancy=vacancy, status=wanted, actor=user_of(request))
    except ValidationError:
        vacancy.refresh_from_db()
        messages.error(
            request,
            _("The vacancy is now %(status)s, so it cannot be %(wanted)s. The page below shows it as it is now.")
            % {"status": vacancy.get_status_display().lower(), "wanted": STATUS_VERBS[Vacancy.Status(wanted)]},
        )
    else:
        messages.success(request, STATUS_DONE[Vacancy.Status(wanted)])
    return redirect(_detail_url(vacancy))
