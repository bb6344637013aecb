"""Volunteer profiles: the diaspora professionals on a programme's roster."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core import validators as v
from core import vocabulary


def _new_external_id() -> str:
    return f"V-{uuid.uuid4().hex[:12]}"


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


def matchable_q(prefix: str = "") -> Q:
    """The one rule of who may be ranked: consent to matching not withdrawn, not erased.

    ``prefix`` applies it across a relation, e.g. ``matchable_q("volunteer__")``.
    """
    return Q(**{f"{prefix}matching_consent": True, f"{prefix}erased_at__isnull": True})


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def live(self) -> VolunteerQuerySet:
        """Profiles still on the roster (not erased)."""
        return self.filter(erased_at__isnull=True)

    def matchable(self) -> VolunteerQuerySet:
        """Profiles that may be ranked (see ``matchable_q``)."""
        return self.filter(matchable_q())


class Volunteer(models.Model):
    """A diaspora professional's profile, with every field of the roster format."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        help_text="Empty for a profile imported from a roster and not yet claimed.",
    )
    external_id = models.CharField(
        max_length=64, unique=True, default=_new_external_id, validators=[v.validate_external_id]
    )
    full_name = models.CharField(max_length=200, validators=[v.validate_single_line])
    email = models.EmailField(max_length=254)
    headline = models.CharField(max_length=200, blank=True, validators=[v.validate_single_line])
    summary = models.TextField(
        max_length=5000, blank=True, validators=[v.validate_clean_text, MaxLengthValidator(5000)]
    )
    skills = models.JSONField(default=list, blank=True, validators=[v.validate_skill_list])
    languages = models.JSONField(default=dict, validators=[v.validate_languages])
    education = models.CharField(max_length=16, choices=_choices(vocabulary.EDUCATION_LEVELS))
    years_experience = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(60)])
    residence_country = models.CharField(max_length=2, validators=[v.validate_country_code])
    heritage_countries = models.JSONField(default=list, blank=True, validators=[v.validate_country_list])
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    on_site_ok = models.BooleanField(default=True)
    gender = models.CharField(max_length=16, choices=_choices(vocabulary.GENDERS), blank=True)

    # Consent is recorded with its time; withdrawing is one field, as easy as giving.
    matching_consent = models.BooleanField(default=True)
    matching_consent_at = models.DateTimeField(null=True, blank=True)
    alerts_consent = models.BooleanField(default=False)
    alerts_consent_at = models.DateTimeField(null=True, blank=True)
    # Alerts go only to an address its owner has confirmed (sign-up or claim).
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # An imported profile is on the roster because the programme recorded it.
    source = models.CharField(
        max_length=16, choices=[("signup", "Signed up"), ("import", "Roster import")], default="signup"
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["external_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(erased_at__isnull=True),
                name="volunteers_volunteer_email_ci_unique",
                violation_error_message="A volunteer with this email already exists.",
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="volunteers_volunteer_availability_ordered",
                violation_error_message="available_until must not be before available_from.",
            ),
            models.CheckConstraint(condition=Q(years_experience__lte=60), name="volunteers_volunteer_years_at_most_60"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.external_id})"

    def clean(self) -> None:
        super().clean()
        if self.available_from and self.available_until and self.available_until < self.available_from:
            raise ValidationError({"available_until": ["must not be before available_from"]})
