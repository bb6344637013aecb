from django.urls import URLPattern, URLResolver, path

from accounts.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("me", views.MeView.as_view(), name="api-me"),
    path("auth/token", views.TokenObtainView.as_view(), name="api-token"),
    path("auth/token/revoke", views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/tokens", views.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>", views.TokenDetailView.as_view(), name="api-token-detail"),
]
