"""Typed factories for the domain models; every test builds data through these."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from assignments.models import Application, HostInstitution, Programme, Vacancy
from volunteers.models import Volunteer


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = User.Role.VOLUNTEER
    # Hashed before the row is written: a post-generation set_password is not
    # saved (skip_postgeneration_save), which left every user unable to log in.
    password = factory.LazyFunction(lambda: make_password("correct horse battery staple"))


class ManagerFactory(UserFactory):
    role = User.Role.MANAGER


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    is_superuser = True


class VolunteerFactory(factory.django.DjangoModelFactory[Volunteer]):
    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory)
    external_id = factory.Sequence(lambda n: f"V-{n:05d}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else f"{o.external_id.lower()}@example.org")
    headline = "Midwife and clinical tutor"
    summary = "Twelve years as a midwife on a busy labour ward; I teach students on placement."
    skills = factory.LazyFunction(lambda: ["midwifery", "clinical teaching", "EmONC"])
    languages = factory.LazyFunction(lambda: {"so": "native", "en": "fluent"})
    education = "bachelor"
    years_experience = 12
    residence_country = "GB"
    heritage_countries = factory.LazyFunction(lambda: ["SO"])
    available_from = None
    available_until = None
    on_site_ok = True
    matching_consent = True
    matching_consent_at = factory.LazyFunction(timezone.now)
    alerts_consent = True
    alerts_consent_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    rule_residence_outside_duty_country = True

    @factory.post_generation
    def managers(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.add(*extracted)


class HostInstitutionFactory(factory.django.DjangoModelFactory[HostInstitution]):
    class Meta:
        model = HostInstitution
        django_get_or_create = ("name", "country")

    name = "Ministry of Health and Human Services"
    country = "SO"


class VacancyFactory(factory.django.DjangoModelFactory[Vacancy]):
    class Meta:
        model = Vacancy

    external_id = factory.Sequence(lambda n: f"A-{n:05d}")
    programme = factory.SubFactory(ProgrammeFactory)
    host_institution = factory.SubFactory(HostInstitutionFactory)
    title = "Clinical Midwifery Tutor"
    country = "SO"
    location = "Hargeisa"
    sector = "Health"
    description = "Train midwifery students and tutors on the labour ward and in the skills lab."
    required_skills = factory.LazyFunction(lambda: ["midwifery", "clinical teaching"])
    preferred_skills = factory.LazyFunction(lambda: ["EmONC"])
    required_languages = factory.LazyFunction(lambda: {"so": "professional", "en": "professional"})
    min_education = "diploma"
    min_years_experience = 3
    start_date = date(2027, 3, 1)
    end_date = date(2027, 11, 30)
    on_site = True
    positions = 1
    status = Vacancy.Status.OPEN


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    class Meta:
        model = Application

    vacancy = factory.SubFactory(VacancyFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    status = Application.Status.INTEREST
