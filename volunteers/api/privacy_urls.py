"""Mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from volunteers.api.privacy import MeEraseView, MeExportView

urlpatterns = [
    path("me/export", MeExportView.as_view(), name="api-me-export"),
    path("me/erase", MeEraseView.as_view(), name="api-me-erase"),
]
