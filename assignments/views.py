"""Plain pages for vacancies: what an alert's "View it" link opens, without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from assignments.models import Application, Vacancy
from assignments.services import application_express_interest
from volunteers.selectors import volunteer_get_own


@require_http_methods(["GET", "POST"])
def vacancy_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    """An open vacancy, public like any job posting; a volunteer can say they are interested."""
    vacancy = get_object_or_404(
        Vacancy.objects.open().select_related("host_institution", "programme"), external_id=external_id
    )
    volunteer = volunteer_get_own(user=request.user)
    if request.method == "POST":
        if volunteer is None:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            application_express_interest(
                volunteer=volunteer,
                vacancy=vacancy,
                motivation=request.POST.get("motivation", "")[:5000],
                actor=volunteer.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Thank you: the programme team will see your interest.")
        return redirect(request.path)
    application = (
        Application.objects.filter(vacancy=vacancy, volunteer=volunteer).first() if volunteer is not None else None
    )
    return render(
        request,
        "assignments/vacancy_detail.html",
        {"vacancy": vacancy, "volunteer": volunteer, "application": application},
    )
