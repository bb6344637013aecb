"""The programme manager's pages, under /manage/ (inside the "web" namespace)."""

from django.urls import URLPattern, URLResolver, path

import config.converters  # noqa: F401 - registers <extid:...>
from web.manager.views import applications, dashboard, imports, shortlist, vacancies

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="manager-dashboard"),
    path("charts/", dashboard.charts, name="manager-charts"),
    path("import/", imports.import_file, name="manager-import"),
    path("vacancies/new/", vacancies.vacancy_new, name="manager-vacancy-new"),
    path("vacancies/<extid:external_id>/", vacancies.vacancy_detail, name="manager-vacancy"),
    path("vacancies/<extid:external_id>/edit/", vacancies.vacancy_edit, name="manager-vacancy-edit"),
    path("vacancies/<extid:external_id>/status/", vacancies.vacancy_status, name="manager-vacancy-status"),
    path("vacancies/<extid:external_id>/shortlist/", shortlist.shortlist, name="manager-shortlist"),
    path("vacancies/<extid:external_id>/shortlist.csv", shortlist.shortlist_export, name="manager-shortlist-csv"),
    path("vacancies/<extid:external_id>/why-not/", shortlist.why_not, name="manager-why-not"),
    path("vacancies/<extid:external_id>/compare/", shortlist.compare, name="manager-compare"),
    path("applications/<int:pk>/", applications.application_detail, name="manager-application"),
    path("applications/<int:pk>/move/", applications.application_move, name="manager-application-move"),
]
