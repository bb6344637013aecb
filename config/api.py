"""API-wide error shape: every error is ``{"errors": {field: [reason, ...]}}``.

Services raise Django's ValidationError({"field": ["reason"]}); this handler
turns it, and DRF's own errors, into one shape so clients parse one thing.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import bad_request, page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def _reasons(detail: Any, prefix: str = "") -> list[str]:
    """Every reason under one field, flat; an item's or a key's reasons are prefixed with where they are.

    DRF nests the errors of a list field by index and of a dict field by key
    (``{"skills": {"2": ["This field may not be blank."]}}``); the contract is
    one list of strings per field, so that becomes ``["2: This field may not be blank."]``.
    """
    if isinstance(detail, dict):
        return [reason for key, value in detail.items() for reason in _reasons(value, f"{prefix}{key}: ")]
    if isinstance(detail, list):
        return [reason for value in detail for reason in _reasons(value, prefix)]
    return [f"{prefix}{detail}"]


def _as_field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _reasons(value) for key, value in detail.items()}
    return {"non_field_errors": _reasons(detail)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as ``{"errors": {...}}`` naming the field."""
    if isinstance(exc, SuspiciousOperation):
        # Django's body limits (too many form fields, too large) and the like: a 400 here, never its HTML page.
        answer = _suspicious(exc)
        return Response(answer["data"], status=answer["status"])
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _as_field_errors(response.data)}
    else:
        detail = response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
        response.data = {"errors": {"non_field_errors": [detail]}}
        if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
            response["Retry-After"] = "60"
    return response


def _suspicious(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, TooManyFieldsSent):
        reason = f"Too many form fields: the limit is {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}."
    elif isinstance(exc, RequestDataTooBig):
        reason = f"Request body too large: the limit is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    else:
        reason = "Bad request."
    return {"data": {"errors": {"non_field_errors": [reason]}}, "status": 400}


def bad_request_handler(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 raised outside a view (a middleware reading a form with 5,000 fields): the error shape under /api/."""
    if request.path.startswith("/api/"):
        answer = _suspicious(exception)
        return JsonResponse(answer["data"], status=answer["status"])
    return bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL no route matches: the error shape under /api/, Django's page elsewhere.

    A path parameter that fails its converter (``/api/v1/applications/abc``)
    never reaches a view, so DRF's handler above never sees it.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"non_field_errors": ["Not found."]}}, status=404)
    return page_not_found(request, exception)


# A database that refuses or drops connections (a restart, a fail-over): the
# request did not happen, and trying again shortly is right.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_OUTAGE = "5"


def server_error(request: HttpRequest) -> HttpResponse:
    """An uncaught error: 503 with Retry-After while the database is away, 500 otherwise; JSON under /api/.

    Django calls this inside its ``except`` block, so the exception is the one being handled.
    """
    exc = sys.exc_info()[1]
    outage = isinstance(exc, DATABASE_OUTAGES)
    if request.path.startswith("/api/"):
        if outage:
            reason = "The service is briefly unavailable: try again in a few seconds."
        else:
            reason = "Something went wrong on our side."
        response: HttpResponse = JsonResponse({"errors": {"non_field_errors": [reason]}}, status=503 if outage else 500)
    elif outage:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    else:
        return django_server_error(request)
    if outage:
        response["Retry-After"] = RETRY_AFTER_OUTAGE
    return response
