"""The privacy pages, under /accounts/privacy/: download my data, erase my account."""

from django.urls import path

from volunteers.privacy.views import erase_view, export_view

urlpatterns = [
    path("export/", export_view, name="privacy_export"),
    path("erase/", erase_view, name="privacy_erase"),
]
