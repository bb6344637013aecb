"""allauth signal receivers: keep volunteer profiles in step with confirmed addresses."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db import transaction
from django.dispatch import receiver

from accounts.services import volunteer_email_confirmed


@receiver(email_confirmed, dispatch_uid="accounts.email_confirmed")
def on_email_confirmed(sender: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    # allauth marks the address verified (and, on an email change, primary)
    # before sending this signal; the profile's own field is ours to update.
    with transaction.atomic():
        volunteer_email_confirmed(user=email_address.user, email=email_address.email)
