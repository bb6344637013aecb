"""Signed one-time links for invitations (manager invitations, profile claims)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens under their own salt.

    A separate salt means a password-reset link cannot be replayed as an
    invitation and vice versa. The hash covers the password (so the link dies
    once a password is set) and the email (so it dies if the address changes).
    """

    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}|{user.email.lower()}"


invitation_token_generator = InvitationTokenGenerator()
