"""Who may open the manager's pages, and which objects they may reach.

Anyone signed in who is not a manager or staff gets 404 on every /manage/ page,
as they would for another programme's vacancy: nothing is revealed by probing.
Objects are always fetched through the apps' access selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from accounts.models import User
from assignments.models import Application, Vacancy
from assignments.selectors import applications_manageable_by, vacancies_managed_by
from config.permissions import user_is_manager, user_is_staff

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def manager_page[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """Sign in first; then only programme managers and staff, everyone else 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user_is_manager(request.user) or user_is_staff(request.user)):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def user_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # manager_page has already sent anonymous users away
        raise Http404
    return user


def editable_vacancy(request: HttpRequest, external_id: str) -> Vacancy:
    """A vacancy the user may edit and move through its lifecycle, or 404."""
    return get_object_or_404(vacancies_managed_by(user=request.user), external_id=external_id)


def shortlist_vacancy(request: HttpRequest, external_id: str) -> Vacancy:
    """A vacancy whose shortlist the user may read (the same selector as the API's shortlist), or 404."""
    return get_object_or_404(vacancies_managed_by(user=request.user), external_id=external_id)


def manageable_application(request: HttpRequest, pk: int) -> Application:
    """An application the user may move through selection, or 404."""
    return get_object_or_404(applications_manageable_by(user=request.user), pk=pk)
