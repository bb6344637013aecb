"""The signed-in user, and API tokens for clients that do not keep a session."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeInputSerializer, MeOutputSerializer, TokenInputSerializer, TokenOutputSerializer
from accounts.models import User
from config.serializers import ErrorSerializer
from config.throttles import AuthRateThrottle, LoginFailureRateThrottle


def _user(request: Request) -> User:
    # Every view here but the token one requires authentication (the default).
    return cast(User, request.user)


class MeView(APIView):
    @extend_schema(responses={200: MeOutputSerializer}, summary="The signed-in user and their role")
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(_user(request)).data)

    @extend_schema(
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, 400: ErrorSerializer},
        summary="Change your display name",
    )
    def patch(self, request: Request) -> Response:
        serializer = MeInputSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        user.full_name = serializer.validated_data.get("full_name", user.full_name)
        user.save(update_fields=["full_name"])
        return Response(MeOutputSerializer(user).data)


class TokenObtainView(APIView):
    """Exchange email and password for an API token.

    Goes through django.contrib.auth.authenticate with the request, so
    django-axes counts failures and locks out repeated guessing.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AuthRateThrottle, LoginFailureRateThrottle)

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Obtain an API token",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: axes marks it as locked out
        # and its middleware turns that mark into the 429 response.
        user = authenticate(
            request=request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": ["Unable to log in with these credentials."]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)


class TokenRevokeView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def post(self, request: Request) -> Response:
        Token.objects.filter(user=_user(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
