from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.engine.model import BANDS, NO_EVIDENCE
from matching.explain import Explanation, band_of
from matching.models import MatchResult, MatchRun
from matching.selectors import candidate_contact, candidate_withdrew

BAND_FIELD = serializers.ChoiceField(
    choices=[*BANDS, NO_EVIDENCE],
    help_text=(
        "How strong the evidence is that the person does this work, from the score: 'strong' (most pairs "
        "scoring this high were graded 3 by the rules a manager grades by: does this very job; and at least "
        "one of the vacancy's skills in the person's own words, in matched_skills), 'good' (mostly graded 2 "
        "or 3), 'partial' (above the floor), 'none' (below the floor: no evidence; listed only with "
        "include=all)."
    ),
)


class ShortlistFilterSerializer(serializers.Serializer):
    min_score = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    include = serializers.ChoiceField(choices=["all"], required=False)
    residence_country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    language = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)


class CandidateContactSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.EmailField()


class ShortlistCandidateSerializer(serializers.ModelSerializer):
    """One candidate with the explanation a manager needs to defend the shortlist.

    Name and email appear only once the person applied to this vacancy, and to a
    manager no longer once they withdrew (staff still see who it was).
    """

    volunteer = serializers.CharField(source="volunteer.external_id")
    headline = serializers.CharField(source="volunteer.headline")
    residence_country = serializers.CharField(source="volunteer.residence_country")
    languages = serializers.JSONField(source="volunteer.languages")
    education = serializers.CharField(source="volunteer.education")
    years_experience = serializers.IntegerField(source="volunteer.years_experience")
    applied = serializers.BooleanField(
        source="has_applied", help_text="whether the person applied to this vacancy, even if they withdrew since"
    )
    withdrawn = serializers.SerializerMethodField(
        help_text="whether the person applied to this vacancy and withdrew since (applied stays true)"
    )
    contact = serializers.SerializerMethodField(
        help_text=(
            "name and email: null unless the person applied to this vacancy, and null to a manager "
            "once they withdrew, as before they applied"
        )
    )
    band = serializers.SerializerMethodField()

    class Meta:
        model = MatchResult
        fields = (
            "volunteer",
            "score",
            "band",
            "headline",
            "residence_country",
            "languages",
            "education",
            "years_experience",
            "reasons",
            "parts",
            "matched_skills",
            "missing_skills",
            "applied",
            "withdrawn",
            "contact",
            "computed_at",
        )

    def get_withdrawn(self, obj: MatchResult) -> bool:
        return candidate_withdrew(obj)

    @extend_schema_field(CandidateContactSerializer(allow_null=True))
    def get_contact(self, obj: MatchResult) -> dict[str, str] | None:
        request = self.context.get("request")
        contact = candidate_contact(obj, user=getattr(request, "user", None))
        return None if contact is None else {"full_name": contact.full_name, "email": contact.email}

    @extend_schema_field(BAND_FIELD)
    def get_band(self, obj: MatchResult) -> str:
        return band_of(obj.score, obj.matched_skills)


class ExplanationSerializer(serializers.Serializer):
    volunteer = serializers.CharField()
    eligible = serializers.BooleanField()
    failed_rules = serializers.ListField(child=serializers.CharField())
    on_shortlist = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField()
    band = serializers.SerializerMethodField()
    lowest_shortlisted_score = serializers.FloatField(allow_null=True)
    floor = serializers.FloatField(
        help_text="Below this score a candidate shows no evidence of doing the work "
        "and is left off the shortlist by default."
    )
    parts = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField())
    matched_skills = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    missing_skills = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(BAND_FIELD)
    def get_band(self, obj: Explanation) -> str:
        return band_of(obj.score, obj.matched_skills)


class VolunteerMatchSerializer(serializers.ModelSerializer):
    vacancy = serializers.CharField(source="vacancy.external_id")
    title = serializers.CharField(source="vacancy.title")
    host_institution = serializers.CharField(source="vacancy.host_institution.name")
    country = serializers.CharField(source="vacancy.country")
    location = serializers.CharField(source="vacancy.location")
    start_date = serializers.DateField(source="vacancy.start_date")
    end_date = serializers.DateField(source="vacancy.end_date")
    band = serializers.SerializerMethodField()

    class Meta:
        model = MatchResult
        fields = (
            "vacancy",
            "title",
            "host_institution",
            "country",
            "location",
            "start_date",
            "end_date",
            "score",
            "band",
            "reasons",
            "matched_skills",
            "missing_skills",
        )

    @extend_schema_field(BAND_FIELD)
    def get_band(self, obj: MatchResult) -> str:
        return band_of(obj.score, obj.matched_skills)


class MatchRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchRun
        fields = (
            "id",
            "status",
            "engine_version",
            "chunks_total",
            "scored",
            "stored",
            "started_at",
            "finished_at",
            "duration_ms",
        )
