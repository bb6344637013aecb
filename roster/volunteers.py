"""Import of volunteer rosters: validate each record with the model's rules, then upsert."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from roster.formats import VOLUNTEER_FIELDS
from roster.importing import (
    ImportReport,
    Outcome,
    Progress,
    external_id_of,
    field_default,
    roster_errors,
    run_import,
)
from volunteers.models import Volunteer
from volunteers.services import volunteer_import_create, volunteer_roster_update

# The constraints whose errors Django files under __all__, and the field each is about.
_CONSTRAINT_FIELDS = {
    "volunteers_volunteer_email_ci_unique": "email",
    "volunteers_volunteer_availability_ordered": "available_until",
    "volunteers_volunteer_years_at_most_60": "years_experience",
}


def volunteers_import(
    *,
    data: bytes,
    filename: str,
    atomic: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a volunteer roster (JSON Lines or CSV, from the file name) and report each line.

    New profiles are recorded as imported, unclaimed, with matching consent
    on the programme's recorded basis and no alerts until their owner claims
    them; an existing profile (same ``external_id``) has its roster fields
    replaced and its consents left as its owner set them.
    """
    return run_import(
        data,
        filename=filename,
        fields=VOLUNTEER_FIELDS,
        make_upsert=lambda: lambda values: volunteer_upsert(values=values),
        atomic=atomic,
        dry_run=dry_run,
        progress=progress,
    )


def volunteer_upsert(*, values: dict[str, Any]) -> Outcome:
    """Create or update one volunteer from a record; raises ValidationError naming the field.

    The record is checked here field by field in the roster's terms; the write
    is the volunteers app's (the same consents, address and rescoring rules as
    every other path).
    """
    external_id = external_id_of(values)
    existing = Volunteer.objects.select_for_update().filter(external_id=external_id).first()
    if existing is not None and existing.erased_at is not None:
        # The person asked to be forgotten; a re-import must not bring them back.
        raise ValidationError({"external_id": ["belongs to an erased profile and cannot be imported again"]})
    checked = existing or Volunteer()
    before = _roster_values(checked) if existing is not None else None
    for name in VOLUNTEER_FIELDS:
        setattr(checked, name, values[name] if name in values else field_default(Volunteer, name))
    errors = roster_errors(checked, given=values.keys(), constraint_fields=_CONSTRAINT_FIELDS)
    if errors:
        raise ValidationError(errors)
    after = _roster_values(checked)
    if after == before:
        return Outcome.UNCHANGED
    data = {name: value for name, value in after.items() if name != "external_id"}
    if existing is None:
        volunteer_import_create(external_id=external_id, data=data)
        return Outcome.CREATED
    volunteer_roster_update(volunteer=existing, data=data)
    return Outcome.UPDATED


def _roster_values(volunteer: Volunteer) -> dict[str, Any]:
    return {name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS}
