"""Writes on volunteer profiles: create, update, consent, claim, confirmed address."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import user_email_verified
from accounts.services import account_mail_after_commit, email_clean, invitation_url, require_staff
from core.outbox import rescore_volunteer_requested
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

# Fields a volunteer edits on their own profile. The email is the account's
# (confirmed at sign-up) and the external id is the roster's key: neither is
# edited here.
PROFILE_FIELDS: tuple[str, ...] = (
    "full_name",
    "headline",
    "summary",
    "skills",
    "languages",
    "education",
    "years_experience",
    "residence_country",
    "heritage_countries",
    "available_from",
    "available_until",
    "on_site_ok",
    "gender",
)


# Fields a programme's roster sets on a profile (../shared/roster-format.md);
# the external id is the key the roster finds the profile by.
ROSTER_FIELDS: tuple[str, ...] = (*PROFILE_FIELDS, "email")


def _new_profile(**fields: Any) -> Volunteer:
    """A profile as every path creates one: matching consented now, alerts off until the owner turns them on."""
    now = timezone.now()
    return Volunteer(matching_consent=True, matching_consent_at=now, alerts_consent=False, **fields)


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...] = PROFILE_FIELDS) -> None:
    unknown = sorted(set(data).difference(allowed))
    if unknown:
        raise ValidationError({key: ["unknown or read-only field"] for key in unknown})


def _email_taken(*, email: str, exclude_pk: int | None) -> bool:
    taken = Volunteer.objects.filter(email__iexact=email, erased_at__isnull=True)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def _save(volunteer: Volunteer) -> None:
    # Field rules, the model's clean() (date order) and uniqueness; the check
    # constraints restate those same rules, and would report them without the
    # field name, so they are left to the database as a last line.
    volunteer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:
        # A concurrent sign-up with the same address won the race.
        raise ValidationError({"email": ["A volunteer with this email already exists."]}) from exc


@transaction.atomic
def volunteer_profile_create(*, user: User, data: dict[str, Any]) -> Volunteer:
    """Create the signed-in volunteer's profile, with their account's email.

    Consent to matching is recorded as given now (the sign-up form asks it);
    alerts stay off until the volunteer turns them on.
    """
    _check_fields(data)
    if Volunteer.objects.filter(user=user).exists():
        raise ValidationError({"profile": ["You already have a profile; update it instead."]})
    if _email_taken(email=user.email, exclude_pk=None):
        raise ValidationError({"email": ["A volunteer with this email already exists."]})
    now = timezone.now()
    # The account's address was confirmed at sign-up; the profile inherits that
    # proof, so alerts can reach this person once they turn them on.
    confirmed_at = now if user_email_verified(user=user, email=user.email) else None
    volunteer = _new_profile(user=user, email=user.email, email_confirmed_at=confirmed_at, **data)
    _save(volunteer)
    _match_requested(volunteer)
    return volunteer


# What an optional field becomes when a full replacement (PUT) leaves it out.
OPTIONAL_DEFAULTS: dict[str, Any] = {
    "headline": "",
    "summary": "",
    "skills": [],
    "heritage_countries": [],
    "available_from": None,
    "available_until": None,
    "on_site_ok": True,
    "gender": "",
}


@transaction.atomic
def volunteer_profile_update(*, volunteer: Volunteer, data: dict[str, Any], replace: bool = False) -> Volunteer:
    """Change fields of a profile (or, with ``replace``, all of them); it is then rescored."""
    _check_fields(data)
    if replace:
        data = {**OPTIONAL_DEFAULTS, **data}
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    _save(locked)
    _match_requested(locked)
    return locked


@transaction.atomic
def volunteer_import_create(*, external_id: str, data: dict[str, Any]) -> Volunteer:
    """Create a profile from a programme's roster: unclaimed (no account), address unconfirmed.

    Consents are those of every new profile (``_new_profile``); the roster
    records the programme's basis for matching, and alerts wait for the owner.
    """
    _check_fields(data, ROSTER_FIELDS)
    volunteer = _new_profile(external_id=external_id, source="import", user=None, email_confirmed_at=None, **data)
    _save(volunteer)
    _match_requested(volunteer)
    return volunteer


@transaction.atomic
def volunteer_roster_update(*, volunteer: Volunteer, data: dict[str, Any]) -> Volunteer:
    """Replace a profile's roster fields (an import, or staff in the admin); consents stay as their owner set them.

    A new address is unconfirmed: alerts go only to an address its owner proved.
    An erased profile is never brought back.
    """
    _check_fields(data, ROSTER_FIELDS)
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if locked.erased_at is not None:
        raise ValidationError({"external_id": ["belongs to an erased profile and cannot be imported again"]})
    old_email = locked.email
    for field, value in data.items():
        setattr(locked, field, value)
    if locked.email.lower() != old_email.lower():
        locked.email_confirmed_at = None
    _save(locked)
    _match_requested(locked)
    return locked


@transaction.atomic
def volunteer_consents_set(
    *, volunteer: Volunteer, matching: bool | None = None, alerts: bool | None = None
) -> Volunteer:
    """Give or withdraw consent to matching and to alerts, each with its time.

    Withdrawing takes the same one call as giving. A value that does not
    change keeps the time it was last changed.
    """
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    now = timezone.now()
    changed: list[str] = []
    if matching is not None and matching != locked.matching_consent:
        locked.matching_consent, locked.matching_consent_at = matching, now
        changed += ["matching_consent", "matching_consent_at"]
    if alerts is not None and alerts != locked.alerts_consent:
        locked.alerts_consent, locked.alerts_consent_at = alerts, now
        changed += ["alerts_consent", "alerts_consent_at"]
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if "matching_consent" in changed:
        # Given: score the profile; withdrawn: matching drops it from its lists.
        _match_requested(locked)
    return locked


def _match_requested(volunteer: Volunteer) -> None:
    rescore_volunteer_requested(volunteer_id=volunteer.pk)


# --- The person behind a profile: claiming it, confirming its address -----------


@transaction.atomic
def volunteer_send_claim_invitation(*, volunteer: Volunteer, sent_by: User) -> User:
    """Invite the person behind an imported profile to claim it.

    Creates an account for the profile's address (no password yet), links it,
    and mails a link to set a password. Sending again while the password is
    still unset re-sends the link; a claimed or erased profile is refused.
    """
    require_staff(sent_by, action="send claim invitations")
    locked = Volunteer.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer.pk)
    if locked.erased_at is not None:
        raise ValidationError({"volunteer": ["this profile was erased"]})
    user = locked.user
    if user is not None and user.has_usable_password():
        raise ValidationError({"volunteer": ["this profile is already claimed"]})
    if user is None:
        email = email_clean(locked.email)
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": ["an account with this address already exists; its owner should sign in instead"]}
            )
        user = User.objects.create_user(
            email=email, password=None, role=User.Role.VOLUNTEER, full_name=locked.full_name
        )
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
    context = {"user": user, "volunteer": locked, "invitation_url": invitation_url(user=user)}
    account_mail_after_commit(template="claim_invitation", to=user.email, context=context)
    logger.info("claim invitation for volunteer %s sent by %s", locked.pk, sent_by.pk)
    return user


def volunteer_email_confirmed(*, user: User, email: str) -> None:
    """Refresh the profile's ``email_confirmed_at`` after ``user`` confirmed ``email``.

    When the confirmed address has become the account's address (an email
    change), the profile follows it, so alerts go where the owner now reads.
    An address held by another live profile is left alone rather than merged.
    """
    profile = Volunteer.objects.select_for_update().filter(user=user, erased_at__isnull=True).first()
    if profile is None:
        return
    fields = ["email_confirmed_at", "updated_at"]
    if profile.email.lower() != email.lower():
        if email.lower() != (user.email or "").lower():
            return
        taken = Volunteer.objects.filter(email__iexact=email, erased_at__isnull=True).exclude(pk=profile.pk).exists()
        if taken:
            logger.warning("profile %s keeps its address: %s belongs to another profile", profile.pk, email)
            return
        profile.email = email
        fields.append("email")
    profile.email_confirmed_at = timezone.now()
    profile.save(update_fields=fields)
