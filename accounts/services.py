"""Account writes that allauth does not cover: invitations and their acceptance.

Staff invite programme managers, and invite the owners of imported roster
profiles to claim them. Both get a one-time link to set a password; setting it
proves the address, because the link was only ever sent there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import invitation_token_generator

if TYPE_CHECKING:
    from assignments.models import Programme
    from volunteers.models import Volunteer

logger = logging.getLogger(__name__)


def invitation_url(*, user: User) -> str:
    """The absolute one-time link at which ``user`` sets their first password."""
    path = reverse(
        "accounts_invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_mail_after_commit(*, template: str, to: str, context: dict[str, Any]) -> None:
    # Mail leaves the process only once the user row it links to is committed;
    # if sending fails the row stays and staff can send the invitation again.
    def send() -> None:
        subject = render_to_string(f"account/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"account/email/{template}_message.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send)


def _require_staff(actor: Any, *, action: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_staff_member):
        raise PermissionDenied(f"only staff can {action}")


def _clean_email(email: str) -> str:
    # Lower-cased as allauth stores addresses, so both agree on one spelling.
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": ["enter a valid email address"]}) from exc
    return email


@transaction.atomic
def manager_invite(*, email: str, programme: Programme, invited_by: Any) -> User:
    """Make ``email`` a manager of ``programme`` and mail them a link to set a password.

    An address that already belongs to a manager just gains the programme (and
    gets the invitation again while it has no password yet); a volunteer's
    account is refused, because a person's roster profile and their selection
    rights must not share a login.
    """
    _require_staff(invited_by, action="invite managers")
    email = _clean_email(email)
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
        _send_mail_after_commit(template="manager_added", to=user.email, context=context)
    else:
        context["invitation_url"] = invitation_url(user=user)
        _send_mail_after_commit(template="manager_invitation", to=user.email, context=context)
    logger.info("manager %s invited to programme %s by %s", user.pk, programme.pk, invited_by.pk)
    return user


@transaction.atomic
def volunteer_send_claim_invitation(*, volunteer: Volunteer, sent_by: Any) -> User:
    """Invite the person behind an imported profile to claim it.

    Creates an account for the profile's address (no password yet), links it,
    and mails a link to set a password. Sending again while the password is
    still unset re-sends the link; a claimed or erased profile is refused.
    """
    from volunteers.models import Volunteer

    _require_staff(sent_by, action="send claim invitations")
    locked = Volunteer.objects.select_for_update(of=("self",)).select_related("user").get(pk=volunteer.pk)
    if locked.erased_at is not None:
        raise ValidationError({"volunteer": ["this profile was erased"]})
    user = locked.user
    if user is not None and user.has_usable_password():
        raise ValidationError({"volunteer": ["this profile is already claimed"]})
    if user is None:
        email = _clean_email(locked.email)
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
    _send_mail_after_commit(template="claim_invitation", to=user.email, context=context)
    logger.info("claim invitation for volunteer %s sent by %s", locked.pk, sent_by.pk)
    return user


def invitation_token_valid(*, user: User, token: str) -> bool:
    """Whether ``token`` is a live invitation link for ``user``."""
    return user.is_active and invitation_token_generator.check_token(user, token)


@transaction.atomic
def invitation_accept(*, user: User, token: str, password: str) -> User:
    """Set the invited user's first password and record their address as confirmed."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not invitation_token_valid(user=locked, token=token):
        raise ValidationError({"token": ["this invitation link is invalid, used or expired"]})
    try:
        validate_password(password, user=locked)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    locked.set_password(password)
    locked.save(update_fields=["password"])
    user_email_mark_confirmed(user=locked, email=locked.email)
    return locked


def user_email_mark_confirmed(*, user: User, email: str) -> None:
    """Record that ``user`` controls ``email``: allauth's address and the profile's.

    The profile's ``email_confirmed_at`` gates match alerts; it is refreshed
    only when the confirmed address is the one the profile mails to.
    """

    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not address.verified or not address.primary:
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    volunteer_email_confirmed(user=user, email=email)


def volunteer_email_confirmed(*, user: Any, email: str) -> None:
    """Refresh the profile's ``email_confirmed_at`` after ``user`` confirmed ``email``.

    When the confirmed address has become the account's address (an email
    change), the profile follows it, so alerts go where the owner now reads.
    An address held by another live profile is left alone rather than merged.
    """
    from volunteers.models import Volunteer

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
