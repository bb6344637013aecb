from django.urls import URLPattern, URLResolver, path

import config.converters  # noqa: F401 - registers <extid:...>
from assignments.api import applications, programmes, vacancies, volunteers

urlpatterns: list[URLPattern | URLResolver] = [
    path("programmes/", programmes.ProgrammeListView.as_view(), name="api-programmes"),
    path("programmes/<slug:slug>", programmes.ProgrammeDetailView.as_view(), name="api-programme"),
    path(
        "programmes/<slug:slug>/managers", programmes.ProgrammeManagerAddView.as_view(), name="api-programme-managers"
    ),
    path(
        "programmes/<slug:slug>/managers/<int:user_id>",
        programmes.ProgrammeManagerRemoveView.as_view(),
        name="api-programme-manager",
    ),
    path("host-institutions/", programmes.HostInstitutionListView.as_view(), name="api-host-institutions"),
    path("vacancies/", vacancies.VacancyListView.as_view(), name="api-vacancies"),
    path("vacancies/<extid:external_id>", vacancies.VacancyDetailView.as_view(), name="api-vacancy"),
    path("vacancies/<extid:external_id>/status", vacancies.VacancyStatusView.as_view(), name="api-vacancy-status"),
    path(
        "vacancies/<extid:external_id>/interest", vacancies.VacancyInterestView.as_view(), name="api-vacancy-interest"
    ),
    path("volunteers/", volunteers.VolunteerListView.as_view(), name="api-volunteers"),
    path("volunteers/<extid:external_id>", volunteers.VolunteerDetailView.as_view(), name="api-volunteer"),
    path("applications/", applications.ApplicationListView.as_view(), name="api-applications"),
    path("applications/<int:pk>", applications.ApplicationDetailView.as_view(), name="api-application"),
    path(
        "applications/<int:pk>/transition",
        applications.ApplicationTransitionView.as_view(),
        name="api-application-transition",
    ),
    path(
        "applications/<int:pk>/withdraw",
        applications.ApplicationWithdrawView.as_view(),
        name="api-application-withdraw",
    ),
]
