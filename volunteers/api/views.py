"""A volunteer's own profile and consents; profiles as managers and staff see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from config.permissions import IsManagerOrStaff, IsVolunteer, user_is_staff
from config.schema import by_role
from config.serializers import ErrorSerializer
from volunteers import selectors, services
from volunteers.api.filters import VolunteerFilter
from volunteers.api.serializers import (
    ConsentInputSerializer,
    ConsentOutputSerializer,
    ProfileInputSerializer,
    ProfileOutputSerializer,
    VolunteerManagerOutputSerializer,
    VolunteerStaffOutputSerializer,
)
from volunteers.models import Volunteer


def _own_profile(request: Request) -> Volunteer:
    profile = selectors.volunteer_get_own(user=request.user)
    if profile is None:
        raise NotFound("You have no profile yet; create it with POST.")
    return profile


class ProfileView(APIView):
    permission_classes = (IsVolunteer,)

    @extend_schema(responses={200: ProfileOutputSerializer, 404: ErrorSerializer}, summary="Your profile")
    def get(self, request: Request) -> Response:
        return Response(ProfileOutputSerializer(_own_profile(request)).data)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={201: ProfileOutputSerializer, 400: ErrorSerializer},
        summary="Create your profile",
    )
    def post(self, request: Request) -> Response:
        serializer = ProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.volunteer_profile_create(user=request.user, data=serializer.validated_data)
        return Response(ProfileOutputSerializer(profile).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Replace your profile",
    )
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Change some fields of your profile",
    )
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        profile = _own_profile(request)
        serializer = ProfileInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        profile = services.volunteer_profile_update(
            volunteer=profile, data=serializer.validated_data, replace=not partial
        )
        return Response(ProfileOutputSerializer(profile).data)


class ConsentView(APIView):
    permission_classes = (IsVolunteer,)

    @extend_schema(
        request=ConsentInputSerializer,
        responses={200: ConsentOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Give or withdraw consent to matching and alerts",
    )
    def post(self, request: Request) -> Response:
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.volunteer_consents_set(volunteer=_own_profile(request), **serializer.validated_data)
        return Response(ConsentOutputSerializer(profile).data)


# What GET answers, as documented: managers never get gender, consents or timestamps.
VolunteerByRoleSerializer = by_role(
    VolunteerManagerOutputSerializer, VolunteerStaffOutputSerializer, name="VolunteerByRole", note="staff only"
)


class _VolunteerReadView(generics.GenericAPIView):  # type: ignore[type-arg]
    permission_classes = (IsManagerOrStaff,)
    lookup_field = "external_id"

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteers_visible_to(user=self.request.user)

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
