"""Reads of programmes, vacancies and applications, scoped to who is asking.

Every queryset here is the whole of what the user may see: an object outside
it answers 404 in the API, never 403, so ids cannot be probed.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from assignments.models import Application, ApplicationEvent, HostInstitution, Programme, Vacancy
from config.permissions import user_is_manager, user_is_staff, user_is_volunteer
from volunteers.models import Volunteer


def programmes_managed_by(*, user: User | AnonymousUser) -> QuerySet[Programme]:
    """Programmes ``user`` manages: staff every programme, a manager theirs, anyone else none."""
    programmes = Programme.objects.prefetch_related("managers")
    if not isinstance(user, User):
        return programmes.none()
    if user_is_staff(user):
        return programmes
    if user_is_manager(user):
        return programmes.filter(managers=user)
    return programmes.none()


def host_institutions_list() -> QuerySet[HostInstitution]:
    return HostInstitution.objects.all()


def _vacancies() -> QuerySet[Vacancy]:
    return Vacancy.objects.select_related("programme", "host_institution", "status_changed_by")


def vacancies_visible_to(*, user: User | AnonymousUser) -> QuerySet[Vacancy]:
    """Volunteers see open vacancies; managers their programmes' in any status; staff all."""
    if not isinstance(user, User):
        return _vacancies().none()
    if user_is_staff(user):
        return _vacancies()
    if user_is_manager(user):
        return _vacancies().filter(programme__managers=user)
    if user_is_volunteer(user):
        return _vacancies().filter(status=Vacancy.Status.OPEN)
    return _vacancies().none()


def vacancies_open_public() -> QuerySet[Vacancy]:
    """Open vacancies, readable by anyone like a job posting (the page an alert's "View it" opens)."""
    return _vacancies().filter(status=Vacancy.Status.OPEN)


def published_sectors_and_countries() -> tuple[list[str], list[str]]:
    """The sectors (one spelling of each, compared without case, as alerts compare them)
    and the duty countries of every vacancy ever published, drafts left out: what an
    alert's filters can meet."""
    rows = Vacancy.objects.exclude(status=Vacancy.Status.DRAFT).values_list("sector", "country").distinct()
    sectors: dict[str, str] = {}
    countries: set[str] = set()
    for sector, country in sorted(rows):  # of two spellings, the first in code-point order is shown
        if sector.strip():
            sectors.setdefault(sector.strip().casefold(), sector.strip())
        countries.add(country)
    return sorted(sectors.values(), key=str.casefold), sorted(countries)


def vacancies_search(
    vacancies: QuerySet[Vacancy],
    *,
    text: str = "",
    sector: str = "",
    country: str = "",
    starts_after: date | None = None,
    starts_before: date | None = None,
    on_site: bool | None = None,
) -> QuerySet[Vacancy]:
    """Narrow vacancies by words (title, terms of reference, host, skills), sector, country, start and on-site."""
    for word in text.split()[:10]:
        vacancies = vacancies.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(host_institution__name__icontains=word)
            | Q(location__icontains=word)
            | Q(required_skills__icontains=word)
            | Q(preferred_skills__icontains=word)
        )
    if sector:
        vacancies = vacancies.filter(sector__iexact=sector)
    if country:
        vacancies = vacancies.filter(country=country.upper())
    if starts_after:
        vacancies = vacancies.filter(start_date__gte=starts_after)
    if starts_before:
        vacancies = vacancies.filter(start_date__lte=starts_before)
    if on_site is not None:
        vacancies = vacancies.filter(on_site=on_site)
    return vacancies.order_by("start_date", "title", "id")


def vacancies_managed_by(*, user: User | AnonymousUser) -> QuerySet[Vacancy]:
    """Vacancies ``user`` manages (edits, moves through their lifecycle, reads the shortlist of): their programmes'."""
    if not isinstance(user, User):
        return _vacancies().none()
    if user_is_staff(user):
        return _vacancies()
    if user_is_manager(user):
        return _vacancies().filter(programme__managers=user)
    return _vacancies().none()


def applications_visible_to(*, user: User | AnonymousUser) -> QuerySet[Application]:
    """A volunteer sees their own; a manager those for their programmes; staff all.

    History and the people in it are fetched up front, so serialising a page
    of applications costs a fixed number of queries.
    """
    applications = Application.objects.select_related(
        "vacancy", "vacancy__programme", "vacancy__host_institution", "volunteer"
    ).prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")))
    if not isinstance(user, User):
        return applications.none()
    if user_is_staff(user):
        return applications
    if user_is_manager(user):
        return applications.filter(vacancy__programme__managers=user)
    if user_is_volunteer(user):
        return applications.filter(volunteer__user=user, volunteer__erased_at__isnull=True)
    return applications.none()


def applicant_statuses_shown_to(*, user: User | AnonymousUser | None) -> tuple[str, ...]:
    """The steps of an application at which ``user`` is shown who made it (name, email, their own steps).

    The one place of the rule: withdrawing takes back what applying disclosed to
    the programme, so after it only staff still see who it was. Read by the checks
    of one application below and by the list of people a manager may look at.
    """
    staff = user_is_staff(user)
    return tuple(status for status in Application.Status.values if staff or status != Application.Status.WITHDRAWN)


def applicant_shown_to(*, application: Application, user: User | AnonymousUser | None) -> bool:
    """Whether a manager or staff member is shown who made ``application`` (`applicant_statuses_shown_to`).

    An erased applicant is no one to show.
    """
    if application.volunteer_id is None:
        return False
    return applicant_status_shown_to(status=application.status, user=user)


def applicant_status_shown_to(*, status: str | None, user: User | AnonymousUser | None) -> bool:
    """`applicant_shown_to` for an application known only by its ``status`` (None: there is none).

    For lists that carry the status as an annotation (the shortlist) rather than the row.
    """
    # None, never applied: nothing was disclosed.
    return status is not None and status in applicant_statuses_shown_to(user=user)


def applications_manageable_by(*, user: User | AnonymousUser) -> QuerySet[Application]:
    """Applications a user may move through selection (managers of the programme, staff)."""
    if user_is_volunteer(user):
        return Application.objects.none()
    return applications_visible_to(user=user)


def applications_of_volunteer(*, user: User | AnonymousUser) -> QuerySet[Application]:
    """The signed-in volunteer's own applications (to withdraw one)."""
    if not user_is_volunteer(user):
        return Application.objects.none()
    return applications_visible_to(user=user)


def volunteers_visible_to(*, user: User | AnonymousUser) -> QuerySet[Volunteer]:
    """Profiles a user may look at.

    Staff see every profile. A manager sees only the people with an application
    to a vacancy of one of their programmes that still shows them who applied
    (`applicant_statuses_shown_to`: not withdrawn): someone who never came
    forward for that programme, or withdrew, is not that manager's business.
    Everyone else sees none.
    """
    profiles = Volunteer.objects.live()
    if not isinstance(user, User):
        return profiles.none()
    if user_is_staff(user):
        return profiles
    if user_is_manager(user):
        # A subquery rather than a join, so a person with two applications is listed once.
        applicants = Application.objects.filter(
            vacancy__programme__managers=user, status__in=applicant_statuses_shown_to(user=user)
        ).values("volunteer_id")
        return profiles.filter(pk__in=applicants)
    return profiles.none()
