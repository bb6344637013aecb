from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("volunteers.api.urls")),
    path("", include("assignments.api.urls")),
    path("", include("roster.api.urls")),
    path("", include("volunteers.api.privacy_urls")),
    path("", include("matching.api.urls")),
    path("", include("alerts.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/privacy/", include("volunteers.privacy.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("", include("alerts.urls")),
    path("", include("assignments.urls")),
    path("", include("config.pages")),
]

# Unrouted /api/ paths answer in the API's error shape (DEBUG=False only, as for any handler).
handler404 = "config.api.not_found"
