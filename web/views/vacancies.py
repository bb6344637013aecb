"""Open vacancies: browse and search, one vacancy's page, saying you are interested, your matches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assignments import selectors as assignment_selectors
from assignments.models import Application, Vacancy
from assignments.services import application_express_interest, interest_refusals
from matching.explain import results_explain
from matching.selectors import matches_for_volunteer
from volunteers.models import Volunteer
from web.forms import InterestForm, VacancySearchForm, errors_onto
from web.views._access import is_htmx, own_profile, profile_page
from web.words import fit

PAGE_SIZE = 20


@require_GET
def vacancies(request: HttpRequest) -> HttpResponse:
    """Every open vacancy, searchable by words, sector, country, start date and on-site; public."""
    open_vacancies = assignment_selectors.vacancies_open_public()
    sectors = sorted(set(open_vacancies.values_list("sector", flat=True)), key=str.casefold)
    codes = sorted(set(open_vacancies.values_list("country", flat=True)))
    form = VacancySearchForm(request.GET or None, sectors=sectors, country_codes=codes)
    results = open_vacancies.order_by("start_date", "title", "id")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = assignment_selectors.vacancies_search(
            open_vacancies,
            text=data["q"],
            sector=data["sector"],
            country=data["country"],
            starts_after=data["starts_after"],
            starts_before=data["starts_before"],
            on_site={"yes": True, "no": False}.get(data["on_site"]),
        )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "web/vacancies/_results.html" if is_htmx(request) else "web/vacancies/list.html"
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


def _interest_context(request: HttpRequest, vacancy: Vacancy, form: InterestForm | None = None) -> dict[str, Any]:
    volunteer = own_profile(request)
    application = None
    refusals: list[str] = []
    if volunteer is not None:
        application = Application.objects.filter(vacancy=vacancy, volunteer=volunteer).first()
        if application is None and vacancy.status == Vacancy.Status.OPEN:
            refusals = interest_refusals(volunteer=volunteer, vacancy=vacancy)
    if form is None:
        initial = {"motivation": application.motivation} if application else {}
        form = InterestForm(initial=initial)
    # How it fits them, as on "My matches": only an open vacancy they match above the floor.
    match = matches_for_volunteer(volunteer_id=volunteer.pk).filter(vacancy=vacancy).first() if volunteer else None
    return {
        "vacancy": vacancy,
        "volunteer": volunteer,
        "application": application,
        "refusals": refusals,
        "form": form,
        "fit": fit(results_explain([match])[0]) if match else None,
    }


def _vacancy_for_page(external_id: str) -> Vacancy:
    # Drafts do not exist for the public; a closed or filled one explains itself.
    vacancy = (
        Vacancy.objects.select_related("host_institution", "programme")
        .exclude(status=Vacancy.Status.DRAFT)
        .filter(external_id=external_id)
        .first()
    )
    if vacancy is None:
        raise Http404
    return vacancy


@require_GET
def vacancy_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    """A vacancy, public like any job posting; a volunteer can say they are interested."""
    vacancy = _vacancy_for_page(external_id)
    context = _interest_context(request, vacancy)
    status = 200 if vacancy.status == Vacancy.Status.OPEN or context["application"] else 410
    return render(request, "web/vacancies/detail.html", context, status=status)


@require_POST
@profile_page
def vacancy_interest(request: HttpRequest, volunteer: Volunteer, external_id: str) -> HttpResponse:
    """Say you are interested (with a motivation), or send a new motivation; the service decides."""
    vacancy = _vacancy_for_page(external_id)
    form = InterestForm(request.POST)
    existed = Application.objects.filter(vacancy=vacancy, volunteer=volunteer).first()
    status = 200
    if form.is_valid():
        motivation = form.cleaned_data["motivation"]
        try:
            application = application_express_interest(
                volunteer=volunteer, vacancy=vacancy, motivation=motivation, actor=volunteer.user
            )
        except ValidationError as exc:
            errors_onto(form, exc)
            status = 400
        else:
            if existed is None:
                messages.success(request, _("Thank you: the programme team will see your interest."))
            elif motivation.strip() and application.motivation == motivation.strip():
                if existed.motivation != application.motivation:
                    messages.success(request, _("Your motivation is updated."))
                else:
                    messages.info(request, _("You had already sent this; nothing changed."))
            else:
                messages.info(
                    request,
                    _("You had already said you are interested (status: %(status)s); nothing changed.")
                    % {"status": application.get_status_display()},
                )
            if is_htmx(request):
                form = InterestForm(initial={"motivation": application.motivation})
            else:
                return redirect("vacancy-detail", external_id=vacancy.external_id)
    else:
        status = 400
    context = _interest_context(request, vacancy, form) | {"partial": is_htmx(request)}
    template = "web/vacancies/_interest.html" if is_htmx(request) else "web/vacancies/detail.html"
    return render(request, template, context, status=status if not is_htmx(request) else 200)


@require_http_methods(["GET"])
@profile_page
def matches(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Open assignments ranked for this volunteer, best first, with the reasons in plain words."""
    rows = results_explain(matches_for_volunteer(volunteer_id=volunteer.pk)[:50])
    applied = set(
        Application.objects.filter(volunteer=volunteer, vacancy_id__in=[r.vacancy_id for r in rows]).values_list(
            "vacancy_id", flat=True
        )
    )
    items = [{"result": row, "vacancy": row.vacancy, "applied": row.vacancy_id in applied, **fit(row)} for row in rows]
    return render(request, "web/matches.html", {"items": items, "volunteer": volunteer})
