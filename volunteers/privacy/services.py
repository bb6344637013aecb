"""Subject access and erasure: everything we hold about a person, out or gone.

Both walk ``REGISTRY`` (see registry.py), so they cover every model that
points at the user, their profile or their applications, including models
added by apps built later once they register.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from volunteers.models import Volunteer
from volunteers.privacy.anonymise import volunteer_anonymise
from volunteers.privacy.registry import JSON_REFERENCES, REGISTRY, STATISTICS, Relation, as_json, row

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "diaspora-match-export/1"


def _targets(*, user: User | None, volunteer: Volunteer | None = None) -> dict[type[models.Model], Any]:
    if user is not None:
        volunteer = Volunteer.objects.filter(user=user).first()
    # Applications live in an app above this one; like every model in the
    # registry they are reached by label, so erasure covers them without
    # volunteers importing assignments.
    application = apps.get_model("assignments", "Application")
    application_ids = (
        list(application._default_manager.filter(volunteer=volunteer).values_list("pk", flat=True)) if volunteer else []
    )
    return {User: user, Volunteer: volunteer, application: application_ids}


def _relations(
    *, user: User | None, volunteer: Volunteer | None = None
) -> list[tuple[Relation, QuerySet[Any], models.Field[Any, Any], Any]]:
    # Querysets are built from ids taken before anything changes, so erasing
    # one relation (say, unlinking applications) cannot hide another's rows.
    targets = _targets(user=user, volunteer=volunteer)
    out = []
    for (label, field_name), relation in REGISTRY.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an optional app that is not installed
        field = model._meta.get_field(field_name)
        target = targets[field.related_model]
        if target is None:
            continue
        lookup = f"{field_name}__in" if isinstance(target, list) else field_name
        out.append((relation, model._default_manager.filter(**{lookup: target}), field, target))
    return out


def _sign_in_records(*, email: str) -> dict[str, list[dict[str, Any]]]:
    # django-axes stores attempts by the submitted address, not by foreign key.
    fields = ("user_agent", "ip_address", "username", "path_info", "attempt_time")
    return {
        "failed_attempts": as_json(list(AccessAttempt.objects.filter(username__iexact=email).values(*fields))),
        "failure_log": as_json(list(AccessFailureLog.objects.filter(username__iexact=email).values(*fields))),
        "sign_ins": as_json(list(AccessLog.objects.filter(username__iexact=email).values(*fields, "logout_time"))),
    }


def volunteer_export_data(*, user: User) -> dict[str, Any]:
    """All personal data held about ``user`` as one JSON-serialisable dict."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": as_json(timezone.now()),
        "account": row(user, exclude=("password",)),
    }
    for relation, qs, _field, _target in _relations(user=user):
        if relation.export is not None:
            data[relation.key] = relation.export(qs)
    data["sign_in_records"] = _sign_in_records(email=user.email)
    return data


def _scrub_admin_log(*, model: type[models.Model], pks: list[Any]) -> None:
    # The admin log keeps the repr of every object staff edited (a profile's
    # repr is the name, an allauth address's is the address itself) and
    # outlives the object: the name of an erased person must not survive there.
    if pks:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
            object_id__in=[str(pk) for pk in pks],
        ).update(object_repr="[erased]", change_message="")


def _forget_sign_in_records(*, email: str) -> None:
    AccessFailureLog.objects.filter(username__iexact=email).delete()
    AccessLog.objects.filter(username__iexact=email).delete()
    attempts = AccessAttempt.objects.filter(username__iexact=email)
    AccessAttemptExpiration.objects.filter(access_attempt__in=attempts).delete()
    # Deleted without axes' post_delete signal: the cache handler (used with
    # Redis) does not implement it and would fail on rows left from a period
    # on the database handler. Its own counts are hashed keys in the cache
    # that expire with the cool-off.
    attempts._raw_delete(attempts.db)


def _erase_relations(relations: list[tuple[Relation, QuerySet[Any], models.Field[Any, Any], Any]]) -> None:
    for relation, qs, field, target in relations:
        # Every row the registry deletes or blanks may have been edited by staff.
        _scrub_admin_log(model=qs.model, pks=list(qs.values_list("pk", flat=True)))
        relation.erase(qs, field, target)


def _scrub_rows_without_a_key(*, volunteer_id: int | None) -> None:
    # Rows that hold the person with no foreign key for the registry to follow: rows
    # that name the profile inside JSON, and statistics fitted on everyone's words.
    if volunteer_id is None:
        return
    for label, (scrub, _why) in (*JSON_REFERENCES.items(), *STATISTICS.items()):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an optional app that is not installed
        scrub(model, volunteer_id)


@transaction.atomic
def volunteer_erase(*, volunteer: Volunteer) -> None:
    """Erase a profile: through its account when it has one (``user_erase``), else the profile alone.

    A profile imported from a roster and never claimed has no account; its
    profile, applications, rankings and alerts go the same way as an account
    holder's. Running it twice is harmless.
    """
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if locked.user_id is not None:
        user_erase(user=locked.user)  # type: ignore[arg-type]
        return
    old_email = locked.email
    _erase_relations(_relations(user=None, volunteer=locked))
    _scrub_rows_without_a_key(volunteer_id=locked.pk)
    volunteer_anonymise(volunteer=locked)
    _scrub_admin_log(model=Volunteer, pks=[locked.pk])
    _forget_sign_in_records(email=old_email)
    logger.info("volunteer %s erased", locked.pk)


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Remove or anonymise every piece of personal data about ``user``.

    The account stays as a deactivated, anonymous row (other rows point at it
    for statistics and audit); it can no longer sign in, and every session and
    token of it stops working. Running it twice is harmless.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    old_email = locked.email
    # Taken first: erasing the profile unlinks it from the account.
    volunteer_id = Volunteer.objects.filter(user=locked).values_list("pk", flat=True).first()
    _erase_relations(_relations(user=locked))
    _scrub_rows_without_a_key(volunteer_id=volunteer_id)
    _scrub_admin_log(model=User, pks=[locked.pk])
    _forget_sign_in_records(email=old_email)

    locked.email = f"erased-{locked.pk}@erased.invalid"
    locked.full_name = ""
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.last_login = None
    # A new password hash also ends every session: Django checks it on each request.
    locked.set_unusable_password()
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    logger.info("user %s erased", locked.pk)
