"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class StrictFieldsMixin:
    """Reject fields the serializer does not take, naming each one.

    A typo ("residence_contry") silently ignored would look like success to
    the client while storing nothing; read-only fields sent back are refused
    for the same reason.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise serializers.ValidationError({key: ["unknown or read-only field"] for key in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):  # type: ignore[type-arg]
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    pass


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The one error shape: ``{"errors": {field: [reason, ...]}}``."""

    # DRF moves declared fields off the class, so this does not shadow Serializer.errors.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
