"""Request-level guards that must run before any view parses a body."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.logging import new_request_id, request_id_var


class RequestSizeLimitMiddleware:
    """Answer 413 for a body larger than MAX_REQUEST_BYTES, before it is read.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE only fires once a view touches
    request.POST/body, and as a 400; clients deserve a 413 that says why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return JsonResponse(
                {
                    "errors": {
                        "non_field_errors": [
                            f"Request body is {length} bytes; the limit is {settings.MAX_REQUEST_BYTES}."
                        ]
                    }
                },
                status=413,
            )
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """Every error under /api/v1/ is JSON in the error shape, whoever produced it.

    Django's own pages slip through otherwise: with DEBUG on, a path value
    that fails its converter (``/api/v1/applications/null,null``) got the
    technical HTML 404, and CSRF failures and the like render templates.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/v1/")
            and response.status_code >= 400
            and not str(response.get("Content-Type", "")).startswith("application/json")
        ):
            reason = HTTPStatus(response.status_code).phrase if response.status_code in _KNOWN else "Error"
            replacement = JsonResponse({"errors": {"non_field_errors": [f"{reason}."]}}, status=response.status_code)
            for header in ("Retry-After", "WWW-Authenticate", "Allow"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


_KNOWN = frozenset(status.value for status in HTTPStatus)


class RequestIdMiddleware:
    """Give each request an id (a proxy's valid X-Request-ID, or a new one) for its logs and the tasks it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response
