"""HTML pages of our own under /accounts/ (allauth serves the rest of that prefix)."""

from django.urls import path

from accounts.views import invitation_accept_view

urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", invitation_accept_view, name="accounts_invitation_accept"),
]
