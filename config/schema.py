"""OpenAPI documentation helpers for responses whose shape depends on who asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction  # type: ignore[attr-defined]
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from config.serializers import ErrorSerializer
from core import validators as v
from core.vocabulary import LANGUAGE_LEVELS

# What the shared field validators (core.validators) refuse, stated in the schema, so that a value the
# schema allows is one the API takes: an outside fuzzer's "valid" country "00" or a name with a control
# character was refused with a 400 the schema could not predict (make fuzz, positive_data_acceptance).
_NO_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
# One character or more: a field that may be blank is documented by drf-spectacular as oneOf this or
# {maxLength: 0}, and the empty string must match only one of them.
_CLEAN_TEXT = f"^[^{_NO_CONTROLS}]+$"
_SINGLE_LINE = f"^[^{_NO_CONTROLS}\\u0009\\u000a\\u000d\\u2028\\u2029]+$"
# What str.strip() takes away (str.isspace): a string filter of only these is refused as empty
# (config.filters), so its schema asks for one character besides them. Spelt out rather than \S,
# which means other things in other regex engines (JavaScript's leaves U+001C-001F out).
_WHITESPACE = "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# And no NUL anywhere: a form field refuses it ("Null characters are not allowed").
_FILTER_TEXT = f"^[^\\u0000]*[^{_WHITESPACE}\\u0000][^\\u0000]*$"
# Clean text with something besides whitespace: what a service that strips, then refuses a blank, takes.
NON_BLANK_CLEAN_TEXT = f"^[^{_NO_CONTROLS}]*[^{_NO_CONTROLS}{_WHITESPACE}][^{_NO_CONTROLS}]*$"
_COUNTRY = {"type": "string", "enum": list(v.COUNTRY_CODES)}
VALIDATOR_SCHEMAS: dict[Callable[[Any], None], dict[str, Any]] = {
    v.validate_country_code: {"enum": list(v.COUNTRY_CODES)},
    v.validate_language_code: {"enum": list(v.LANGUAGE_CODES)},
    v.validate_country_list: {"type": "array", "items": _COUNTRY},
    # OpenAPI 3.0 has no propertyNames: every ISO 639-1 code is an optional property, no other is allowed.
    v.validate_languages: {
        "type": "object",
        "properties": {code: {"type": "string", "enum": list(LANGUAGE_LEVELS)} for code in v.LANGUAGE_CODES},
        "additionalProperties": False,
    },
    v.validate_skill_list: {
        "type": "array",
        "maxItems": v.MAX_SKILLS,
        "items": {
            "type": "string",
            "minLength": 1,
            "maxLength": v.MAX_SKILL_LENGTH,
            "pattern": f"^[^{_NO_CONTROLS}]*[^\\s{_NO_CONTROLS}][^{_NO_CONTROLS}]*$",
        },
    },
    v.validate_single_line: {"pattern": _SINGLE_LINE},
    v.validate_clean_text: {"pattern": _CLEAN_TEXT},
}


def by_role(
    public: type[serializers.Serializer[Any]],
    full: type[serializers.Serializer[Any]],
    *,
    name: str,
    note: str,
) -> type[serializers.Serializer[Any]]:
    """A schema-only serializer: every field of ``full``, those ``public`` lacks optional and marked ``note``.

    A view that answers ``public`` to some roles and ``full`` to others cannot
    document ``full`` alone: its read-only fields are required in the schema,
    a promise the ``public`` answer breaks. Nested serializers that differ
    the same way (an application's history) are documented the same way.
    Use it only in ``extend_schema``; views still serialise with the real classes.
    """
    public_fields = public().fields

    class ByRole(full):  # type: ignore[valid-type,misc]
        def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
            fields = super().get_fields()
            for field_name, field in fields.items():
                if field_name not in public_fields:
                    # Read-only fields are always required in a response schema; these are not sent to everyone.
                    field.read_only, field.required = False, False
                    field.help_text = f"{field.help_text} ({note})" if field.help_text else note.capitalize() + "."
                    continue
                nested = _nested_by_role(
                    public_fields[field_name], field, name=f"{name}{field_name.title()}", note=note
                )
                if nested is not None:
                    fields[field_name] = nested
            return fields

    ByRole.__name__ = ByRole.__qualname__ = f"{name}Serializer"
    return ByRole


def _nested_by_role(
    public: serializers.Field[Any, Any, Any, Any], full: serializers.Field[Any, Any, Any, Any], *, name: str, note: str
) -> serializers.BaseSerializer[Any] | None:
    many = isinstance(full, serializers.ListSerializer)
    public_child = public.child if isinstance(public, serializers.ListSerializer) else public
    full_child = full.child if many else full  # type: ignore[attr-defined]
    if not isinstance(full_child, serializers.Serializer) or not isinstance(public_child, serializers.Serializer):
        return None
    if type(public_child) is type(full_child):
        return None
    kwargs: dict[str, Any] = {"many": many, "read_only": True}
    if full.source is not None:  # unbound: only a source given explicitly is set
        kwargs["source"] = full.source
    return by_role(type(public_child), type(full_child), name=name, note=note)(**kwargs)


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with every error answer an operation can give documented in the error shape.

    An outside schemathesis run found 403 (role refusals), 404 (other people's
    objects, pages past the end) and 400 answers that the schema did not list.
    The rules the views follow are the project's, the same for every view, so
    they are documented here once rather than in each ``extend_schema``:

    - 401 and 403 on every operation that needs credentials (a role refusal,
      a session without its CSRF token);
    - 400 wherever a body or a query parameter can be wrong;
    - 404 where the path names an object, or a list can be paged past its end;
    - 413 and 415 where a body is read, 429 where a throttle counts.
    """

    def _map_serializer_field(
        self, field: serializers.Field[Any, Any, Any, Any], direction: Direction, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request":
            for validator in getattr(field, "validators", ()):
                if callable(validator) and getattr(validator, "__module__", "") == v.__name__:
                    schema |= VALIDATOR_SCHEMAS.get(validator, {})
        return schema

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        # config.filters.StrictFilterBackend refuses an empty filter value (or one of whitespace only),
        # and a filter's form field a NUL, a number out of its bounds and a text longer than its
        # max_length: all stated here.
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("minLength", 1)
                schema.setdefault("pattern", _FILTER_TEXT)
            extra = getattr(filters.get(parameter["name"]), "extra", {})
            if "min_value" in extra:
                schema["minimum"] = extra["min_value"]
            if "max_value" in extra:
                schema["maximum"] = extra["max_value"]
            if "max_length" in extra and schema.get("type") == "string":
                schema["maxLength"] = extra["max_length"]
        return parameters

    def _map_basic_serializer(self, serializer: Any, direction: Direction) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        # A body that must name at least one field (consents: matching, alerts or both) says so.
        minimum = getattr(serializer, "min_fields", None)
        if direction == "request" and minimum:
            schema["minProperties"] = minimum
        return schema

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._error_answers():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code]["description"] = description
        return responses

    def _error_answers(self) -> list[tuple[str, str]]:
        view = self.view
        anonymous_allowed = (
            any(isinstance(permission, AllowAny) for permission in view.get_permissions())
            or not view.get_authenticators()
        )
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        has_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        has_query = bool(
            self._get_filter_parameters() or self._get_pagination_parameters() or self.get_override_parameters()
        )
        answers: list[tuple[str, str]] = []
        if has_body or has_query or writes:
            answers.append(("400", "The body or a query parameter is invalid (the error shape names the field)."))
        if not anonymous_allowed:
            answers.append(("401", "No credentials, or a token that is invalid, expired or revoked."))
            answers.append(("403", "Your role may not do this (or a session request lacks its CSRF token)."))
        if "{" in self.path or self._is_list_view():
            answers.append(("404", "No such object among those you may see, or a page past the end."))
        if has_body:
            answers.append(("413", "The body is larger than MAX_REQUEST_BYTES."))
            answers.append(("415", "The body is not in a media type this operation accepts."))
        if writes or view.get_throttles():
            answers.append(("429", "Too many requests; Retry-After says when to try again."))
        return answers


def closed_request_bodies(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """JSON request bodies take only the fields they list (config.serializers refuses any other): say so.

    Only the bodies sent as JSON: the roster uploads' forms are not checked that way.
    """
    closed = set()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            if ref:
                closed.add(ref.rsplit("/", 1)[-1])
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name in closed and component.get("type") == "object" and "properties" in component:
            component["additionalProperties"] = False
    return result
