"""OpenAPI documentation helpers for responses whose shape depends on who asks."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


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
