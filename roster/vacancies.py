"""Import of a programme's vacancies: validate each record with the model's rules, then upsert."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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
    """Create or update one of a programme's vacancies from a record; raises ValidationError naming the field.

    The record is checked here field by field in the roster's terms; the writes
    are the assignments app's services, so host institutions, the status
    transitions (a draft is opened with ``vacancy_set_status``) and the request
    for a ranking follow the same rules as the API's.
    """
    external_id = external_id_of(values)
    existing = (
        Vacancy.objects.select_for_update().select_related("host_institution").filter(external_id=external_id).first()
    )
    if existing is not None and existing.programme_id != programme.pk:
        raise ValidationError({"external_id": ["belongs to a vacancy of another programme"]})
    checked = existing or Vacancy(programme=programme)
    before = _roster_values(checked, checked.host_institution.name) if existing is not None else None
    for name in _MODEL_FIELDS:
        setattr(checked, name, values[name] if name in values else field_default(Vacancy, name))
    host_name = values.get("host_institution", "")
    errors = roster_errors(
        checked, given=values.keys(), exclude={"host_institution"}, constraint_fields=_CONSTRAINT_FIELDS
    )
    errors.update(_host_errors(host_name, checked.country))
    if errors:
        raise ValidationError(errors)

    # A roster import is the programme publishing: a new vacancy or a draft is opened.
    publish = existing is None or existing.status == Vacancy.Status.DRAFT
    after = _roster_values(checked, host_name)
    if after == before and not publish:
        return Outcome.UNCHANGED
    data = {name: value for name, value in after.items() if name not in ("external_id", "host_institution")}
    if existing is None:
        vacancy = assignment_services.vacancy_create(
            programme=programme, host_institution=host_name, actor=actor, data=data, external_id=external_id
        )
    else:
        vacancy = assignment_services.vacancy_update(
            vacancy=existing, actor=actor, data=data, host_institution=host_name
        )
    if publish:
        assignment_services.vacancy_set_status(vacancy=vacancy, status=Vacancy.Status.OPEN, actor=actor)
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
