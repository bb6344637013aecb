"""allauth signal receivers: keep volunteer profiles in step with confirmed addresses."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db import transaction
from django.dispatch import receiver

from volunteers.services import volunteer_email_confirmed


@receiver(email_confirmed, dispatch_uid="volunteers.email_confirmed")
def on_email_confirmed(sender: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    # allauth marks the address verified (and, on an email change, primary)
    # before sending this signal, and so do our invitations
    # (accounts.services.user_email_mark_confirmed); the profile's own field is ours.
    with transaction.atomic():
        volunteer_email_confirmed(user=email_address.user, email=email_address.email)
