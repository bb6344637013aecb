from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from web.urls import site_urlpatterns

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
    path("", include("config.health")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/privacy/", include("volunteers.privacy.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("", include("alerts.urls")),
    # The pages (web/): volunteers' and programme managers'.
    *site_urlpatterns,
    path("", include("web.urls")),
]

# Unrouted /api/ paths answer in the API's error shape (DEBUG=False only, as for any handler).
if settings.METRICS_ENABLED:
    # Prometheus text at /metrics: expose it to the scraper only (a proxy rule), not to the world.
    urlpatterns.append(path("", include("django_prometheus.urls")))

handler404 = "config.api.not_found"
handler400 = "config.api.bad_request_handler"
handler500 = "config.api.server_error"
