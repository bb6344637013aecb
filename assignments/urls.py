from django.urls import path

import config.converters  # noqa: F401 - registers <extid:...>
from assignments import views

urlpatterns = [
    path("vacancies/<extid:external_id>/", views.vacancy_detail, name="vacancy-detail"),
]
