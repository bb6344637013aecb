"""A volunteer's own profile and consents (profiles as managers and staff see them: assignments/api/volunteers.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from config.permissions import IsVolunteer
from config.serializers import ErrorSerializer
from volunteers import selectors, services
from volunteers.api.serializers import (
    ConsentInputSerializer,
    ConsentOutputSerializer,
    ProfileInputSerializer,
    ProfileOutputSerializer,
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
        profile = services.volunteer_profile_create(user=signed_in_user(request), data=serializer.validated_data)
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
