from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import AlertPreference, Channel, InboxMessage, Rhythm
from config.schema import NON_BLANK_CLEAN_TEXT
from config.serializers import StrictSerializer


@extend_schema_field({"type": "string", "maxLength": 200, "pattern": NON_BLANK_CLEAN_TEXT})
class _SectorField(serializers.CharField):
    """A sector as the preferences service takes it: clean text, not blank once stripped."""


class PreferenceInputSerializer(StrictSerializer):
    """Alert preferences as written; the service checks values against the rules and names the field."""

    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), max_length=10, required=False
    )
    rhythm = serializers.ChoiceField(choices=Rhythm.choices, required=False)
    paused_until = serializers.DateField(allow_null=True, required=False)
    min_score = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    # Not trimmed here: the service checks the characters as sent, then strips.
    sectors = serializers.ListField(
        child=_SectorField(max_length=200, trim_whitespace=False), max_length=50, required=False
    )
    countries = serializers.ListField(child=serializers.CharField(max_length=2), max_length=50, required=False)


class PreferenceOutputSerializer(serializers.ModelSerializer[AlertPreference]):
    # The defaults of a volunteer who never changed them are not stored yet.
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="null until the preferences are first changed"
    )

    class Meta:
        model = AlertPreference
        fields = ("channels", "rhythm", "paused_until", "min_score", "sectors", "countries", "updated_at")
        read_only_fields = fields


class InboxMessageSerializer(serializers.ModelSerializer[InboxMessage]):
    read = serializers.SerializerMethodField()

    class Meta:
        model = InboxMessage
        fields = ("id", "title", "body", "url", "created_at", "read_at", "read")
        read_only_fields = fields

    def get_read(self, message: InboxMessage) -> bool:
        return message.read_at is not None


class UnreadCountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    marked = serializers.IntegerField()
