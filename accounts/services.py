"""Account writes that allauth does not cover: invited accounts and their acceptance.

Staff invite programme managers (assignments.services.manager_invite) and the
owners of imported roster profiles (volunteers.services.volunteer_send_claim_invitation).
Both get a one-time link to set a password, made here; setting it proves the
address, because the link was only ever sent there.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
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
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken, User
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


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """A new API token for ``user``: the row and the key, which is shown once and never stored.

    Expired tokens of the user go, and only the API_TOKENS_PER_USER newest live
    ones are kept, so logging in from a script in a loop cannot grow the table.
    """
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = secrets.token_hex(20)  # 40 hex digits, as DRF's keys and our authentication expect
    token = ApiToken.objects.create(
        user=user,
        key_digest=_token_digest(key),
        prefix=key[:8],
        password_fingerprint=user.get_session_auth_hash(),
        created=now,
        expires_at=now + settings.API_TOKEN_TTL,
    )
    keep = ApiToken.objects.filter(user=user).order_by("-created", "-pk").values_list("pk", flat=True)
    ApiToken.objects.filter(user=user).exclude(pk__in=list(keep[: settings.API_TOKENS_PER_USER])).delete()
    return token, key


class ApiTokenRefused(Exception):
    """Why a presented key authenticates nobody; the message is the API's answer."""


def api_token_authenticate(*, key: str) -> tuple[User, ApiToken]:
    """The live token behind ``key`` and its user, or ApiTokenRefused saying why not."""
    token = ApiToken.objects.select_related("user").filter(key_digest=_token_digest(key)).first()
    if token is None:
        raise ApiTokenRefused("Invalid token.")
    if token.expires_at <= timezone.now():
        raise ApiTokenRefused("Token has expired.")
    user = token.user
    if not constant_time_compare(token.password_fingerprint, user.get_session_auth_hash()):
        # The password changed since: this token and its siblings are over.
        ApiToken.objects.filter(pk=token.pk).delete()
        raise ApiTokenRefused("Invalid token.")
    if not user.is_active:
        raise ApiTokenRefused("User inactive or deleted.")
    return user, token


def api_tokens_revoke(*, user: User, token_id: int | None = None) -> int:
    """Revoke one of ``user``'s tokens (by id), or all of them; how many went. Someone else's id revokes nothing."""
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    deleted, _ = tokens.delete()
    return deleted


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
