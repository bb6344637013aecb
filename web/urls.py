"""The pages' routes. Volunteer pages here; the programme manager's in web/manager/urls.py."""

from django.urls import include, path

import config.converters  # noqa: F401 - registers <extid:...>
from web.views import applications, common, inbox, profile, vacancies

app_name = "web"

urlpatterns = [
    path("matches/", vacancies.matches, name="matches"),
    path("vacancies/", vacancies.vacancies, name="vacancies"),
    path("vacancies/<extid:external_id>/interest/", vacancies.vacancy_interest, name="vacancy-interest"),
    path("applications/", applications.applications, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw_view, name="application-withdraw"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox.inbox_read, name="inbox-read"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox-read-all"),
    path("profile/", profile.profile, name="profile"),
    path("profile/consents/", profile.consents, name="consents"),
    path("profile/skills/suggest/", profile.skill_suggestions, name="skill-suggestions"),
    path("profile/<slug:step>/", profile.profile_step, name="profile-step"),
    path("alerts/preferences/", inbox.alert_preferences, name="alert-preferences"),
    path("manage/", include("web.manager.urls")),
]

# Outside the "web" namespace: names other parts of the site already link to.
site_urlpatterns = [
    path("", common.home, name="home"),
    path("accounts/privacy/", common.privacy, name="privacy"),
    path("vacancies/<extid:external_id>/", vacancies.vacancy_detail, name="vacancy-detail"),
]
