"""The import loop shared by volunteers and vacancies: transactions, duplicates, the report.

Each record is written in its own savepoint, so a record is either wholly
stored or not at all; savepoints are committed a batch at a time. ``atomic`` and ``dry_run`` wrap the whole run in one
transaction that is rolled back when a line was rejected (atomic) or always
(dry run); a dry run therefore reports exactly what a real run would.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from core.validators import validate_external_id
from roster.formats import FileError, Kind, Record, Rejection, format_of, read_records


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


BATCH_SIZE = 200

Upsert = Callable[[dict[str, Any]], Outcome]
Progress = Callable[[Iterable[Record], int], Iterable[Record]]

# Django's codes for a value that is missing, which a roster reader knows as "required".
_MISSING_CODES = frozenset({"blank", "null", "required"})


@dataclass
class ImportReport:
    """What an import did, line by line; ``written`` is False after a dry run or an atomic rollback."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    written: bool = True
    dry_run: bool = False

    @property
    def rejected_lines(self) -> int:
        return len({rejection.line for rejection in self.rejected})

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"line": r.line, "field": r.field, "reason": r.reason} for r in self.rejected],
            "written": self.written,
        }

    def as_text(self) -> str:
        lines = [
            f"created: {self.created}, updated: {self.updated}, unchanged: {self.unchanged}, "
            f"rejected: {self.rejected_lines}"
        ]
        if self.dry_run:
            lines.append("dry run: nothing was written")
        elif not self.written:
            lines.append("atomic: a line was rejected, so nothing was written")
        lines.extend(str(rejection) for rejection in self.rejected)
        return "\n".join(lines)


def run_import(
    data: bytes,
    *,
    filename: str,
    fields: Mapping[str, Kind],
    make_upsert: Callable[[], Upsert],
    atomic: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a file and upsert each record; never raises for bad input, it reports it.

    ``make_upsert`` runs inside the run's transaction (so whatever it sets up,
    e.g. a programme, is rolled back by a dry run) and returns the function
    that writes one record.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        records = read_records(data, fmt=format_of(filename), fields=fields)
    except FileError as exc:
        report.rejected.append(exc.rejection)
        report.written = False
        return report

    seen: dict[str, int] = {}
    all_or_nothing = atomic or dry_run
    with transaction.atomic() if all_or_nothing else nullcontext():
        try:
            upsert = make_upsert()
        except ValidationError as exc:
            report.rejected.extend(_rejections(0, exc))
            report.written = False
            return report
        lines = progress(records, len(records)) if progress else records
        for batch in itertools.batched(lines, BATCH_SIZE):
            # Otherwise committed a batch at a time: rows are not locked for the whole
            # file, and what follows a commit (the matching relay) runs once a batch.
            with nullcontext() if all_or_nothing else transaction.atomic():
                for record in batch:
                    report.rejected.extend(_import_one(record, upsert, seen, report))
        if dry_run or (atomic and report.rejected):
            transaction.set_rollback(True)
            report.written = False
    return report


def _import_one(record: Record, upsert: Upsert, seen: dict[str, int], report: ImportReport) -> list[Rejection]:
    key = record.values.get("external_id")
    if isinstance(key, str) and key:
        if key in seen:
            return [Rejection(record.line, "external_id", f"{key!r} appears again (first on line {seen[key]})")]
        seen[key] = record.line
    if record.errors:
        return record.errors
    try:
        with transaction.atomic():
            outcome = upsert(record.values)
    except ValidationError as exc:
        return _rejections(record.line, exc)
    except IntegrityError:
        # Only a concurrent writer gets here: validation has already checked the constraints.
        return [Rejection(record.line, "record", "conflicts with a change made at the same time; import again")]
    report.count(outcome)
    return []


def _rejections(line: int, exc: ValidationError) -> list[Rejection]:
    if not hasattr(exc, "error_dict"):
        return [Rejection(line, "record", message) for message in exc.messages]
    return [
        Rejection(line, "record" if name == NON_FIELD_ERRORS else name, message)
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def roster_errors(
    instance: models.Model,
    *,
    given: Collection[str],
    exclude: Collection[str] = (),
    constraint_fields: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """The model's own validation (fields, clean(), uniqueness, constraints), keyed by roster field.

    Constraints are checked one by one so that each error names a field
    (``constraint_fields`` maps a constraint's name to it) rather than landing
    in ``__all__``; a field that already failed is not reported twice.
    """
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        for name, field_errors in exc.error_dict.items():
            for error in field_errors:
                missing = name not in given and error.code in _MISSING_CODES
                errors.setdefault(name, []).extend(["is required"] if missing else error.messages)

    names = constraint_fields or {}
    model = type(instance)
    for constraint in model._meta.constraints:
        target = names.get(constraint.name) or _single_field(constraint) or NON_FIELD_ERRORS
        if target in errors:
            continue
        try:
            constraint.validate(model, instance, exclude={*errors, *exclude})
        except ValidationError as exc:
            errors.setdefault(target, []).extend(exc.messages)
    return errors


def _single_field(constraint: Any) -> str | None:
    fields: Sequence[str] = getattr(constraint, "fields", ())
    return fields[0] if len(fields) == 1 else None


def external_id_of(values: dict[str, Any]) -> str:
    """The record's upsert key, checked before it is used in a query."""
    external_id = values.get("external_id")
    if not external_id:
        raise ValidationError({"external_id": ["is required"]})
    # Checked before the lookup: PostgreSQL refuses a NUL in a query parameter.
    try:
        validate_external_id(external_id)
    except ValidationError as exc:
        raise ValidationError({"external_id": exc.messages}) from None
    return str(external_id)


def field_default(model: type[models.Model], name: str) -> Any:
    """What a model stores for a roster field the record leaves out."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a roster field")
    return model_field.get_default()
