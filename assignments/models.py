"""Programmes, host institutions, vacancies and applications."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import validators as v
from core import vocabulary


def _new_external_id() -> str:
    return f"A-{uuid.uuid4().hex[:12]}"


class Programme(models.Model):
    """A deployment programme (e.g. MIDA Somalia) with its managers and extra rules."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200, validators=[v.validate_single_line])
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="managed_programmes")
    # The programme's own eligibility rules, on top of the format's hard rules.
    rule_residence_outside_duty_country = models.BooleanField(
        default=False, help_text="Volunteers must live outside the vacancy's duty country."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class HostInstitution(models.Model):
    name = models.CharField(max_length=300, validators=[v.validate_single_line])
    country = models.CharField(max_length=2, validators=[v.validate_country_code])

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "country"], name="assignments_host_unique_name_country"),
        ]

    def __str__(self) -> str:
        return self.name


class VacancyQuerySet(models.QuerySet["Vacancy"]):
    def open(self) -> VacancyQuerySet:
        return self.filter(status=Vacancy.Status.OPEN)


class Vacancy(models.Model):
    """An assignment posted from a host institution's terms of reference."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        FILLED = "filled", _("Filled")

    external_id = models.CharField(
        max_length=64, unique=True, default=_new_external_id, validators=[v.validate_external_id]
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="vacancies")
    host_institution = models.ForeignKey(HostInstitution, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(max_length=200, validators=[v.validate_single_line])
    country = models.CharField(max_length=2, validators=[v.validate_country_code])
    location = models.CharField(max_length=200, blank=True, validators=[v.validate_single_line])
    sector = models.CharField(max_length=200, validators=[v.validate_single_line])
    description = models.TextField(max_length=20000, validators=[v.validate_clean_text, MaxLengthValidator(20000)])
    required_skills = models.JSONField(default=list, blank=True, validators=[v.validate_skill_list])
    preferred_skills = models.JSONField(default=list, blank=True, validators=[v.validate_skill_list])
    required_languages = models.JSONField(default=dict, blank=True, validators=[v.validate_languages])
    min_education = models.CharField(
        max_length=16, choices=[(e, e) for e in vocabulary.EDUCATION_LEVELS], default="none"
    )
    min_years_experience = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    start_date = models.DateField()
    end_date = models.DateField()
    on_site = models.BooleanField(default=True)
    positions = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)])

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "id"]
        verbose_name_plural = "vacancies"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="assignments_vacancy_end_after_start",
                violation_error_message="end_date must be after start_date.",
            ),
            models.CheckConstraint(condition=Q(positions__gte=1), name="assignments_vacancy_positions_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.external_id})"

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": ["must be after start_date"]})


class Application(models.Model):
    """A volunteer's interest in a vacancy, moved through selection by a manager."""

    class Status(models.TextChoices):
        INTEREST = "interest", _("Interest expressed")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        INTERVIEW = "interview", _("Interview")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        DEPLOYED = "deployed", _("Deployed")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applications")
    # Null once the volunteer erased their account: the row stays for anonymous statistics.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INTEREST)
    motivation = models.TextField(max_length=5000, blank=True, validators=[v.validate_clean_text])
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["vacancy", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="assignments_application_one_per_volunteer",
                violation_error_message="This volunteer has already applied to this vacancy.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} → {self.vacancy_id}: {self.status}"


class ApplicationEvent(models.Model):
    """One step of an application's history: who moved it, from what, to what, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(max_length=2000, blank=True, validators=[v.validate_clean_text])
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
