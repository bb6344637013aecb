from __future__ import annotations

from rest_framework import serializers

from config.serializers import StrictModelSerializer, StrictSerializer
from core import validators as v
from core import vocabulary
from volunteers.models import Volunteer
from volunteers.services import PROFILE_FIELDS

# The roster format's volunteer fields: the ones a volunteer edits, plus the
# roster key and the account's (confirmed) address, which they do not.
ROSTER_FIELDS = ("external_id", "email", *PROFILE_FIELDS)
CONSENT_FIELDS = ("matching_consent", "matching_consent_at", "alerts_consent", "alerts_consent_at")


def _gender_output() -> serializers.ChoiceField:
    # Declared, not generated: DRF drops allow_blank from read-only model fields,
    # so the schema left out "" (not given), the value most profiles have.
    return serializers.ChoiceField(choices=[(g, g) for g in vocabulary.GENDERS], allow_blank=True, read_only=True)


class ProfileInputSerializer(StrictModelSerializer):
    """What a volunteer writes on their own profile (the roster fields but email and id)."""

    # The model's validators, repeated here so the schema states them (config.schema.VALIDATOR_SCHEMAS).
    skills = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=100, required=False, validators=[v.validate_skill_list]
    )
    languages = serializers.DictField(
        child=serializers.CharField(max_length=32), allow_empty=True, validators=[v.validate_languages]
    )
    heritage_countries = serializers.ListField(
        child=serializers.CharField(max_length=2), max_length=250, required=False, validators=[v.validate_country_list]
    )

    class Meta:
        model = Volunteer
        fields = PROFILE_FIELDS


class ProfileOutputSerializer(serializers.ModelSerializer[Volunteer]):
    gender = _gender_output()

    class Meta:
        model = Volunteer
        fields = (*ROSTER_FIELDS, *CONSENT_FIELDS, "email_confirmed_at", "source", "created_at", "updated_at")
        read_only_fields = fields


class ConsentInputSerializer(StrictSerializer):
    min_fields = 1  # documented as minProperties (config.schema)
    matching = serializers.BooleanField(required=False)
    alerts = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, bool]) -> dict[str, bool]:
        if not attrs:
            raise serializers.ValidationError({"matching": ["give matching, alerts or both"]})
        return attrs


class ConsentOutputSerializer(serializers.ModelSerializer[Volunteer]):
    class Meta:
        model = Volunteer
        fields = CONSENT_FIELDS
        read_only_fields = fields


class VolunteerManagerOutputSerializer(serializers.ModelSerializer[Volunteer]):
    """A profile as a programme manager sees an applicant: contact details, never gender."""

    class Meta:
        model = Volunteer
        fields = tuple(f for f in ROSTER_FIELDS if f != "gender")
        read_only_fields = fields


class VolunteerStaffOutputSerializer(serializers.ModelSerializer[Volunteer]):
    gender = _gender_output()

    class Meta:
        model = Volunteer
        fields = (*ROSTER_FIELDS, *CONSENT_FIELDS, "source", "created_at", "updated_at")
        read_only_fields = fields
