"""One application as its manager sees it, and moving it through selection with a note."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments.models import Application
from assignments.selectors import applicant_shown_to
from assignments.services import application_advance
from core.audit import Action, audit_viewed
from matching.explain import results_explain
from matching.selectors import shortlist_for_vacancy
from web.manager import once
from web.manager.access import manageable_application, manager_page, user_of
from web.manager.forms import STEP_LABELS, MoveForm, errors_onto
from web.manager.views.shortlist import candidate_view


def _detail_url(application: Application) -> str:
    return reverse("web:manager-application", args=[application.pk])


def audit_contact_shown(request: HttpRequest, application: Application) -> None:
    """Record that the application's page showed its applicant's name and email (not after a withdrawal)."""
    if application.volunteer_id is not None and applicant_shown_to(application=application, user=request.user):
        audit_viewed(
            actor=request.user,
            action=Action.CONTACT_VIEW,
            object_type="volunteer",
            object_ids=[application.volunteer_id],
        )


@require_GET
@manager_page
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application: who (they applied, so their contact shows), motivation, history with notes, next steps."""
    application = manageable_application(request, pk)
    # As the shortlist shows them (their contact too: they applied), below the floor included.
    match = (
        shortlist_for_vacancy(vacancy=application.vacancy, include_all=True)
        .filter(volunteer=application.volunteer)
        .first()
        if application.volunteer is not None
        else None
    )
    audit_contact_shown(request, application)
    return render(
        request,
        "web/manager/application_detail.html",
        {
            "application": application,
            "form": MoveForm(application=application),
            "match": candidate_view(request, results_explain([match])[0]) if match else None,
            "labels": STEP_LABELS,
        },
    )


def _from_vacancy_page(request: HttpRequest) -> bool:
    return request.POST.get("from") == "vacancy"


def _answer(
    request: HttpRequest, application: Application, form: MoveForm | None, notice: str, level: str
) -> HttpResponse:
    """htmx (from the vacancy page): the application's row again, the notice inside it.
    Otherwise the notice as a message and back to the page the form was on."""
    fresh = manageable_application(request, application.pk)
    form = form if form is not None and form.errors else MoveForm(application=fresh)
    if getattr(request, "htmx", False) and _from_vacancy_page(request):
        return render(
            request,
            "web/manager/_application_row.html",
            {
                "application": fresh,
                "form": form,
                "labels": STEP_LABELS,
                "notice": notice,
                "notice_level": level,
                # Swapped into the row (innerHTML), so that the row stays and focus can land in it.
                "cells_only": True,
            },
        )
    if form.errors:
        audit_contact_shown(request, fresh)  # the application's page again, with the errors
        return render(
            request,
            "web/manager/application_detail.html",
            {"application": fresh, "form": form, "match": None, "labels": STEP_LABELS},
            status=400,
        )
    messages.add_message(request, getattr(messages, level.upper()), notice)
    if _from_vacancy_page(request):
        url = reverse("web:manager-vacancy", args=[fresh.vacancy.external_id])
        return redirect(f"{url}#application-{fresh.pk}")
    return redirect(_detail_url(fresh))


@require_POST
@manager_page
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one step through `application_advance`; a double submit or a page left open is explained."""
    application = manageable_application(request, pk)
    wanted = request.POST.get("to_status", "")
    drawn_at = request.POST.get("from_status", application.status)
    if application.status == wanted:
        # Sent twice, or a colleague did the same first: one move, said plainly.
        notice = _("This application is already at “%(step)s”.") % {"step": STEP_LABELS[wanted]}
        return _answer(request, application, None, notice, "info")
    if drawn_at != application.status:
        notice = _(
            "This application has moved on since the page was loaded: it is now at “%(step)s”. Choose again below."
        ) % {"step": STEP_LABELS.get(application.status, application.status)}
        return _answer(request, application, None, notice, "warning")
    form = MoveForm(request.POST, application=application)
    if not form.is_valid():
        return _answer(request, application, form, "", "error")
    token = form.cleaned_data[once.FIELD]
    first, _where = once.claim(user_id=user_of(request).pk, token=token)
    if not first:
        return _answer(request, application, None, _("This was already sent; it was acted on once."), "info")
    try:
        moved = application_advance(
            application=application, to_status=wanted, actor=user_of(request), note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        # Another manager moved it between our read and the service's lock.
        once.release(user_id=user_of(request).pk, token=token)
        errors_onto(form, exc, aliases={"status": "to_status"})
        return _answer(request, application, form, "", "error")
    once.done(user_id=user_of(request).pk, token=token, url=_detail_url(moved))
    notice = _("Moved to “%(step)s”.") % {"step": STEP_LABELS[moved.status]}
    return _answer(request, moved, None, notice, "success")
