"""Programmes (managers see theirs, staff all; staff create and staff them) and host institutions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from assignments import selectors, services
from assignments.models import HostInstitution, Programme
from config.filters import country_filter
from config.permissions import IsManagerOrStaff, IsStaff
from config.serializers import ErrorSerializer, StrictModelSerializer, StrictSerializer
from core import validators as v


class UserBriefSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "email", "full_name")
        read_only_fields = fields


class ProgrammeOutputSerializer(serializers.ModelSerializer[Programme]):
    managers = UserBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ("slug", "name", "rule_residence_outside_duty_country", "managers", "created_at")
        read_only_fields = fields


class ProgrammeInputSerializer(StrictModelSerializer):
    class Meta:
        model = Programme
        fields = ("slug", "name", "rule_residence_outside_duty_country")
        extra_kwargs = {"name": {"validators": [v.validate_single_line]}}


class ManagerAddInputSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class ProgrammeFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Programme
        fields = ("search",)


@extend_schema_view(
    get=extend_schema(summary="Programmes you manage (staff: all)"),
    post=extend_schema(
        summary="Create a programme (staff)",
        request=ProgrammeInputSerializer,
        responses={201: ProgrammeOutputSerializer, 400: ErrorSerializer},
    ),
)
class ProgrammeListView(generics.ListCreateAPIView):  # type: ignore[type-arg]
    serializer_class = ProgrammeOutputSerializer
    filterset_class = ProgrammeFilter

    def get_permissions(self) -> Sequence[BasePermission]:
        return [IsStaff()] if self.request.method == "POST" else [IsManagerOrStaff()]

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programmes_managed_by(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProgrammeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        programme = services.programme_create(**serializer.validated_data)
        return Response(ProgrammeOutputSerializer(programme).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="One programme (404 when not yours)", responses={200: ProgrammeOutputSerializer, 404: ErrorSerializer}
)
class ProgrammeDetailView(generics.RetrieveAPIView):  # type: ignore[type-arg]
    permission_classes = (IsManagerOrStaff,)
    serializer_class = ProgrammeOutputSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programmes_managed_by(user=self.request.user)


class ProgrammeManagerAddView(APIView):
    permission_classes = (IsStaff,)

    @extend_schema(
        summary="Add a manager to a programme (staff)",
        request=ManagerAddInputSerializer,
        responses={200: ProgrammeOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        programme = get_object_or_404(selectors.programmes_managed_by(user=request.user), slug=slug)
        serializer = ManagerAddInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.filter(email__iexact=serializer.validated_data["email"]).first()
        if user is None:
            raise serializers.ValidationError({"email": ["No user has this email."]})
        programme = services.programme_manager_add(programme=programme, user=user)
        return Response(
            ProgrammeOutputSerializer(selectors.programmes_managed_by(user=request.user).get(pk=programme.pk)).data
        )


class ProgrammeManagerRemoveView(APIView):
    permission_classes = (IsStaff,)

    @extend_schema(
        summary="Remove a manager from a programme (staff)", request=None, responses={204: None, 404: ErrorSerializer}
    )
    def delete(self, request: Request, slug: str, user_id: int) -> Response:
        programme = get_object_or_404(selectors.programmes_managed_by(user=request.user), slug=slug)
        user = get_object_or_404(programme.managers.all(), pk=user_id)
        services.programme_manager_remove(programme=programme, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HostInstitutionSerializer(StrictModelSerializer):
    class Meta:
        model = HostInstitution
        fields = ("id", "name", "country")
        read_only_fields = ("id",)
        # The service checks uniqueness, case-insensitively, and names the field.
        validators: list[Any] = []
        extra_kwargs = {"country": {"validators": [v.validate_country_code]}}


class HostInstitutionFilter(django_filters.FilterSet):
    country = country_filter()
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=300)

    class Meta:
        model = HostInstitution
        fields = ("country", "search")


@extend_schema_view(
    get=extend_schema(summary="Host institutions"),
    post=extend_schema(
        summary="Register a host institution", responses={201: HostInstitutionSerializer, 400: ErrorSerializer}
    ),
)
class HostInstitutionListView(generics.ListCreateAPIView):  # type: ignore[type-arg]
    permission_classes = (IsManagerOrStaff,)
    serializer_class = HostInstitutionSerializer
    filterset_class = HostInstitutionFilter

    def get_queryset(self) -> QuerySet[HostInstitution]:
        return selectors.host_institutions_list()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = HostInstitutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        institution = services.host_institution_create(**serializer.validated_data)
        return Response(HostInstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)
