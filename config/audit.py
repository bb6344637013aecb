"""API views that record who was shown what (``core.audit``): one INSERT per answer, after the page is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from core.audit import audit_viewed


class AuditedReadMixin:
    """For generic list and detail views: audit the objects of the page (or the one object) answered.

    ``audit_ids`` turns the objects shown into the ids to record (none: nothing
    is recorded, e.g. a volunteer reading their own rows); a view that shows
    more than one kind of thing lists each kind in ``audits``. Nothing is
    written for an answer that is not a success.
    """

    audit_action: str
    audit_object_type: str
    _audit_shown: Sequence[Any] | None = None

    def audit_ids(self, objects: Sequence[Any]) -> list[Any]:
        return [obj.pk for obj in objects]

    def audits(self, objects: Sequence[Any]) -> list[tuple[str, str, list[Any]]]:
        """(action, object type, ids) of each kind of record ``objects`` shown call for: one INSERT each."""
        return [(self.audit_action, self.audit_object_type, self.audit_ids(objects))]

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        self._audit_shown = list(page) if page is not None else None
        return page

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        self._audit_shown = [obj]
        return obj

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if self._audit_shown is not None and 200 <= response.status_code < 300:
            for action, object_type, ids in self.audits(self._audit_shown):
                audit_viewed(actor=request.user, action=action, object_type=object_type, object_ids=ids)
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc,no-any-return]
