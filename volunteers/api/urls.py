from django.urls import URLPattern, URLResolver, path

import config.converters  # noqa: F401 - registers <extid:...>
from volunteers.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("profile", views.ProfileView.as_view(), name="api-profile"),
    path("profile/consents", views.ConsentView.as_view(), name="api-profile-consents"),
]
