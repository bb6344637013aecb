"""Check an answer of the Django test client against the API's own OpenAPI schema."""

from __future__ import annotations

import functools
import json
from typing import Any

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from rest_framework.utils.encoders import JSONEncoder


def raw_schema() -> dict[str, Any]:
    """The schema as clients fetch it from /api/schema/ (JSON: no lazy strings or the like)."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(raw, cls=JSONEncoder))


@functools.cache
def documented_schema() -> Any:
    """The schema loaded by schemathesis, to check answers against."""
    return schemathesis.openapi.from_dict(raw_schema())


def assert_documented(response: Any, *, method: str, template: str, path: str) -> None:
    """Fail, saying where, unless the answer matches what the schema documents for its status."""
    headers = {name.lower(): [value] for name, value in response.headers.items()}
    request = requests.Request(method=method, url=f"http://testserver{path}").prepare()
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers=headers,
        content=response.content,
        request=request,
        elapsed=0.0,
        verify=False,
    )
    documented_schema()[template][method].validate_response(answer)
