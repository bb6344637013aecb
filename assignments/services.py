"""Writes on vacancies and applications. One function owns each lifecycle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import account_mail_after_commit, email_clean, invitation_url, require_staff
from assignments.models import Application, ApplicationEvent, HostInstitution, Programme, Vacancy
from core.outbox import application_status_note_requested, outcome_requested, rank_vacancy_requested
from core.validators import validate_clean_text
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

S = Application.Status

# The selection pipeline. A manager moves an application forward (or to
# not_selected); only the volunteer withdraws, from any step before deployment.
MANAGER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTEREST: frozenset({S.SHORTLISTED, S.NOT_SELECTED}),
    S.SHORTLISTED: frozenset({S.INTERVIEW, S.SELECTED, S.NOT_SELECTED}),
    S.INTERVIEW: frozenset({S.SELECTED, S.NOT_SELECTED}),
    S.SELECTED: frozenset({S.DEPLOYED, S.NOT_SELECTED}),
    S.DEPLOYED: frozenset({S.COMPLETED}),
    S.NOT_SELECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
WITHDRAWABLE: frozenset[str] = frozenset({S.INTEREST, S.SHORTLISTED, S.INTERVIEW, S.SELECTED})

VACANCY_TRANSITIONS: dict[str, frozenset[str]] = {
    Vacancy.Status.DRAFT: frozenset({Vacancy.Status.OPEN, Vacancy.Status.CLOSED}),
    Vacancy.Status.OPEN: frozenset({Vacancy.Status.CLOSED, Vacancy.Status.FILLED}),
    Vacancy.Status.CLOSED: frozenset({Vacancy.Status.OPEN}),
    Vacancy.Status.FILLED: frozenset(),
}


def _record(application: Application, *, from_status: str, actor: User | None, note: str = "") -> None:
    event = ApplicationEvent.objects.create(
        application=application, from_status=from_status, to_status=application.status, actor=actor, note=note
    )
    # Each step is a judgement of the match: matching records it for learning.
    outcome_requested(application_event_id=event.pk)


MOTIVATION_MAX_LENGTH = 5000

# Whether a volunteer may say they are interested is decided by the roster
# format's hard rules and the programme's own rule: the matching engine's
# check. Matching sits below this app, so it registers that check here when it
# starts (matching/apps.py); the API, the pages and alert links all pass
# through application_express_interest, so the rule is applied once, the same way.
InterestCheck = Callable[[Volunteer, Vacancy], list[str]]
_INTEREST_CHECKS: list[InterestCheck] = []


def interest_check_register(check: InterestCheck) -> None:
    """Add a rule a volunteer must meet to express interest (it returns the failures, in sentences)."""
    if check not in _INTEREST_CHECKS:
        _INTEREST_CHECKS.append(check)


def interest_refusals(*, volunteer: Volunteer, vacancy: Vacancy) -> list[str]:
    """Every rule that excludes this volunteer from this vacancy, each in a sentence; empty when none does."""
    return [reason for check in _INTEREST_CHECKS for reason in check(volunteer, vacancy)]


def motivation_clean(motivation: str) -> str:
    """The motivation as stored: stripped, at most 5,000 characters, no control or bidi-override characters.

    The one check for every way in (API, page, alert link), so none stores what another refuses.
    """
    if not isinstance(motivation, str):
        raise ValidationError({"motivation": ["must be text"]})
    errors: list[str] = []
    try:
        # As sent: strip() would take away U+001C-001F and NEL, control characters all the same.
        validate_clean_text(motivation)
    except ValidationError as exc:
        errors.extend(exc.messages)
    motivation = motivation.strip()
    if len(motivation) > MOTIVATION_MAX_LENGTH:
        errors.insert(0, f"must be at most {MOTIVATION_MAX_LENGTH} characters (it has {len(motivation)})")
    if errors:
        raise ValidationError({"motivation": errors})
    return motivation


@transaction.atomic
def application_express_interest(
    *, volunteer: Volunteer, vacancy: Vacancy, motivation: str = "", actor: User | None = None
) -> Application:
    """A volunteer says they are interested in an open vacancy.

    Refused, naming the rule in plain words (``{"eligibility": [...]}``), when a
    hard rule of the roster format or the programme's own rule excludes them:
    nothing is recorded then. Saying it twice returns the existing application
    rather than failing, so a double click or a reused alert link does the
    thing once; a new motivation sent while the application still waits at
    "interest" replaces the first one (afterwards it is kept as it was).
    """
    motivation = motivation_clean(motivation)
    if vacancy.status != Vacancy.Status.OPEN:
        raise ValidationError({"vacancy": ["This vacancy is not open for applications."]})
    existing = Application.objects.select_for_update().filter(vacancy=vacancy, volunteer=volunteer).first()
    if existing is not None:
        if motivation and motivation != existing.motivation and existing.status == S.INTEREST:
            existing.motivation = motivation
            existing.save(update_fields=["motivation"])
        return existing
    refusals = interest_refusals(volunteer=volunteer, vacancy=vacancy)
    if refusals:
        raise ValidationError({"eligibility": refusals})
    application, created = Application.objects.get_or_create(
        vacancy=vacancy, volunteer=volunteer, defaults={"motivation": motivation}
    )
    if created:
        _record(application, from_status="", actor=actor)
    return application


@transaction.atomic
def application_advance(*, application: Application, to_status: str, actor: User | None, note: str = "") -> Application:
    """Move an application one allowed step through selection; every step is kept."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in S.values:
        raise ValidationError({"status": [f"unknown status {to_status!r}"]})
    if to_status == S.WITHDRAWN:
        raise ValidationError({"status": ["only the volunteer can withdraw an application"]})
    allowed = MANAGER_TRANSITIONS[locked.status]
    if to_status not in allowed:
        raise ValidationError(
            {
                "status": [
                    f"cannot move from {locked.status} to {to_status}; allowed: {', '.join(sorted(allowed)) or 'none'}"
                ]
            }
        )
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    _record(locked, from_status=from_status, actor=actor, note=note)
    # The volunteer hears of it (alerts), once the move is committed.
    application_status_note_requested(application_id=locked.pk, step=to_status)
    return locked


@transaction.atomic
def application_withdraw(*, application: Application, actor: User | None, note: str = "") -> Application:
    """The volunteer withdraws; allowed at any step before deployment."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == S.WITHDRAWN:
        return locked
    if locked.status not in WITHDRAWABLE:
        raise ValidationError({"status": [f"an application that is {locked.status} can no longer be withdrawn"]})
    from_status = locked.status
    locked.status = S.WITHDRAWN
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    _record(locked, from_status=from_status, actor=actor, note=note)
    return locked


@transaction.atomic
def vacancy_set_status(*, vacancy: Vacancy, status: str, actor: User | None) -> Vacancy:
    """Move a vacancy through draft → open → closed / filled, recording who and when.

    Opening a vacancy queues its ranking once the transaction commits.
    """
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if status not in Vacancy.Status.values:
        raise ValidationError({"status": [f"unknown status {status!r}"]})
    if status == locked.status:
        return locked
    allowed = VACANCY_TRANSITIONS[locked.status]
    if status not in allowed:
        raise ValidationError(
            {
                "status": [
                    f"cannot move from {locked.status} to {status}; allowed: {', '.join(sorted(allowed)) or 'none'}"
                ]
            }
        )
    locked.status = status
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    vacancy_changed(vacancy_id=locked.pk)
    return locked


def vacancy_changed(*, vacancy_id: int) -> None:
    """Everything that follows a change to a vacancy: an outbox row, in the caller's transaction, asks for a ranking."""
    rank_vacancy_requested(vacancy_id=vacancy_id)


# --- Vacancies, programmes and host institutions ---------------------------------

# A vacancy's terms of reference: the fields its managers (API, pages, admin)
# and its programme's roster file write, declared once. The host institution
# is given by name beside them; status moves only through vacancy_set_status.
VACANCY_TERMS: tuple[str, ...] = (
    "title",
    "country",
    "location",
    "sector",
    "description",
    "required_skills",
    "preferred_skills",
    "required_languages",
    "min_education",
    "min_years_experience",
    "start_date",
    "end_date",
    "on_site",
    "positions",
)
VACANCY_FIELDS: frozenset[str] = frozenset(VACANCY_TERMS)


def _check_vacancy_fields(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - VACANCY_FIELDS)
    if unknown:
        raise ValidationError({key: ["unknown or read-only field"] for key in unknown})


def host_institution_for(*, name: str, country: str) -> HostInstitution:
    """The host institution called ``name`` in ``country``, registered on first use.

    Vacancies name their host as the roster format does (a name): the same
    ministry written twice, in other capitals or with spaces around it, is one
    institution.
    """
    existing = HostInstitution.objects.filter(name__iexact=name.strip(), country=country).first()
    if existing:
        return existing
    try:
        return host_institution_create(name=name, country=country)
    except ValidationError as exc:
        raise ValidationError({"host_institution": exc.messages}) from exc


@transaction.atomic
def host_institution_create(*, name: str, country: str) -> HostInstitution:
    """Register a host institution; the same name in the same country is refused."""
    institution = HostInstitution(name=name.strip(), country=country)
    institution.full_clean(validate_constraints=False)
    if HostInstitution.objects.filter(name__iexact=institution.name, country=country).exists():
        raise ValidationError({"name": ["This host institution already exists in that country."]})
    institution.save()
    return institution


@transaction.atomic
def vacancy_create(
    *,
    programme: Programme,
    host_institution: str,
    actor: User | None,
    data: dict[str, Any],
    external_id: str | None = None,
) -> Vacancy:
    """Post a vacancy as a draft; it is ranked only once it is opened.

    ``external_id`` is the programme's own id from a roster file; without it
    the vacancy gets a new one.
    """
    _check_vacancy_fields(data)
    country = data.get("country", "")
    vacancy = Vacancy(programme=programme, created_by=actor, status=Vacancy.Status.DRAFT, **data)
    if external_id is not None:
        vacancy.external_id = external_id
    # Field errors first, so a bad country is reported once, on "country".
    vacancy.full_clean(exclude=["host_institution"], validate_constraints=False)
    vacancy.host_institution = host_institution_for(name=host_institution, country=country)
    vacancy.save()
    return vacancy


@transaction.atomic
def vacancy_update(
    *, vacancy: Vacancy, actor: User | None, data: dict[str, Any], host_institution: str | None = None
) -> Vacancy:
    """Edit a vacancy's terms; an open vacancy is re-ranked after the edit."""
    _check_vacancy_fields(data)
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean(exclude=["host_institution"], validate_constraints=False)
    if host_institution is not None:
        locked.host_institution = host_institution_for(name=host_institution, country=locked.country)
    locked.save()
    if locked.status == Vacancy.Status.OPEN:
        vacancy_changed(vacancy_id=locked.pk)
    return locked


@transaction.atomic
def programme_create(*, slug: str, name: str, rule_residence_outside_duty_country: bool = False) -> Programme:
    """Create a programme (staff only, checked by the caller)."""
    programme = Programme(slug=slug, name=name, rule_residence_outside_duty_country=rule_residence_outside_duty_country)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_manager_add(*, programme: Programme, user: User) -> Programme:
    """Make a user a manager of a programme; only users with the manager role qualify."""
    if user.role != User.Role.MANAGER:
        raise ValidationError({"email": ["This user is not a programme manager."]})
    programme.managers.add(user)
    return programme


@transaction.atomic
def programme_manager_remove(*, programme: Programme, user: User) -> Programme:
    """Take a user off a programme's managers; removing a non-manager changes nothing."""
    programme.managers.remove(user)
    return programme


# --- Managers invited by staff -------------------------------------------------


@transaction.atomic
def manager_invite(*, email: str, programme: Programme, invited_by: User) -> User:
    """Make ``email`` a manager of ``programme`` and mail them a link to set a password.

    An address that already belongs to a manager just gains the programme (and
    gets the invitation again while it has no password yet); a volunteer's
    account is refused, because a person's roster profile and their selection
    rights must not share a login.
    """
    require_staff(invited_by, action="invite managers")
    email = email_clean(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.role == User.Role.VOLUNTEER:
        raise ValidationError({"email": ["this address belongs to a volunteer account; invite another address"]})
    if user is not None and not user.is_active:
        raise ValidationError({"email": ["this account is deactivated"]})
    if user is None:
        user = User.objects.create_user(email=email, password=None, role=User.Role.MANAGER)
    programme.managers.add(user)
    context = {"user": user, "programme": programme, "invited_by": invited_by, "site_url": settings.SITE_URL}
    if user.has_usable_password():
        account_mail_after_commit(template="manager_added", to=user.email, context=context)
    else:
        context["invitation_url"] = invitation_url(user=user)
        account_mail_after_commit(template="manager_invitation", to=user.email, context=context)
    logger.info("manager %s invited to programme %s by %s", user.pk, programme.pk, invited_by.pk)
    return user
