"""Volunteers as programmes see them: staff every profile, a manager the people who applied to their vacancies.

Who may see whom is decided by applications (assignments.selectors.volunteers_visible_to),
so these views live with them; the profile's own serializers and filters are the volunteers app's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.serializers import BaseSerializer

from assignments.selectors import volunteers_visible_to
from config.audit import AuditedReadMixin
from config.permissions import IsManagerOrStaff, user_is_staff
from config.schema import by_role
from config.serializers import ErrorSerializer
from core.audit import Action
from volunteers.api.filters import VolunteerFilter
from volunteers.api.serializers import VolunteerManagerOutputSerializer, VolunteerStaffOutputSerializer
from volunteers.models import Volunteer

# What GET answers, as documented: managers never get gender, consents or timestamps.
VolunteerByRoleSerializer = by_role(
    VolunteerManagerOutputSerializer, VolunteerStaffOutputSerializer, name="VolunteerByRole", note="staff only"
)


class _VolunteerReadView(AuditedReadMixin, generics.GenericAPIView):  # type: ignore[type-arg]
    permission_classes = (IsManagerOrStaff,)
    lookup_field = "external_id"
    # Every profile answered carries its contact details: who saw them is recorded.
    audit_action = Action.CONTACT_VIEW
    audit_object_type = "volunteer"

    def get_queryset(self) -> QuerySet[Volunteer]:
        return volunteers_visible_to(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # Gender is for aggregate reports only: staff see it, managers never.
        if user_is_staff(self.request.user):
            return VolunteerStaffOutputSerializer
        return VolunteerManagerOutputSerializer


@extend_schema(
    summary="Volunteers you may see (staff: all; managers: applicants to your programmes)",
    responses=VolunteerByRoleSerializer(many=True),
)
class VolunteerListView(_VolunteerReadView, generics.ListAPIView):  # type: ignore[type-arg]
    filterset_class = VolunteerFilter


@extend_schema(
    summary="One volunteer (404 when not yours to see)",
    responses={200: VolunteerByRoleSerializer, 404: ErrorSerializer},
)
class VolunteerDetailView(_VolunteerReadView, generics.RetrieveAPIView):  # type: ignore[type-arg]
    pass
