"""The API's JSON parser: DRF's, with a nesting limit far below the interpreter's.

A body of 3,000 nested brackets made ``json.load`` raise RecursionError, an
unauthenticated 500 on every JSON endpoint. No request of this API nests more
than a few levels (a profile's languages are an object of strings), so
anything deeper than MAX_JSON_DEPTH is a 400 in the error shape.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]
from rest_framework.utils import json

MAX_JSON_DEPTH = 32

_TOO_DEEP = f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep"


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests lists and objects more than ``limit`` levels, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list))
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser; a body nested deeper than MAX_JSON_DEPTH is a parse error (400), never a RecursionError."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            decoded = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None  # type: ignore[attr-defined]
            data = json.load(decoded, parse_constant=parse_constant)  # type: ignore[arg-type]
        except RecursionError as exc:
            # The C decoder gives up near the interpreter's limit (about 1,000 levels).
            raise ParseError(_TOO_DEEP) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(data):
            raise ParseError(_TOO_DEEP)
        return data
