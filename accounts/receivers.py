"""Log-in guards' receivers: count failures per client address, tell an account's owner it locked."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.axes import login_address_remember
from accounts.services import account_lockout_notify
from config.throttles import login_failure_record


@receiver(user_login_failed, dispatch_uid="accounts.login_failure_by_address")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None:
        login_failure_record(request)


@receiver(user_logged_in, dispatch_uid="accounts.remember_login_address")
def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    email = str(getattr(user, "email", None) or "")
    if request is not None and email:
        login_address_remember(request, email=email)


@receiver(user_locked_out, dispatch_uid="accounts.lockout_notice")
def on_locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    # axes sends this at the failure that locks the account and again at every
    # refused try during the lock; the owner hears once, at the locking one.
    credentials = getattr(request, "axes_credentials", None)
    if not username or getattr(request, "axes_failures_since_start", None) != get_failure_limit(request, credentials):
        return
    account_lockout_notify(email=username, cool_off=get_cool_off(request))
