"""Input and output shapes of the roster API."""

from __future__ import annotations

from rest_framework import serializers

from roster.formats import FORMATS


class ImportUploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(help_text="A .jsonl or .csv file in the roster format, UTF-8.")
    atomic = serializers.BooleanField(default=False, help_text="One rejected line imports nothing.")
    dry_run = serializers.BooleanField(default=False, help_text="Validate and report; write nothing.")


class RejectionSerializer(serializers.Serializer[None]):
    line = serializers.IntegerField(help_text="Line of the file (0: the file as a whole).")
    field = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer[None]):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = RejectionSerializer(many=True)
    written = serializers.BooleanField(help_text="False after a dry run, or when atomic and a line was rejected.")
    # Only describes the response; the metaclass takes it out of the class, so Serializer.errors is untouched.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 400 only: the rejections in the API's error shape, by field.",
    )


class ImportRefusedSerializer(serializers.Serializer[None]):
    """What a 400 answers: always the error shape; the report beside it once the file could be read."""

    # Only describes the response, as on ImportReportSerializer: Serializer.errors is untouched.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), help_text="By field, as every API error."
    )
    created = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    unchanged = serializers.IntegerField(required=False)
    rejected = RejectionSerializer(many=True, required=False)
    written = serializers.BooleanField(required=False)


class ExportQuerySerializer(serializers.Serializer[None]):
    format = serializers.ChoiceField(choices=FORMATS, default="jsonl")
