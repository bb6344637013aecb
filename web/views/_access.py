"""Who may open a volunteer's page, and the profile the page is about."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.models import User
from config.permissions import user_is_volunteer
from volunteers.models import Volunteer
from volunteers.selectors import volunteer_get_own

View = Callable[..., HttpResponse]


def volunteer_page(view: View) -> View:
    """Signed-in volunteers only: others are sent to log in; managers and staff are refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_volunteer(request.user):
            raise PermissionDenied(_("These pages are for volunteers."))
        return view(request, *args, **kwargs)

    return wrapped


def profile_page(view: Callable[..., HttpResponse]) -> View:
    """A volunteer page about their profile: without one yet, they are sent to start it."""

    @volunteer_page
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        volunteer = volunteer_get_own(user=request.user)
        if volunteer is None:
            messages.info(request, _("Start with your profile: it takes a few minutes."))
            return redirect("web:profile-step", step="about")
        return view(request, volunteer, *args, **kwargs)

    return wrapped


def own_profile(request: HttpRequest) -> Volunteer | None:
    return volunteer_get_own(user=request.user)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets request.htmx)."""
    return bool(getattr(request, "htmx", False))


def account(request: HttpRequest) -> User:
    """The signed-in account of a page that requires one (its decorator already sent anyone else away)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
