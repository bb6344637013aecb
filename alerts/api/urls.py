from django.urls import path

from alerts.api import views

urlpatterns = [
    path("alerts/preferences", views.PreferencesView.as_view(), name="alert-preferences"),
    path("inbox/", views.InboxListView.as_view(), name="inbox"),
    path("inbox/unread-count", views.InboxUnreadCountView.as_view(), name="inbox-unread-count"),
    path("inbox/read-all", views.InboxMarkAllReadView.as_view(), name="inbox-read-all"),
    path("inbox/<int:pk>/read", views.InboxMarkReadView.as_view(), name="inbox-read"),
]
