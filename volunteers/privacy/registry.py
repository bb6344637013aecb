"""Every model that points at a person, and what export and erasure do with it.

A relation is a (model label, field name) pair whose field is a ForeignKey,
OneToOneField or ManyToManyField to the user model, to ``Volunteer``, or to
``Application`` (one level further, because an application's history is about
its volunteer). ``tests/privacy`` walks the installed models and fails while a
relation is missing here, so a new model holding personal data cannot ship
without a decision on how it is exported and erased. ``JSON_REFERENCES`` (at the
end) lists the rows that name a profile by id inside JSON instead; erasure scrubs
those too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import QuerySet

Row = dict[str, Any]
Exporter = Callable[[QuerySet[Any]], list[Row]]
Eraser = Callable[[QuerySet[Any], "models.Field[Any, Any]", Any], None]


def as_json(value: Any) -> Any:
    """Round-trip through JSON so dates, decimals and UUIDs become plain strings."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def row(obj: models.Model, *, exclude: Iterable[str] = ()) -> Row:
    """Every concrete field of ``obj`` except ``exclude``, by attribute name (``vacancy_id``)."""
    skip = set(exclude)
    return as_json(
        {
            field.attname: getattr(obj, field.attname)
            for field in obj._meta.concrete_fields
            if field.name not in skip and field.attname not in skip
        }
    )


def rows(*, exclude: Iterable[str] = ()) -> Exporter:
    """Export each row with every field but ``exclude`` (secrets, the pointer back to the user)."""
    excluded = tuple(exclude)
    return lambda qs: [row(obj, exclude=excluded) for obj in qs.order_by("pk")]


def only(*fields: str) -> Exporter:
    """Export only ``fields``: for rows that are mostly someone else's data (a vacancy)."""
    return lambda qs: as_json(list(qs.order_by("pk").values(*fields)))


def delete(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    qs.delete()


def set_null(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    qs.update(**{field.name: None})


def unlink_m2m(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    through = field.remote_field.through  # type: ignore[union-attr]
    through.objects.filter(**{field.m2m_reverse_field_name(): target}).delete()  # type: ignore[attr-defined]


def keep(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    """Leave the rows: they point at an account that is itself anonymised."""


@dataclass(frozen=True)
class Relation:
    key: str
    export: Exporter | None
    erase: Eraser
    why: str


def _export_profile(qs: QuerySet[Any]) -> list[Row]:
    return [row(p, exclude=("user",)) for p in qs]


def _export_applications(qs: QuerySet[Any]) -> list[Row]:
    out = []
    for application in qs.select_related("vacancy").prefetch_related("events").order_by("pk"):
        data = row(application, exclude=("volunteer",))
        data["vacancy"] = as_json({"external_id": application.vacancy.external_id, "title": application.vacancy.title})
        # Who moved an application (a manager) is not the volunteer's data.
        data["history"] = [row(event, exclude=("application", "actor")) for event in application.events.all()]
        out.append(data)
    return out


def _erase_profile(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    from volunteers.privacy.anonymise import volunteer_anonymise

    for profile in qs.select_for_update():
        volunteer_anonymise(volunteer=profile)


def _erase_applications(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    # The row stays for anonymous statistics (how many applied, how far they got).
    qs.update(volunteer=None, motivation="")


def _erase_application_notes(qs: QuerySet[Any], field: models.Field[Any, Any], target: Any) -> None:
    # Notes are free text about the person; statuses and times are statistics.
    qs.update(note="")


REGISTRY: dict[tuple[str, str], Relation] = {
    ("volunteers.Volunteer", "user"): Relation(
        "volunteer_profile", _export_profile, _erase_profile, "the profile: blanked, unlinked, erased_at set"
    ),
    ("assignments.Application", "volunteer"): Relation(
        "applications", _export_applications, _erase_applications, "kept anonymous for statistics"
    ),
    ("assignments.ApplicationEvent", "application"): Relation(
        "application_history", None, _erase_application_notes, "exported inside applications; notes cleared"
    ),
    ("assignments.ApplicationEvent", "actor"): Relation(
        "application_steps_taken",
        only("id", "application_id", "from_status", "to_status", "at"),
        set_null,
        "steps this person took (a manager's decisions); notes are about others, so not exported",
    ),
    ("assignments.Programme", "managers"): Relation(
        "managed_programmes", only("id", "slug", "name"), unlink_m2m, "the person stops managing them"
    ),
    ("assignments.Vacancy", "created_by"): Relation(
        "vacancies_created", only("id", "external_id", "title", "created_at"), set_null, "the vacancy stays"
    ),
    ("assignments.Vacancy", "status_changed_by"): Relation(
        "vacancy_status_changes",
        only("id", "external_id", "title", "status", "status_changed_at"),
        set_null,
        "the vacancy stays",
    ),
    ("matching.MatchResult", "volunteer"): Relation(
        "match_results", rows(exclude=("volunteer",)), delete, "rankings of this person are deleted"
    ),
    ("matching.MatchOutcome", "volunteer"): Relation(
        "match_outcomes", rows(exclude=("volunteer",)), delete, "what came of their matches, graded for learning"
    ),
    ("alerts.AlertPreference", "volunteer"): Relation(
        "alert_preferences", rows(exclude=("volunteer",)), delete, "how the person wanted alerts"
    ),
    ("alerts.Alert", "volunteer"): Relation(
        "alerts_received",
        rows(exclude=("volunteer", "claim_token")),
        delete,
        "alerts sent to the person; the link in each stops working",
    ),
    ("alerts.Alert", "user"): Relation(
        "alerts_received_as_manager",
        only("id", "kind", "channel", "status", "vacancy_id", "created_at", "sent_at"),
        delete,
        "a manager's notices; their context names applicants, so it is not exported",
    ),
    ("alerts.Alert", "application"): Relation(
        "alerts_about_applications",
        None,
        delete,
        "managers' reminders about the person's applications go with them (the volunteer's own are exported above)",
    ),
    ("alerts.InboxMessage", "user"): Relation("inbox", rows(exclude=("user",)), delete, "the person's in-app messages"),
    ("account.EmailAddress", "user"): Relation(
        "email_addresses", only("email", "verified", "primary"), delete, "allauth's addresses"
    ),
    ("authtoken.Token", "user"): Relation(
        "legacy_api_tokens", rows(exclude=("key", "user")), delete, "DRF's tokens, carried to accounts.ApiToken"
    ),
    ("accounts.ApiToken", "user"): Relation(
        "api_tokens",
        rows(exclude=("key_digest", "password_fingerprint", "user")),
        delete,
        "only a digest of each key is stored, and not exported",
    ),
    ("admin.LogEntry", "user"): Relation(
        "admin_actions",
        rows(exclude=("user",)),
        keep,
        "staff audit trail; it points at the anonymised account, reprs of erased objects are scrubbed",
    ),
}


# Rows that name a profile by id inside JSON, with no foreign key for the
# registry above to follow (and so no test walk to find them): erasure runs
# each scrubber with the model and the profile's primary key.
Scrubber = Callable[[type[models.Model], int], None]


def _drop_from_chunks(model: type[models.Model], volunteer_id: int) -> None:
    # A run's chunks hold their best candidates as JSON (score, parts, reasons
    # quoting the person's own skill phrases) until the merge, and a run that
    # never merges (its worker died) keeps them. The person's entries go; a run
    # still working then merges without them, as it would have anyway.
    chunks = model._default_manager.select_for_update()
    if connection.features.supports_json_field_contains:  # PostgreSQL: only the chunks naming them
        chunks = chunks.filter(candidates__contains=[{"volunteer_id": volunteer_id}])
    for pk, candidates in chunks.values_list("pk", "candidates"):
        kept = [c for c in candidates if c.get("volunteer_id") != volunteer_id]
        if len(kept) != len(candidates):
            model._default_manager.filter(pk=pk).update(candidates=kept)


JSON_REFERENCES: dict[str, tuple[Scrubber, str]] = {
    "matching.MatchRunChunk": (
        _drop_from_chunks,
        "a ranking's chunks waiting for their merge: the person's entries are dropped",
    ),
}


def _drop_all(model: type[models.Model], volunteer_id: int) -> None:
    model._default_manager.all().delete()


# Rows fitted on every profile's words together, naming no one: corpus statistics,
# whose vocabulary holds each word someone wrote, so a word only the person wrote
# (a colleague's name in a summary, a ward's name) too. Erasure drops them whole;
# what needs them fits them again on the roster without the person.
STATISTICS: dict[str, tuple[Scrubber, str]] = {
    "matching.MatchingVocabulary": (
        _drop_all,
        "the partitioned roster's shared word statistics: dropped, and fitted again without the person"
        " when a partition is next ranked",
    ),
}
