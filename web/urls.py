"""The pages' routes. Volunteer pages here; the programme manager's in web/manager/urls.py."""

from django.urls import include, path

import config.converters  # noqa: F401 - registers <extid:...>
from web.views import common, volunteer

app_name = "web"

urlpatterns = [
    path("matches/", volunteer.matches, name="matches"),
    path("vacancies/", volunteer.vacancies, name="vacancies"),
    path("vacancies/<extid:external_id>/interest/", volunteer.vacancy_interest, name="vacancy-interest"),
    path("applications/", volunteer.applications, name="applications"),
    path("applications/<int:pk>/", volunteer.application_detail, name="application-detail"),
    path("applications/<int:pk>/withdraw/", volunteer.application_withdraw, name="application-withdraw"),
    path("inbox/", volunteer.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", volunteer.inbox_read, name="inbox-read"),
    path("inbox/read-all/", volunteer.inbox_read_all, name="inbox-read-all"),
    path("profile/", volunteer.profile, name="profile"),
    path("profile/consents/", volunteer.consents, name="consents"),
    path("profile/skills/suggest/", volunteer.skill_suggestions, name="skill-suggestions"),
    path("profile/<slug:step>/", volunteer.profile_step, name="profile-step"),
    path("alerts/preferences/", volunteer.alert_preferences, name="alert-preferences"),
    path("manage/", include("web.manager.urls")),
]

# Outside the "web" namespace: names other parts of the site already link to.
site_urlpatterns = [
    path("", common.home, name="home"),
    path("accounts/privacy/", common.privacy, name="privacy"),
    path("vacancies/<extid:external_id>/", volunteer.vacancy_detail, name="vacancy-detail"),
]
