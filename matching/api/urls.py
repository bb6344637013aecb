from django.urls import path

from matching.api import views

urlpatterns = [
    path("vacancies/<str:external_id>/shortlist", views.ShortlistView.as_view(), name="vacancy-shortlist"),
    path(
        "vacancies/<str:external_id>/shortlist/<str:volunteer_external_id>",
        views.ExplainCandidateView.as_view(),
        name="vacancy-shortlist-explain",
    ),
    path("vacancies/<str:external_id>/match-runs", views.MatchRunListView.as_view(), name="vacancy-match-runs"),
    path("vacancies/<str:external_id>/rematch", views.RematchView.as_view(), name="vacancy-rematch"),
    path("matches", views.MyMatchesView.as_view(), name="my-matches"),
]
