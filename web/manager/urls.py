"""The programme manager's pages, under /manage/ (inside the "web" namespace)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
