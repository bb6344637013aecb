from django.urls import URLPattern, URLResolver, path

from roster.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("roster/volunteers/import", views.VolunteerImportView.as_view(), name="roster-volunteers-import"),
    path("roster/volunteers/export", views.VolunteerExportView.as_view(), name="roster-volunteers-export"),
    path(
        "programmes/<slug:slug>/vacancies/import",
        views.VacancyImportView.as_view(),
        name="roster-programme-vacancies-import",
    ),
    path(
        "programmes/<slug:slug>/vacancies/export",
        views.VacancyExportView.as_view(),
        name="roster-programme-vacancies-export",
    ),
]
