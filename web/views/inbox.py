"""The in-app inbox and a volunteer's alert preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts.selectors import inbox_for_user, preference_for, preference_paused
from alerts.services.inbox import inbox_mark_all_read, inbox_message_mark_read
from alerts.services.preferences import alert_preference_update
from assignments.selectors import published_sectors_and_countries
from volunteers.models import Volunteer
from volunteers.services import volunteer_consents_set
from web.forms import AlertPreferencesForm, errors_onto
from web.views._access import account, is_htmx, profile_page


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Everyone's in-app messages, newest first (volunteers' alerts and notes, managers' reminders)."""
    page = Paginator(inbox_for_user(user=account(request)), 25).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {"page": page})


def _local_url(request: HttpRequest, url: str) -> str:
    """Where a message points, when it is on this site (an alert's link is absolute)."""
    site = settings.SITE_URL.rstrip("/")
    if url.startswith(site):
        url = url[len(site) :] or "/"
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) and url.startswith("/"):
        return url
    return ""


@require_POST
@login_required
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a message read and open what it is about (another user's message answers 404)."""
    message = inbox_message_mark_read(user=account(request), message_id=pk)
    if is_htmx(request):
        return render(request, "web/_inbox_item.html", {"message": message})
    target = _local_url(request, message.url) if request.POST.get("open") else ""
    return redirect(target or "web:inbox")


@require_POST
@login_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = inbox_mark_all_read(user=account(request))
    if count:
        messages.success(request, _("All messages are marked read."))
    return redirect("web:inbox")


@require_http_methods(["GET", "POST"])
@profile_page
def alert_preferences(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Channels, rhythm, pause, minimum strength, sectors and countries, with consent to alerts beside them.

    Shows the stored state, whatever changed it (this page, the API, an
    unsubscribe link): the same service and the same rows.
    """
    preference = preference_for(volunteer=volunteer)
    initial = {
        "alerts": volunteer.alerts_consent,
        "rhythm": preference.rhythm,
        "channels": preference.channels,
        "paused_until": preference.paused_until,
        "min_score": preference.min_score,
        "sectors": preference.sectors,
        "countries": preference.countries,
    }
    sectors, country_codes = published_sectors_and_countries()
    form = AlertPreferencesForm(request.POST or None, initial=initial, sectors=sectors, country_codes=country_codes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                alert_preference_update(volunteer=volunteer, data=form.preference_data())
            except ValidationError as exc:
                errors_onto(form, exc)
            else:
                volunteer_consents_set(volunteer=volunteer, alerts=form.cleaned_data["alerts"])
                messages.success(request, _("Your alert preferences are saved."))
                return redirect("web:alert-preferences")
        status = 400
    volunteer.refresh_from_db()
    context = {
        "form": form,
        "volunteer": volunteer,
        "preference": preference,
        "paused": preference_paused(preference),
    }
    return render(request, "web/alert_preferences.html", context, status=status)
