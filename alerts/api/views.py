"""Alerts over the API: a volunteer's preferences and everyone's in-app inbox."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from alerts import selectors
from alerts.api.serializers import (
    InboxMessageSerializer,
    MarkedSerializer,
    PreferenceInputSerializer,
    PreferenceOutputSerializer,
    UnreadCountSerializer,
)
from alerts.models import InboxMessage
from alerts.services import inbox
from alerts.services.preferences import alert_preference_update
from config.permissions import IsVolunteer
from config.serializers import ErrorSerializer
from volunteers.models import Volunteer
from volunteers.selectors import volunteer_get_own


def _own_profile(request: Request) -> Volunteer:
    profile = volunteer_get_own(user=signed_in_user(request))
    if profile is None:
        raise NotFound("You have no profile yet; create it first.")
    return profile


class PreferencesView(APIView):
    """Your alert preferences: channels, rhythm, pause, minimum score, sectors and countries."""

    permission_classes = (IsVolunteer,)

    @extend_schema(responses={200: PreferenceOutputSerializer, 404: ErrorSerializer}, summary="Your alert preferences")
    def get(self, request: Request) -> Response:
        preference = selectors.preference_for(volunteer=_own_profile(request))
        return Response(PreferenceOutputSerializer(preference).data)

    @extend_schema(
        request=PreferenceInputSerializer,
        responses={200: PreferenceOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Replace your alert preferences (what you leave out returns to its default)",
    )
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        request=PreferenceInputSerializer,
        responses={200: PreferenceOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Change some of your alert preferences",
    )
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        profile = _own_profile(request)
        serializer = PreferenceInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        preference = alert_preference_update(volunteer=profile, data=serializer.validated_data, replace=not partial)
        return Response(PreferenceOutputSerializer(preference).data)


class InboxListView(ListAPIView):  # type: ignore[type-arg]
    """Your in-app messages, newest first."""

    serializer_class = InboxMessageSerializer
    permission_classes = (IsAuthenticated,)
    filter_backends = ()
    queryset = InboxMessage.objects.none()

    def get_queryset(self) -> QuerySet[InboxMessage]:
        return selectors.inbox_for_user(user=signed_in_user(self.request))


class InboxUnreadCountView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=UnreadCountSerializer, summary="How many of your in-app messages are unread")
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.inbox_unread_count(user=signed_in_user(request))})


class InboxMarkReadView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        request=None, responses={200: InboxMessageSerializer, 404: ErrorSerializer}, summary="Mark a message read"
    )
    def post(self, request: Request, pk: int) -> Response:
        message = inbox.inbox_message_mark_read(user=signed_in_user(request), message_id=pk)
        return Response(InboxMessageSerializer(message).data)


class InboxMarkAllReadView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses=MarkedSerializer, summary="Mark all your messages read")
    def post(self, request: Request) -> Response:
        return Response({"marked": inbox.inbox_mark_all_read(user=signed_in_user(request))})
