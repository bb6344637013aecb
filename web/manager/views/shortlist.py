"""A vacancy's ranked, explained shortlist: filters, why-not, compare, CSV.

Reads through the same selectors as the API (`shortlist_for_vacancy`,
`candidate_contact`, `candidate_explain`), so the page and the API
show the same people with the same contact rule (the applications' rule:
once applied, and to a manager no longer once withdrawn).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assignments.models import Vacancy
from core.audit import Action, audit_viewed
from core.validators import validate_external_id
from matching.explain import band_of, candidate_explain, results_explain, results_explain_stream
from matching.models import MatchResult
from matching.selectors import (
    candidate_contact,
    candidate_withdrew,
    contacts_shown,
    shortlist_facets,
    shortlist_for_vacancy,
)
from volunteers.models import Volunteer
from volunteers.names import language_name
from web.manager.access import manager_page, shortlist_vacancy
from web.manager.forms import CompareForm, ShortlistFilterForm, WhyNotForm
from web.manager.shortlist_csv import shortlist_csv
from web.manager.words import band_in_words, part_rows, reasons_shown, rule_in_words

PAGE_SIZE = 25


def candidate_view(request: HttpRequest, result: MatchResult, rank: int | None = None) -> dict[str, Any]:
    """What a shortlist row shows: the stored explanation, the profile's facts, contact if allowed."""
    volunteer = result.volunteer
    band = band_of(result.score, result.matched_skills)
    return {
        "rank": rank,
        "result": result,
        "volunteer": volunteer,
        "languages": [(language_name(code), level) for code, level in sorted(volunteer.languages.items())],
        "parts": part_rows(result.parts),
        "reasons": reasons_shown(result.reasons),
        "band": band,
        "band_words": band_in_words(band),
        "contact": candidate_contact(result, user=request.user),
        "withdrawn": candidate_withdrew(result),
    }


def audit_candidates_shown(request: HttpRequest, rows: list[dict[str, Any]]) -> None:
    """Record each candidate shown (``candidate_view`` rows): their contact details when shown, else their profile."""
    contacts = [row["volunteer"].pk for row in rows if row["contact"]]
    profiles = [row["volunteer"].pk for row in rows if not row["contact"]]
    audit_viewed(actor=request.user, action=Action.CONTACT_VIEW, object_type="volunteer", object_ids=contacts)
    audit_viewed(actor=request.user, action=Action.CANDIDATE_VIEW, object_type="volunteer", object_ids=profiles)


@require_GET
@manager_page
def shortlist(request: HttpRequest, external_id: str) -> HttpResponse:
    vacancy = shortlist_vacancy(request, external_id)
    filters = ShortlistFilterForm(request.GET or None)
    chosen = filters.filters()
    results = shortlist_for_vacancy(vacancy=vacancy, **chosen)
    filters.offer(shortlist_facets(vacancy=vacancy, **chosen))
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    start = page.start_index()
    rows = [
        candidate_view(request, result, rank=start + i) for i, result in enumerate(results_explain(page.object_list))
    ]
    audit_viewed(actor=request.user, action=Action.SHORTLIST_VIEW, object_type="vacancy", object_ids=[vacancy.pk])
    contacts = [row["volunteer"].pk for row in rows if row["contact"]]
    audit_viewed(actor=request.user, action=Action.CONTACT_VIEW, object_type="volunteer", object_ids=contacts)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/manager/shortlist.html",
        {
            "vacancy": vacancy,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "why_form": WhyNotForm(),
            "stale": vacancy.status != Vacancy.Status.OPEN,
        },
    )


@require_GET
@manager_page
def shortlist_export(request: HttpRequest, external_id: str) -> StreamingHttpResponse:
    """The shortlist (with the page's filters) as CSV; formula cells neutralised."""
    vacancy = shortlist_vacancy(request, external_id)
    filters = ShortlistFilterForm(request.GET or None)
    results = shortlist_for_vacancy(vacancy=vacancy, **filters.filters())
    audit_viewed(actor=request.user, action=Action.SHORTLIST_EXPORT, object_type="vacancy", object_ids=[vacancy.pk])
    # Recorded before the file streams; only those who applied can have their name and email in it.
    applicants = shortlist_for_vacancy(vacancy=vacancy, applicants_only=True, **filters.filters())
    contacts = contacts_shown(applicants, user=request.user)
    audit_viewed(actor=request.user, action=Action.CONTACT_VIEW, object_type="volunteer", object_ids=contacts)
    response = StreamingHttpResponse(
        shortlist_csv(results_explain_stream(results.iterator(chunk_size=500)), user=request.user),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="shortlist-{vacancy.external_id}.csv"'
    return response


def _looks_like_id(text: str) -> bool:
    # Checked before the lookup: PostgreSQL refuses a NUL in a query parameter.
    try:
        validate_external_id(text)
    except ValidationError:
        return False
    return True


def _find_volunteer(who: str) -> tuple[Volunteer | None, str | None]:
    """A volunteer on the roster by id, else by exact name; or why none could be chosen."""
    who = who.strip()
    roster = Volunteer.objects.live()
    if _looks_like_id(who):
        found = roster.filter(external_id=who).first()
        if found is not None:
            return found, None
    named = list(roster.filter(full_name__iexact=who).order_by("external_id")[:6])
    if len(named) == 1:
        return named[0], None
    if not named:
        return None, _("No one on the roster has that name or id.")
    ids = ", ".join(v.external_id for v in named[:5])
    return None, _("Several people have that name (%(ids)s): enter the id of the one you mean.") % {"ids": ids}


@require_GET
@manager_page
def why_not(request: HttpRequest, external_id: str) -> HttpResponse:
    """Why is a named person not on the shortlist, or not higher? The failed rule, or the score's parts."""
    vacancy = shortlist_vacancy(request, external_id)
    form = WhyNotForm(request.GET or None)
    explanation: dict[str, Any] | None = None
    volunteer = None
    if form.is_valid():
        volunteer, problem = _find_volunteer(form.cleaned_data["who"])
        if problem:
            form.add_error("who", problem)
        elif volunteer is not None:
            payload = candidate_explain(vacancy=vacancy, volunteer=volunteer)
            audit_viewed(
                actor=request.user, action=Action.CANDIDATE_VIEW, object_type="volunteer", object_ids=[volunteer.pk]
            )
            explanation = {
                **asdict(payload),
                "rules": [rule_in_words(code, vacancy) for code in payload.failed_rules],
                "part_rows": part_rows(payload.parts),
                "reasons": reasons_shown(payload.reasons),
            }
    template = "web/manager/_why_not.html" if getattr(request, "htmx", False) else "web/manager/why_not.html"
    return render(
        request,
        template,
        {"vacancy": vacancy, "why_form": form, "explanation": explanation, "person": volunteer},
    )


@require_GET
@manager_page
def compare(request: HttpRequest, external_id: str) -> HttpResponse:
    """Two or three candidates side by side: score, parts, skills, languages, experience."""
    vacancy = shortlist_vacancy(request, external_id)
    # Only what can be an id reaches the query (PostgreSQL refuses a NUL in a parameter).
    chosen = [v for v in request.GET.getlist("v") if _looks_like_id(v)][:10]
    results = results_explain(shortlist_for_vacancy(vacancy=vacancy).filter(volunteer__external_id__in=chosen))
    form = CompareForm(
        request.GET or None, choices=[(r.volunteer.external_id, r.volunteer.external_id) for r in results]
    )
    columns: list[dict[str, Any]] = []
    if form.is_valid():
        ranks = {r.pk: shortlist_for_vacancy(vacancy=vacancy).filter(score__gt=r.score).count() + 1 for r in results}
        columns = [candidate_view(request, r, rank=ranks[r.pk]) for r in results]
        audit_candidates_shown(request, columns)
    part_names = sorted({label for column in columns for label, _value in column["parts"]})
    part_table = [(name, [dict(column["parts"]).get(name) for column in columns]) for name in part_names]
    return render(
        request,
        "web/manager/compare.html",
        {
            "vacancy": vacancy,
            "form": form,
            "columns": columns,
            "part_table": part_table,
        },
    )
