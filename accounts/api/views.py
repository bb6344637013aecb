"""The signed-in user, and API tokens for clients that do not keep a session."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    ApiTokenSerializer,
    MeInputSerializer,
    MeOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from accounts.axes import login_address_remember
from accounts.models import ApiToken, User
from accounts.selectors import api_tokens_of
from accounts.services import api_token_issue, api_tokens_revoke
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
        login_address_remember(request, email=user.email)
        token, key = api_token_issue(user=user)
        return Response(TokenOutputSerializer({"token": key, "expires_at": token.expires_at}).data)


class TokenRevokeView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the API token of this request (signed in with a session: all your tokens)",
    )
    def post(self, request: Request) -> Response:
        current = request.auth if isinstance(request.auth, ApiToken) else None
        api_tokens_revoke(user=_user(request), token_id=current.pk if current else None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    @extend_schema(responses={200: ApiTokenSerializer(many=True)}, summary="Your live API tokens (never their keys)")
    def get(self, request: Request) -> Response:
        tokens = api_tokens_of(user=_user(request))
        return Response(ApiTokenSerializer(tokens, many=True, context={"auth": request.auth}).data)


class TokenDetailView(APIView):
    @extend_schema(request=None, responses={204: None, 404: ErrorSerializer}, summary="Revoke one of your API tokens")
    def delete(self, request: Request, pk: int) -> Response:
        if not api_tokens_revoke(user=_user(request), token_id=pk):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
