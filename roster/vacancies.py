"""Import of a programme's vacancies: validate each record with the model's rules, then upsert."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from assignments import services as assignment_services
from assignments.models import HostInstitution, Programme, Vacancy
from roster.formats import VACANCY_FIELDS
from roster.importing import (
    ImportReport,
    Outcome,
    Progress,
    Upsert,
    external_id_of,
    field_default,
    roster_errors,
    run_import,
)

_CONSTRAINT_FIELDS = {
    "assignments_vacancy_end_after_start": "end_date",
    "assignments_vacancy_positions_positive": "positions",
}
# Vacancy fields stored as such; host_institution is a foreign key built from its name.
_MODEL_FIELDS = tuple(name for name in VACANCY_FIELDS if name != "host_institution")


def vacancies_import(
    *,
    data: bytes,
    filename: str,
    programme_slug: str,
    create_programme: bool = False,
    actor: User | None = None,
    atomic: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a programme's vacancies (JSON Lines or CSV, from the file name) and report each line.

    A roster import is the programme publishing its vacancies: new ones are
    open, drafts are opened, closed or filled ones keep their status. With
    ``create_programme`` an unknown slug becomes a programme with no extra rules.
    """

    def make_upsert() -> Upsert:
        programme = _programme(programme_slug, create=create_programme)
        return lambda values: vacancy_upsert(values=values, programme=programme, actor=actor)

    return run_import(
        data,
        filename=filename,
        fields=VACANCY_FIELDS,
        make_upsert=make_upsert,
        atomic=atomic,
        dry_run=dry_run,
        progress=progress,
    )


def _programme(slug: str, *, create: bool) -> Programme:
    if slug != slugify(slug):
        raise ValidationError({"programme": [f"{slug!r} is not a slug (lower-case letters, digits and hyphens)"]})
    if create:
        programme, _ = Programme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})
        return programme
    try:
        return Programme.objects.get(slug=slug)
    except Programme.DoesNotExist:
        raise ValidationError({"programme": [f"no programme {slug!r}"]}) from None


def vacancy_upsert(*, values: dict[str, Any], programme: Programme, actor: User | None = None) -> Outcome:
    """Create or update one of a programme's vacancies from a record; raises ValidationError naming the field."""
    external_id = external_id_of(values)
    vacancy = (
        Vacancy.objects.select_for_update().select_related("host_institution").filter(external_id=external_id).first()
    )
    if vacancy is None:
        vacancy = Vacancy(programme=programme, created_by=actor)
        before = None
    elif vacancy.programme_id != programme.pk:
        raise ValidationError({"external_id": ["belongs to a vacancy of another programme"]})
    else:
        before = _roster_values(vacancy, vacancy.host_institution.name)

    for name in _MODEL_FIELDS:
        setattr(vacancy, name, values[name] if name in values else field_default(Vacancy, name))
    host_name = values.get("host_institution", "")
    errors = roster_errors(
        vacancy, given=values.keys(), exclude={"host_institution"}, constraint_fields=_CONSTRAINT_FIELDS
    )
    errors.update(_host_errors(host_name, vacancy.country))
    if errors:
        raise ValidationError(errors)

    publish = vacancy.status == Vacancy.Status.DRAFT  # a new vacancy starts as a draft too
    after = _roster_values(vacancy, host_name)
    if after == before and not publish:
        return Outcome.UNCHANGED

    vacancy.host_institution, _ = HostInstitution.objects.get_or_create(name=host_name, country=vacancy.country)
    if publish:
        # Set directly rather than through vacancy_set_status: a new row has no
        # status to move from, and vacancy_changed below queues the ranking.
        vacancy.status = Vacancy.Status.OPEN
        vacancy.status_changed_at = timezone.now()
        vacancy.status_changed_by = actor
    vacancy.save()
    assignment_services.vacancy_changed(vacancy_id=vacancy.pk)
    return Outcome.CREATED if before is None else Outcome.UPDATED


def _host_errors(name: str, country: str) -> dict[str, list[str]]:
    if not name:
        return {"host_institution": ["is required"]}
    host = HostInstitution(name=name, country=country)
    # The country is the vacancy's own field and reported there.
    errors = roster_errors(host, given={"name"}, exclude={"country"})
    messages = [message for name, field_messages in errors.items() if name == "name" for message in field_messages]
    return {"host_institution": messages} if messages else {}


def _roster_values(vacancy: Vacancy, host_name: str) -> dict[str, Any]:
    values = {name: getattr(vacancy, name) for name in _MODEL_FIELDS}
    values["host_institution"] = host_name
    return values
