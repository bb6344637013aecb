"""HTML pages: download my data, erase my account."""

from __future__ import annotations

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from volunteers.privacy.services import user_erase, volunteer_export_data


@never_cache
@require_GET
@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the signed-in person, as a JSON download."""
    data = volunteer_export_data(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-diaspora-match-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def erase_view(request: HttpRequest) -> HttpResponse:
    """Ask for confirmation, then erase the account and sign out."""
    if request.method == "GET":
        return render(request, "account/erase_confirm.html")
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "account/erase_confirm.html",
            {"error": "Tick the box to confirm that you want your account erased."},
            status=400,
        )
    user_erase(user=request.user)  # type: ignore[arg-type]
    logout(request)
    return render(request, "account/erased.html")
