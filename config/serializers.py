"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from rest_framework import serializers

from core.validators import CHARACTER_CHECKS


# Reject fields the serializer does not take, naming each one.
#
# A typo ("residence_contry") silently ignored would look like success to the client
# while storing nothing; read-only fields sent back are refused for the same reason.
# (A comment, not a docstring: drf-spectacular describes a serializer by the first
# docstring in its classes, and every input serializer without one of its own would
# be described by this mixin's.)
class StrictFieldsMixin:
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise serializers.ValidationError({key: ["unknown or read-only field"] for key in unknown})
            if not isinstance(data, QueryDict):  # a JSON object: its values carry their types
                wrong = {
                    str(key): reasons
                    for key, value in data.items()
                    if (reasons := _json_errors(self.fields[key], value))  # type: ignore[attr-defined]
                }
                if wrong:
                    raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]


def _json_errors(field: serializers.Field[Any, Any, Any, Any], value: Any) -> list[str]:
    """What is wrong with ``value`` as sent: its JSON type, else its length and the characters its checks refuse."""
    if reason := _json_type_error(field, value):
        return [reason]
    return _length_errors(field, value) + _character_errors(field, value)


def _length_errors(field: serializers.Field[Any, Any, Any, Any], value: Any) -> list[str]:
    """A text longer than its field's max_length as sent, as the schema's maxLength counts it.

    The field counts after trimming, so 200 characters and two spaces passed a limit of 200.
    """
    longest = getattr(field, "max_length", None)
    if not isinstance(field, serializers.CharField) or longest is None or not isinstance(value, str):
        return []
    return [f"Ensure this field has no more than {longest} characters."] if len(value) > longest else []


def _character_errors(field: serializers.Field[Any, Any, Any, Any], value: Any) -> list[str]:
    """The reasons the field's character checks (core.validators) refuse ``value`` as sent, before it is trimmed.

    The field runs its validators on the trimmed value; these see what trimming would hide.
    """
    reasons: list[str] = []
    for validator, check in CHARACTER_CHECKS.items():
        # By identity: some validators (RegexValidator) define __eq__ and are not hashable.
        if any(own is validator for own in field.validators):
            try:
                check(value)
            except DjangoValidationError as exc:
                reasons.extend(exc.messages)
    return reasons


def _json_type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str:
    """Why ``value`` is not of the JSON type the schema gives ``field`` ("" when it is).

    DRF coerces: 1 becomes "1" in a CharField, "yes" and 0 become booleans.
    The schema promises a string or a boolean, so anything else is refused,
    as a client generated from the schema expects.
    """
    if value is None:
        return ""  # allow_null is the field's own check
    if isinstance(field, serializers.BooleanField):
        return "" if isinstance(value, bool) else "must be true or false"
    if isinstance(field, serializers.IntegerField):
        return "" if isinstance(value, int) and not isinstance(value, bool) else "must be an integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "" if isinstance(value, int | float) and not isinstance(value, bool) else "must be a number"
    if isinstance(
        field, serializers.CharField | serializers.DateField | serializers.DateTimeField | serializers.ChoiceField
    ) and not isinstance(field, serializers.MultipleChoiceField):
        return "" if isinstance(value, str) else "must be a string"
    if isinstance(field, serializers.ListField | serializers.MultipleChoiceField):
        if not isinstance(value, list):
            return "must be a list"
        # Items too: [0] for a list of strings became ["0"].
        child = getattr(field, "child", None)
        reasons = [_json_type_error(child, item) for item in value] if child is not None else []
        return next((f"every item {reason}" for reason in reasons if reason), "")
    if isinstance(field, serializers.DictField):
        if not isinstance(value, dict):
            return "must be an object"
        reasons = [_json_type_error(field.child, item) for item in value.values()]
        return next((f"every value {reason}" for reason in reasons if reason), "")
    return ""


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):  # type: ignore[type-arg]
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    pass


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The one error shape: ``{"errors": {field: [reason, ...]}}``."""

    # DRF moves declared fields off the class, so this does not shadow Serializer.errors.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
