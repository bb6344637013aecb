"""Accounts: one user model for everyone, with email as the login."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# The shared text rules (a name is one line: it goes into email headers).
from core.validators import validate_single_line


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.STAFF)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins are case-insensitive, as the unique constraint on Lower(email) is.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        VOLUNTEER = "volunteer", "Volunteer"
        MANAGER = "manager", "Programme manager"
        STAFF = "staff", "Staff"

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VOLUNTEER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_volunteer(self) -> bool:
        return self.role == self.Role.VOLUNTEER

    @property
    def is_staff_member(self) -> bool:
        return self.is_staff or self.role == self.Role.STAFF


class ApiToken(models.Model):
    """A bearer token for API clients: one per log-in, with an expiry, bound to the password it was issued under.

    Only a SHA-256 digest of the key is stored (a leaked table opens no
    account) with its first characters, by which the owner tells tokens
    apart. ``password_fingerprint`` is Django's session hash of the user's
    password at issue: a changed or reset password (any path: the account
    pages, the admin, an invitation, erasure) no longer matches, so every
    older token stops working, as sessions do.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    password_fingerprint = models.CharField(max_length=128)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"{self.prefix}… (user {self.user_id})"
