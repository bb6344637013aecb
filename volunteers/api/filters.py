from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from config.filters import IntegerFilter, country_filter, language_filter
from core import vocabulary
from volunteers.models import Volunteer

_EDUCATION = [(level, level) for level in vocabulary.EDUCATION_LEVELS]


class VolunteerFilter(django_filters.FilterSet):
    residence_country = country_filter()
    language = language_filter(method="filter_language")
    education = django_filters.ChoiceFilter(choices=_EDUCATION)
    min_education = django_filters.ChoiceFilter(choices=_EDUCATION, method="filter_min_education")
    min_years = IntegerFilter(field_name="years_experience", lookup_expr="gte", min_value=0, max_value=60)

    class Meta:
        model = Volunteer
        fields = ("residence_country", "language", "education", "min_education", "min_years")

    def filter_language(self, queryset: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        return queryset.filter(languages__has_key=value)

    def filter_min_education(self, queryset: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        at_or_above = vocabulary.EDUCATION_LEVELS[vocabulary.EDUCATION_LEVELS.index(value) :]
        return queryset.filter(education__in=at_or_above)
