"""Page numbers as the schema states them: a whole number from 1, else a 400 naming ``page``.

DRF reads ``?page=`` (empty) as page 1 and answers 404 for ``?page=x``; the
schema says integer, so both are a client's mistake in the error shape. A
page past the end is still 404 (documented): the number is valid, the page
is gone.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

_PAGE = re.compile(r"^[1-9][0-9]{0,8}$")


class StrictPageNumberPagination(PageNumberPagination):
    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        values = request.query_params.getlist(self.page_query_param)
        if values and (len(values) > 1 or not _PAGE.match(values[0])):
            raise ValidationError({self.page_query_param: ["must be a whole number from 1 to 999999999, given once"]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
        return parameters
