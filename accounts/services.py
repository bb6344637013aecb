"""Account writes that allauth does not cover: invited accounts and their acceptance.

Staff invite programme managers (assignments.services.manager_invite) and the
owners of imported roster profiles (volunteers.services.volunteer_send_claim_invitation).
Both get a one-time link to set a password, made here; setting it proves the
address, because the link was only ever sent there.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import invitation_token_generator

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
    return str(settings.SITE_URL).rstrip("/") + path


def account_mail_after_commit(*, template: str, to: str, context: dict[str, Any]) -> None:
    """Mail ``account/email/<template>_{subject,message}.txt`` to ``to`` once the transaction commits."""

    # Mail leaves the process only once the user row it links to is committed;
    # if sending fails the row stays and staff can send the invitation again.
    def send() -> None:
        subject = render_to_string(f"account/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"account/email/{template}_message.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send)


def require_staff(actor: User, *, action: str) -> None:
    """Refuse ``action`` unless ``actor`` is active staff."""
    if not (actor.is_authenticated and actor.is_active and actor.is_staff_member):
        raise PermissionDenied(f"only staff can {action}")


def email_clean(email: str) -> str:
    """``email`` as allauth stores it (stripped, lower-cased), or a ValidationError on the email field."""
    # Lower-cased as allauth stores addresses, so both agree on one spelling.
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": ["enter a valid email address"]}) from exc
    return email


def account_lockout_notify(*, email: str, cool_off: timedelta | None) -> None:
    """Tell the owner of ``email``'s account that failed log-ins locked it, for how long, and what to do."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return  # guesses at an address with no account: nobody to tell
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {"user": user, "minutes": minutes, "site_url": settings.SITE_URL}
    account_mail_after_commit(template="account_locked", to=user.email, context=context)
    logger.warning("account %s locked after repeated failed log-ins", user.pk)


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
    """Record that ``user`` controls ``email``, as allauth's confirmation link would.

    allauth's ``email_confirmed`` signal follows, as after its own link, so a
    volunteer's profile (which gates match alerts on a confirmed address)
    learns of it without this app knowing profiles exist.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not address.verified or not address.primary:
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    # The same news allauth gives when a person confirms through its link:
    # apps that keep a copy of the address (a volunteer's profile) listen for it.
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
