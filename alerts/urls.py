"""Signed-link pages (no login): answers to an alert and one-click unsubscribe."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/answer/<str:token>", views.AnswerView.as_view(), name="answer"),
    path("alerts/unsubscribe/<str:token>", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
