"""Reads for roster export and for the roster API's permission checks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from assignments.models import Programme, Vacancy
from volunteers.models import Volunteer


def volunteers_for_export() -> QuerySet[Volunteer]:
    """Every profile still on the roster; erased ones are gone for good."""
    return Volunteer.objects.filter(erased_at__isnull=True).order_by("external_id")


def vacancies_for_export(*, programme: Programme | None = None) -> QuerySet[Vacancy]:
    """Vacancies with their host institution, of one programme or of all."""
    vacancies = Vacancy.objects.select_related("host_institution").order_by("external_id")
    return vacancies.filter(programme=programme) if programme is not None else vacancies


def user_can_manage_rosters(user: User) -> bool:
    """Staff, or a programme manager of any programme."""
    return bool(user.is_authenticated and (user.is_staff_member or user.is_manager))


def programme_managed_by(*, user: User, slug: str) -> Programme:
    """The programme if ``user`` is staff or one of its managers; Http404 otherwise.

    Another programme's manager gets the same answer as for an unknown slug,
    so the API does not reveal which programmes exist.
    """
    programmes = Programme.objects.all()
    if not user.is_staff_member:
        programmes = programmes.filter(managers=user)
    programme = programmes.filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme.")
    return programme
