"""Reads for roster export."""

from __future__ import annotations

from django.db.models import QuerySet

from assignments.models import Programme, Vacancy
from volunteers.models import Volunteer


def volunteers_for_export() -> QuerySet[Volunteer]:
    """Every profile still on the roster; erased ones are gone for good."""
    return Volunteer.objects.filter(erased_at__isnull=True).order_by("external_id")


def vacancies_for_export(*, programme: Programme | None = None) -> QuerySet[Vacancy]:
    """Vacancies with their host institution, of one programme or of all."""
    vacancies = Vacancy.objects.select_related("host_institution").order_by("external_id")
    return vacancies.filter(programme=programme) if programme is not None else vacancies
