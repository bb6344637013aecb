"""A volunteer's home: what needs them, their best matches, their applications, unread messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alerts.selectors import inbox_for_user, preference_for, preference_paused
from assignments.selectors import applications_of_volunteer
from matching.explain import results_explain
from matching.selectors import matches_for_volunteer
from volunteers.models import Volunteer
from volunteers.selectors import volunteer_get_own
from web.views._access import account
from web.words import strength

# What a profile needs before the matcher can do it justice.
_WORTH_FILLING = ("headline", "summary", "skills", "languages", "heritage_countries", "available_from")


def _missing(volunteer: Volunteer) -> list[str]:
    return [name for name in _WORTH_FILLING if not getattr(volunteer, name)]


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in volunteer's home page (the site's "/" for them)."""
    volunteer = volunteer_get_own(user=request.user)
    if volunteer is None:
        return render(request, "web/dashboard.html", {"volunteer": None})
    matches = [
        {"result": row, "vacancy": row.vacancy, "strength": strength(row)}
        for row in results_explain(matches_for_volunteer(volunteer_id=volunteer.pk)[:3])
    ]
    preference = preference_for(volunteer=volunteer)
    context = {
        "volunteer": volunteer,
        "matches": matches,
        "applications": applications_of_volunteer(user=request.user).order_by("-status_changed_at")[:5],
        "messages_unread": inbox_for_user(user=account(request)).filter(read_at__isnull=True)[:3],
        "missing": _missing(volunteer),
        "preference": preference,
        "paused": preference_paused(preference),
    }
    return render(request, "web/dashboard.html", context)
