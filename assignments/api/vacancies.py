"""Vacancies: listed per role, posted as drafts, edited and moved through their lifecycle."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from assignments import selectors, services
from assignments.api.applications import ApplicationOutputSerializer
from assignments.models import Programme, Vacancy
from assignments.services import VACANCY_TERMS
from config.filters import country_filter
from config.permissions import IsManagerOrStaff, IsVolunteer, user_is_manager, user_is_staff
from config.schema import by_role
from config.serializers import ErrorSerializer, StrictModelSerializer, StrictSerializer
from core import validators as v
from volunteers.selectors import volunteer_get_own

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")

# What anyone who may see a vacancy reads: its ids, programme and host, its terms, its status.
PUBLIC_FIELDS = ("external_id", "programme", "host_institution", *VACANCY_TERMS, "status")


class VacancyOutputSerializer(serializers.ModelSerializer[Vacancy]):
    programme: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host_institution = serializers.CharField(source="host_institution.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = PUBLIC_FIELDS
        read_only_fields = fields


class VacancyManageOutputSerializer(VacancyOutputSerializer):
    """The same, plus who changed the status and when (managers and staff)."""

    status_changed_by = serializers.EmailField(source="status_changed_by.email", read_only=True, allow_null=True)

    class Meta:
        model = Vacancy
        fields = (*PUBLIC_FIELDS, "status_changed_at", "status_changed_by", "created_at", "updated_at")
        read_only_fields = fields


class VacancyInputSerializer(StrictModelSerializer):
    """A vacancy as the roster format writes it; the host institution by name."""

    host_institution = serializers.CharField(max_length=300, validators=[v.validate_single_line])
    # The models' validators, repeated here so the schema states them (config.schema.VALIDATOR_SCHEMAS).
    required_skills = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=100, required=False, validators=[v.validate_skill_list]
    )
    preferred_skills = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=100, required=False, validators=[v.validate_skill_list]
    )
    required_languages = serializers.DictField(
        child=serializers.CharField(max_length=32), required=False, validators=[v.validate_languages]
    )

    class Meta:
        model = Vacancy
        fields = ("host_institution", *VACANCY_TERMS)


class ProgrammeSlugField(serializers.SlugRelatedField[Programme]):
    """A programme by slug; what cannot be a slug is refused before any query
    (PostgreSQL errors on a NUL byte rather than finding nothing)."""

    def to_internal_value(self, data: Any) -> Programme:
        if not isinstance(data, str) or not _SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:64])
        return super().to_internal_value(data)


class VacancyCreateInputSerializer(VacancyInputSerializer):
    programme = ProgrammeSlugField(slug_field="slug", queryset=Programme.objects.none())

    class Meta(VacancyInputSerializer.Meta):
        fields = ("programme", *VacancyInputSerializer.Meta.fields)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only programmes the user manages: another programme's slug reads as unknown.
        self.fields["programme"].queryset = selectors.programmes_managed_by(user=user)  # type: ignore[attr-defined]


class VacancyStatusInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=[s for s in Vacancy.Status.values if s != Vacancy.Status.DRAFT])


class InterestInputSerializer(StrictSerializer):
    # Length and characters are checked by the service (motivation_clean), the
    # one check the page and the alert link go through as well; untrimmed, since
    # the service checks the characters as sent and then strips.
    motivation = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="at most 5,000 characters; no control characters",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # DRF's own NUL check would answer first, in other words than the page's.
        self.fields["motivation"].validators = []


class VacancyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Vacancy.Status.choices)
    country = country_filter()
    sector = django_filters.CharFilter(lookup_expr="iexact", max_length=200)
    programme = django_filters.CharFilter(field_name="programme__slug", max_length=64)
    start_date_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_date_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Vacancy
        fields = ("status", "country", "sector", "programme", "start_date_from", "start_date_to", "search")


# What GET answers, as documented: volunteers get the public fields only.
VacancyByRoleSerializer = by_role(
    VacancyOutputSerializer, VacancyManageOutputSerializer, name="VacancyByRole", note="managers and staff only"
)


def _manage_serializer(user: Any) -> type[VacancyOutputSerializer]:
    return VacancyManageOutputSerializer if user_is_staff(user) or user_is_manager(user) else VacancyOutputSerializer


def _split_host(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    fields = dict(data)
    return fields, fields.pop("host_institution", None)


@extend_schema_view(
    get=extend_schema(
        summary="Vacancies (volunteers: open ones; managers: your programmes'; staff: all)",
        responses=VacancyByRoleSerializer(many=True),
    ),
    post=extend_schema(
        summary="Post a vacancy (as a draft)",
        request=VacancyCreateInputSerializer,
        responses={201: VacancyManageOutputSerializer, 400: ErrorSerializer},
    ),
)
class VacancyListView(generics.ListCreateAPIView):  # type: ignore[type-arg]
    filterset_class = VacancyFilter

    def get_permissions(self) -> Sequence[BasePermission]:
        return [IsManagerOrStaff()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Vacancy]:
        return selectors.vacancies_visible_to(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return _manage_serializer(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = VacancyCreateInputSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data, host = _split_host(serializer.validated_data)
        programme = data.pop("programme")
        vacancy = services.vacancy_create(
            programme=programme, host_institution=host or "", actor=signed_in_user(request), data=data
        )
        vacancy = selectors.vacancies_managed_by(user=request.user).get(pk=vacancy.pk)
        return Response(VacancyManageOutputSerializer(vacancy).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One vacancy (404 when not yours to see)",
        responses={200: VacancyByRoleSerializer, 404: ErrorSerializer},
    ),
    patch=extend_schema(
        summary="Edit a vacancy (an open one is re-ranked)",
        request=VacancyInputSerializer,
        responses={200: VacancyManageOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    ),
)
class VacancyDetailView(generics.RetrieveAPIView):  # type: ignore[type-arg]
    lookup_field = "external_id"
    http_method_names = ("get", "patch", "head", "options")

    def get_permissions(self) -> Sequence[BasePermission]:
        return [IsManagerOrStaff()] if self.request.method == "PATCH" else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Vacancy]:
        return selectors.vacancies_visible_to(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return _manage_serializer(self.request.user)

    def patch(self, request: Request, external_id: str) -> Response:
        vacancy = get_object_or_404(selectors.vacancies_managed_by(user=request.user), external_id=external_id)
        serializer = VacancyInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, host = _split_host(serializer.validated_data)
        vacancy = services.vacancy_update(
            vacancy=vacancy, actor=signed_in_user(request), data=data, host_institution=host
        )
        vacancy = selectors.vacancies_managed_by(user=request.user).get(pk=vacancy.pk)
        return Response(VacancyManageOutputSerializer(vacancy).data)


class VacancyStatusView(APIView):
    permission_classes = (IsManagerOrStaff,)

    @extend_schema(
        summary="Open, close or fill a vacancy (who and when are recorded)",
        request=VacancyStatusInputSerializer,
        responses={200: VacancyManageOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, external_id: str) -> Response:
        vacancy = get_object_or_404(selectors.vacancies_managed_by(user=request.user), external_id=external_id)
        serializer = VacancyStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.vacancy_set_status(
            vacancy=vacancy, status=serializer.validated_data["status"], actor=signed_in_user(request)
        )
        vacancy = selectors.vacancies_managed_by(user=request.user).get(pk=vacancy.pk)
        return Response(VacancyManageOutputSerializer(vacancy).data)


class VacancyInterestView(APIView):
    permission_classes = (IsVolunteer,)

    @extend_schema(
        summary="Express interest in an open vacancy (saying it twice does it once)",
        request=InterestInputSerializer,
        responses={
            201: ApplicationOutputSerializer,
            200: ApplicationOutputSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def post(self, request: Request, external_id: str) -> Response:
        vacancy = get_object_or_404(selectors.vacancies_visible_to(user=request.user), external_id=external_id)
        serializer = InterestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer = volunteer_get_own(user=request.user)
        if volunteer is None:
            raise serializers.ValidationError({"profile": ["Create your profile before expressing interest."]})
        existed = vacancy.applications.filter(volunteer=volunteer).exists()
        application = services.application_express_interest(
            volunteer=volunteer,
            vacancy=vacancy,
            motivation=serializer.validated_data.get("motivation", ""),
            actor=signed_in_user(request),
        )
        application = selectors.applications_visible_to(user=request.user).get(pk=application.pk)
        return Response(
            ApplicationOutputSerializer(application, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
