"""A volunteer's pages (filled in by the next commits)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _later(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return render(request, "web/home.html", {"role": "volunteer"})


dashboard = matches = vacancies = vacancy_detail = vacancy_interest = _later
applications = application_detail = application_withdraw = _later
inbox = inbox_read = inbox_read_all = _later
profile = consents = skill_suggestions = profile_step = alert_preferences = _later
