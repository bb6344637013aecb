"""Pages for everyone: home (a volunteer's dashboard once signed in) and privacy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from web.context_processors import user_role
from web.manager.views.dashboard import dashboard as manager_dashboard
from web.views.dashboard import dashboard


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page; a volunteer's dashboard once they are signed in."""
    role = user_role(request.user)
    if role == "volunteer":
        return dashboard(request)
    if role == "manager":
        return manager_dashboard(request)
    return render(request, "web/home.html", {"role": role})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What we keep and why; signed in: download my data, erase my account."""
    return render(request, "web/privacy.html")
