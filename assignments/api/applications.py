"""Applications: each side sees its own, managers move them through selection, volunteers withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from assignments import selectors, services
from assignments.models import Application, ApplicationEvent, Vacancy
from config.audit import AuditedReadMixin
from config.permissions import IsManagerOrStaff, IsVolunteer, user_is_volunteer
from config.schema import by_role
from config.serializers import ErrorSerializer, StrictSerializer
from core import validators as v
from core.audit import Action, audit_viewed
from volunteers.models import Volunteer


class EventOutputSerializer(serializers.ModelSerializer[ApplicationEvent]):
    """A step of the history as the volunteer sees it: what, when, and by which side."""

    actor_role = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ("from_status", "to_status", "at", "actor_role")
        read_only_fields = fields

    def get_actor_role(self, event: ApplicationEvent) -> str | None:
        if event.actor is None:
            return None
        return "staff" if event.actor.is_staff_member else event.actor.role


class EventManageOutputSerializer(EventOutputSerializer):
    """The same step as managers and staff see it: who, and their note."""

    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = ApplicationEvent
        fields = ("from_status", "to_status", "at", "actor_role", "actor", "note")
        read_only_fields = fields


class VacancyBriefSerializer(serializers.ModelSerializer[Vacancy]):
    programme: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host_institution = serializers.CharField(source="host_institution.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ("external_id", "title", "programme", "host_institution", "country", "status")
        read_only_fields = fields


class VolunteerBriefSerializer(serializers.ModelSerializer[Volunteer]):
    _withdrawn = "null to a manager once the volunteer withdrew, as before they applied"
    full_name = serializers.CharField(read_only=True, allow_null=True, help_text=_withdrawn)
    email = serializers.EmailField(read_only=True, allow_null=True, help_text=_withdrawn)

    class Meta:
        model = Volunteer
        fields = ("external_id", "full_name", "email")
        read_only_fields = fields


class ApplicationOutputSerializer(serializers.ModelSerializer[Application]):
    vacancy = VacancyBriefSerializer(read_only=True)
    history = EventOutputSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Application
        fields = ("id", "vacancy", "status", "motivation", "created_at", "status_changed_at", "history")
        read_only_fields = fields


class ApplicationManageOutputSerializer(ApplicationOutputSerializer):
    volunteer = VolunteerBriefSerializer(read_only=True, allow_null=True)
    history = EventManageOutputSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Application
        fields = ("id", "vacancy", "volunteer", "status", "motivation", "created_at", "status_changed_at", "history")
        read_only_fields = fields

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if data.get("volunteer") and not selectors.applicant_shown_to(application=instance, user=viewer):
            # Withdrawing takes back what applying disclosed to the programme.
            data["volunteer"] |= {"full_name": None, "email": None}
            for event in data.get("history", []):
                if event.get("actor_role") == "volunteer":
                    event["actor"] = None
        return data


class TransitionInputSerializer(StrictSerializer):
    # Any string: the service names what is allowed from the current step.
    status = serializers.CharField(max_length=16)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, validators=[v.validate_clean_text])


class WithdrawInputSerializer(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, validators=[v.validate_clean_text])


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)
    vacancy = django_filters.CharFilter(field_name="vacancy__external_id", max_length=64)

    class Meta:
        model = Application
        fields = ("status", "vacancy")


# What GET answers, as documented: volunteers see neither the volunteer nor who moved them, nor notes.
ApplicationByRoleSerializer = by_role(
    ApplicationOutputSerializer,
    ApplicationManageOutputSerializer,
    name="ApplicationByRole",
    note="managers and staff only",
)


def _output_serializer(user: Any) -> type[ApplicationOutputSerializer]:
    return ApplicationOutputSerializer if user_is_volunteer(user) else ApplicationManageOutputSerializer


def _contacts_shown(user: Any, applications: Sequence[Application]) -> list[int]:
    """The volunteers whose name and email ``user`` is answered with, to audit (as the manage serializer rules)."""
    if user_is_volunteer(user):
        return []  # their own applications
    return [
        a.volunteer_id
        for a in applications
        if a.volunteer_id is not None and selectors.applicant_shown_to(application=a, user=user)
    ]


# What ApplicationManageOutputSerializer (a superset of the volunteer's) reads of each row and its relations.
_COLUMNS_SHOWN = (
    *("id", "status", "motivation", "created_at", "status_changed_at", "vacancy_id", "volunteer_id"),
    *(f"vacancy__{name}" for name in ("external_id", "title", "country", "status", "programme_id")),
    *("vacancy__host_institution_id", "vacancy__host_institution__name", "vacancy__programme__slug"),
    *("volunteer__external_id", "volunteer__full_name", "volunteer__email"),
)


class _ApplicationReadView(AuditedReadMixin, generics.GenericAPIView):  # type: ignore[type-arg]
    # Managers and staff see each applicant's name and email: who saw them is recorded.
    audit_action = Action.CONTACT_VIEW
    audit_object_type = "volunteer"

    def audit_ids(self, objects: Sequence[Any]) -> list[Any]:
        return _contacts_shown(self.request.user, objects)

    def get_queryset(self) -> QuerySet[Application]:
        # The columns the answer shows, not a vacancy's description or a profile's text.
        return selectors.applications_visible_to(user=self.request.user).only(*_COLUMNS_SHOWN)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return _output_serializer(self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="Applications (volunteers: yours; managers: your programmes'; staff: all)",
        responses=ApplicationByRoleSerializer(many=True),
    )
)
class ApplicationListView(_ApplicationReadView, generics.ListAPIView):  # type: ignore[type-arg]
    filterset_class = ApplicationFilter


@extend_schema_view(
    get=extend_schema(
        summary="One application with its history (404 when not yours)",
        responses={200: ApplicationByRoleSerializer, 404: ErrorSerializer},
    )
)
class ApplicationDetailView(_ApplicationReadView, generics.RetrieveAPIView):  # type: ignore[type-arg]
    pass


class ApplicationTransitionView(APIView):
    permission_classes = (IsManagerOrStaff,)

    @extend_schema(
        summary="Move an application one step through selection",
        request=TransitionInputSerializer,
        responses={200: ApplicationManageOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(selectors.applications_manageable_by(user=request.user), pk=pk)
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_advance(
            application=application,
            to_status=serializer.validated_data["status"],
            actor=signed_in_user(request),
            note=serializer.validated_data.get("note", ""),
        )
        application = selectors.applications_visible_to(user=request.user).get(pk=pk)
        data = ApplicationManageOutputSerializer(application).data
        # The answer names the applicant, as a read of the application does.
        audit_viewed(
            actor=request.user,
            action=Action.CONTACT_VIEW,
            object_type="volunteer",
            object_ids=_contacts_shown(request.user, [application]),
        )
        return Response(data)


class ApplicationWithdrawView(APIView):
    permission_classes = (IsVolunteer,)

    @extend_schema(
        summary="Withdraw your application",
        request=WithdrawInputSerializer,
        responses={200: ApplicationOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(selectors.applications_of_volunteer(user=request.user), pk=pk)
        serializer = WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_withdraw(
            application=application, actor=signed_in_user(request), note=serializer.validated_data.get("note", "")
        )
        application = selectors.applications_visible_to(user=request.user).get(pk=pk)
        return Response(ApplicationOutputSerializer(application).data)
