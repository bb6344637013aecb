from django.urls import path

import config.converters  # noqa: F401 - registers <extid:...>
from matching.api import views

urlpatterns = [
    path("vacancies/<extid:external_id>/shortlist", views.ShortlistView.as_view(), name="vacancy-shortlist"),
    path(
        "vacancies/<extid:external_id>/shortlist/<extid:volunteer_external_id>",
        views.ExplainCandidateView.as_view(),
        name="vacancy-shortlist-explain",
    ),
    path("vacancies/<extid:external_id>/match-runs", views.MatchRunListView.as_view(), name="vacancy-match-runs"),
    path("vacancies/<extid:external_id>/rematch", views.RematchView.as_view(), name="vacancy-rematch"),
    path("matches", views.MyMatchesView.as_view(), name="my-matches"),
]
