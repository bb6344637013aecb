"""Pages behind the signed links in alert emails: they work without logging in.

A GET only shows what will happen, with a button: link scanners fetch every
GET, so the change happens on POST. The one exception is RFC 8058's
one-click unsubscribe, a POST the mail client sends without any token of ours
(hence no CSRF check on it). A bad link shows a page that says why and
changes nothing: 400 when tampered with, 410 when expired or the account is
gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from alerts.links import LinkExpired, LinkInvalid
from alerts.services import answers
from assignments.models import Vacancy

ACTION_TITLES = {
    "interested": "I'm interested",
    "not_for_me": "Not for me",
    "unavailable": "Not available until a date",
}


def _bad_link(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, LinkInvalid):
        status, message = 400, "This link is not valid. It may have been copied incompletely or altered."
    elif isinstance(exc, LinkExpired):
        status, message = 410, "This link has expired. Sign in to answer, or wait for your next alert."
    else:
        status, message = 410, "This link belongs to an account that no longer exists. Nothing was changed."
    return render(request, "alerts/pages/link_problem.html", {"message": message}, status=status)


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class AnswerView(View):
    """Answer an alert: interested, not for me, or not available until a date."""

    def _resolve(self, token: str) -> tuple[Any, str]:
        return answers.answer_link_resolve(token=token)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            alert, action = self._resolve(token)
        except (LinkInvalid, LinkExpired, answers.LinkGone) as exc:
            return _bad_link(request, exc)
        if action == "interested" and (alert.vacancy is None or alert.vacancy.status != Vacancy.Status.OPEN):
            # Say so at once: a confirm page whose button can only fail wastes the click.
            message = "This assignment is no longer open for applications. Nothing was changed."
            return render(request, "alerts/pages/link_problem.html", {"message": message}, status=410)
        context = {"alert": alert, "vacancy": alert.vacancy, "action": action, "title": ACTION_TITLES[action]}
        return render(request, "alerts/pages/answer_confirm.html", context)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            alert, action = self._resolve(token)
        except (LinkInvalid, LinkExpired, answers.LinkGone) as exc:
            return _bad_link(request, exc)
        context: dict[str, Any] = {"alert": alert, "vacancy": alert.vacancy, "action": action}
        try:
            if action == "interested":
                answers.alert_answer_interested(alert=alert)
            elif action == "not_for_me":
                answers.alert_answer_not_for_me(alert=alert)
            else:
                until = _parse_date(request.POST.get("until", ""))
                answers.alert_answer_unavailable(alert=alert, until=until)
                context["until"] = until
        except ValidationError as exc:
            context |= {"title": ACTION_TITLES[action], "errors": exc.messages}
            return render(request, "alerts/pages/answer_confirm.html", context, status=400)
        return render(request, "alerts/pages/answer_done.html", context)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """Stop match alerts: a page with a button (GET), or RFC 8058 one-click (POST)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            volunteer = answers.unsubscribe_link_resolve(token=token)
        except (LinkInvalid, LinkExpired, answers.LinkGone) as exc:
            return _bad_link(request, exc)
        return render(request, "alerts/pages/unsubscribe_confirm.html", {"volunteer": volunteer})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            volunteer = answers.unsubscribe_link_resolve(token=token)
        except (LinkInvalid, LinkExpired, answers.LinkGone) as exc:
            return _bad_link(request, exc)
        answers.volunteer_unsubscribe(volunteer=volunteer)
        return render(request, "alerts/pages/unsubscribe_done.html", {"volunteer": volunteer})
