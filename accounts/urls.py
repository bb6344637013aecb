"""HTML pages of our own under /accounts/ (allauth serves the rest of that prefix)."""

from django.urls import path

from accounts.views import invitation_accept_view
from volunteers.privacy.views import erase_view, export_view

urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", invitation_accept_view, name="accounts_invitation_accept"),
    path("privacy/export/", export_view, name="privacy_export"),
    path("privacy/erase/", erase_view, name="privacy_erase"),
]
