"""A volunteer's applications: the list, one with its history, withdrawing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments.models import Application
from assignments.selectors import applications_of_volunteer
from assignments.services import WITHDRAWABLE, application_withdraw
from web.views._access import volunteer_page


@require_GET
@volunteer_page
def applications(request: HttpRequest) -> HttpResponse:
    """Every application of the signed-in volunteer, newest first, with its status."""
    rows = applications_of_volunteer(user=request.user).order_by("-created_at", "-id")
    return render(request, "web/applications/list.html", {"applications": rows})


@require_GET
@volunteer_page
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application and its history: each step with its date (managers' notes are theirs alone)."""
    application = get_object_or_404(applications_of_volunteer(user=request.user), pk=pk)
    return render(
        request,
        "web/applications/detail.html",
        {"application": application, "withdrawable": application.status in WITHDRAWABLE},
    )


@require_POST
@volunteer_page
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw; an application that moved on meanwhile is explained, not failed on."""
    application = get_object_or_404(applications_of_volunteer(user=request.user), pk=pk)
    if application.status == Application.Status.WITHDRAWN:
        messages.info(request, _("You had already withdrawn this application."))
    else:
        try:
            application_withdraw(
                application=application, actor=application.volunteer.user if application.volunteer else None
            )
        except ValidationError:
            application.refresh_from_db()
            messages.error(
                request,
                _("This application is now “%(status)s” and can no longer be withdrawn. Contact the programme team.")
                % {"status": application.get_status_display()},
            )
        else:
            messages.success(request, _("Your application is withdrawn."))
    return redirect("web:application-detail", pk=application.pk)
